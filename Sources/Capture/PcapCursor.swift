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

    mutating func next(problems: inout [TraceProblem]) -> Frame? {
        guard !finished else { return nil }
        let remaining = bytes.count - offset
        if remaining == 0 { finished = true; return nil }
        if remaining < recordHeaderLength {
            finished = true
            problems.append(TraceProblem(
                kind: .truncatedFile, frame: frameNumber,
                message: "file truncated after frame \(frameNumber): \(remaining) bytes of a \(recordHeaderLength)-byte record header"))
            return nil
        }
        let seconds = Int64(bytes.u32(offset, bigEndian: bigEndian))
        let fraction = Int64(bytes.u32(offset + 4, bigEndian: bigEndian))
        let captured = Int(bytes.u32(offset + 8, bigEndian: bigEndian))
        let original = Int(bytes.u32(offset + 12, bigEndian: bigEndian))
        if captured > Self.maxRecordLength {
            finished = true
            problems.append(TraceProblem(
                kind: .badRecordLength, frame: frameNumber + 1,
                message: "bad record at frame \(frameNumber + 1): captured length \(captured) exceeds the maximum of \(Self.maxRecordLength); reading stopped"))
            return nil
        }
        let dataStart = offset + recordHeaderLength
        if bytes.count - dataStart < captured {
            finished = true
            problems.append(TraceProblem(
                kind: .truncatedFile, frame: frameNumber,
                message: "file truncated after frame \(frameNumber): frame \(frameNumber + 1) needs \(captured) bytes, \(bytes.count - dataStart) left"))
            return nil
        }
        frameNumber += 1
        if snaplen > 0 && captured > snaplen {
            problems.append(TraceProblem(
                kind: .recordExceedsSnaplen, frame: frameNumber,
                message: "frame \(frameNumber): captured length \(captured) exceeds the snapshot length \(snaplen)"))
        }
        offset = dataStart + captured
        if let base = bytes.baseAddress, offset + 128 <= bytes.count {
            casebook_prefetch(base + offset)
            casebook_prefetch(base + offset + 64)
        }
        if fraction >= (nanosecond ? 1_000_000_000 : 1_000_000) {
            problems.append(TraceProblem(
                kind: .badTimestamp, frame: frameNumber,
                message: "frame \(frameNumber): timestamp fraction \(fraction) is out of range for \(nanosecond ? "nanoseconds" : "microseconds")"))
        }
        let ns = nanosecond ? fraction : fraction * 1000
        return Frame(
            number: frameNumber,
            timestamp: Timestamp(seconds: seconds, nanoseconds: ns),
            capturedLength: captured,
            originalLength: original,
            linkType: linkType,
            interfaceID: 0,
            bytes: UnsafeRawBufferPointer(rebasing: bytes[dataStart..<(dataStart + captured)]))
    }
}
