import CPcap
/// Walks the records of a classic pcap file in place.
///
/// Follows Wireshark's wiretap/libpcap.c where libpcap is stricter: a record longer than the
/// snapshot length is read (and reported), not refused.
struct PcapCursor {
    static let fileHeaderLength = 24
    /// Wireshark's WTAP_MAX_PACKET_SIZE_STANDARD: a larger record means the file is damaged.
    static let maxRecordLength = 262_144

    let bytes: UnsafeRawBufferPointer
    let bigEndian: Bool
    let nanosecond: Bool
    let recordHeaderLength: Int
    let linkType: LinkType
    let snaplen: Int
    var offset = PcapCursor.fileHeaderLength
    var frameNumber = 0
    var finished = false

    /// Reads the 24-byte file header. `format` must be a `.pcap` case.
    init(bytes: UnsafeRawBufferPointer, format: TraceFormat, path: String, problems: inout [TraceProblem]) throws {
        guard case let .pcap(bigEndian, nanosecond, modified) = format else {
            preconditionFailure("PcapCursor needs a pcap format")
        }
        guard bytes.count >= Self.fileHeaderLength else {
            throw CaptureError.truncatedHeader(path: path, have: bytes.count, need: Self.fileHeaderLength)
        }
        self.bytes = bytes
        self.bigEndian = bigEndian
        self.nanosecond = nanosecond
        recordHeaderLength = modified ? 24 : 16
        let major = Int(bytes.u16(4, bigEndian: bigEndian))
        let minor = Int(bytes.u16(6, bigEndian: bigEndian))
        guard major == 2 else { throw CaptureError.unsupportedVersion(path: path, major: major, minor: minor) }
        snaplen = Int(bytes.u32(16, bigEndian: bigEndian))
        let rawLink = bytes.u32(20, bigEndian: bigEndian)
        // Upper bits carry the FCS length (bits 28-31, flag bit 26); bits 16-25 are reserved.
        linkType = LinkType(rawValue: rawLink & 0x0000_FFFF)
        if rawLink & 0x03FF_0000 != 0 {
            problems.append(TraceProblem(
                kind: .reservedBits, frame: nil,
                message: "link-type field has reserved bits set (0x\(String(rawLink, radix: 16))); using link type \(linkType.rawValue)"))
        }
    }

    @inline(__always) // one caller (FrameReader.next): no second prologue a frame
    mutating func next(problems: inout [TraceProblem]) -> Frame? {
        let remaining = bytes.count &- offset
        guard !finished, remaining >= recordHeaderLength else { return end(remaining: remaining, problems: &problems) }
        // The record header's four words in two 8-byte loads.
        let header = bytes.baseAddress! + offset
        var words0 = UInt64(littleEndian: header.loadUnaligned(as: UInt64.self))
        var words1 = UInt64(littleEndian: header.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        if bigEndian {
            @inline(__always) func swapHalves(_ w: UInt64) -> UInt64 {
                UInt64(UInt32(truncatingIfNeeded: w).byteSwapped) | UInt64(UInt32(truncatingIfNeeded: w >> 32).byteSwapped) << 32
            }
            words0 = swapHalves(words0)
            words1 = swapHalves(words1)
        }
        let seconds = Int64(words0 & 0xFFFF_FFFF)
        let fraction = Int64(words0 >> 32)
        let captured = Int(words1 & 0xFFFF_FFFF)
        let original = Int(words1 >> 32)
        let dataStart = offset + recordHeaderLength
        // Damage is reported out of line: the common path stays small (no spills for the text).
        if captured > Self.maxRecordLength || bytes.count - dataStart < captured {
            return stop(captured: captured, dataStart: dataStart, problems: &problems)
        }
        frameNumber += 1
        if (snaplen > 0 && captured > snaplen) || fraction >= (nanosecond ? 1_000_000_000 : 1_000_000) {
            report(captured: captured, fraction: fraction, problems: &problems)
        }
        offset = dataStart + captured
        if let base = bytes.baseAddress, offset + 128 <= bytes.count {
            casebook_prefetch(base + offset)
            casebook_prefetch(base + offset + 64)
        }
        let ns = nanosecond ? fraction : fraction * 1000
        return Frame(
            number: frameNumber,
            timestamp: ns < 1_000_000_000 ? Timestamp(seconds: seconds, fractionWithinSecond: ns) : Timestamp(seconds: seconds, nanoseconds: ns),
            capturedLength: captured,
            originalLength: original,
            linkType: linkType,
            interfaceID: 0,
            bytes: UnsafeRawBufferPointer(rebasing: bytes[dataStart..<(dataStart + captured)]))
    }

    /// A record too long to be real, or cut short by the end of the file: reading stops.
    @inline(never)
    private mutating func stop(captured: Int, dataStart: Int, problems: inout [TraceProblem]) -> Frame? {
        finished = true
        if captured > Self.maxRecordLength {
            problems.append(TraceProblem(
                kind: .badRecordLength, frame: frameNumber + 1,
                message: "bad record at frame \(frameNumber + 1): captured length \(captured) exceeds the maximum of \(Self.maxRecordLength); reading stopped"))
        } else {
            problems.append(TraceProblem(
                kind: .truncatedFile, frame: frameNumber,
                message: "file truncated after frame \(frameNumber): frame \(frameNumber + 1) needs \(captured) bytes, \(bytes.count - dataStart) left"))
        }
        return nil
    }

    /// A readable record with a length beyond the snapshot length or a timestamp fraction out of range.
    @inline(never)
    private func report(captured: Int, fraction: Int64, problems: inout [TraceProblem]) {
        if snaplen > 0 && captured > snaplen {
            problems.append(TraceProblem(
                kind: .recordExceedsSnaplen, frame: frameNumber,
                message: "frame \(frameNumber): captured length \(captured) exceeds the snapshot length \(snaplen)"))
        }
        if fraction >= (nanosecond ? 1_000_000_000 : 1_000_000) {
            problems.append(TraceProblem(
                kind: .badTimestamp, frame: frameNumber,
                message: "frame \(frameNumber): timestamp fraction \(fraction) is out of range for \(nanosecond ? "nanoseconds" : "microseconds")"))
        }
    }

    /// The end of the records: nothing left, or a record header cut short (reported once).
    @inline(never)
    private mutating func end(remaining: Int, problems: inout [TraceProblem]) -> Frame? {
        guard !finished else { return nil }
        finished = true
        if remaining > 0 {
            problems.append(TraceProblem(
                kind: .truncatedFile, frame: frameNumber,
                message: "file truncated after frame \(frameNumber): \(remaining) bytes of a \(recordHeaderLength)-byte record header"))
        }
        return nil
    }
}
