/// Walks the blocks of a pcapng file in place (draft-ietf-opsawg-pcapng).
///
/// Several sections, both byte orders, any number of interfaces each with its own link type,
/// snapshot length and timestamp resolution: what Wireshark reads and libpcap 1.10 refuses.
/// Unknown blocks are skipped; a block with an impossible length stops reading with a problem.
struct PcapngCursor {
    enum BlockType {
        static let sectionHeader: UInt32 = 0x0A0D_0D0A
        static let interfaceDescription: UInt32 = 1
        static let packet: UInt32 = 2 // obsolete Packet Block
        static let simplePacket: UInt32 = 3
        static let enhancedPacket: UInt32 = 6
    }

    let bytes: UnsafeRawBufferPointer
    var offset = 0
    var bigEndian = false
    var frameNumber = 0
    var finished = false
    /// Interfaces of the current section.
    var interfaces: [CaptureInterface] = []
    /// Every interface of every section, in file order (for the file summary).
    var allInterfaces: [CaptureInterface] = []
    var sectionComments: [String] = []

    init(bytes: UnsafeRawBufferPointer, path: String) throws {
        guard bytes.count >= 28 else {
            throw CaptureError.truncatedHeader(path: path, have: bytes.count, need: 28)
        }
        let bom = bytes.u32(8, bigEndian: false)
        guard bom == 0x1A2B_3C4D || bom == 0x4D3C_2B1A else {
            throw CaptureError.notACapture(path: path, detail: "pcapng section header has a bad byte-order magic")
        }
        let be = bom == 0x4D3C_2B1A
        let major = Int(bytes.u16(12, bigEndian: be))
        let minor = Int(bytes.u16(14, bigEndian: be))
        guard major == 1 else { throw CaptureError.unsupportedVersion(path: path, major: major, minor: minor) }
        self.bytes = bytes
    }

    mutating func next(problems: inout [TraceProblem]) -> Frame? {
        while !finished {
            let remaining = bytes.count - offset
            if remaining == 0 { finished = true; return nil }
            if remaining < 12 {
                stop(.truncatedFile, "file truncated after frame \(frameNumber): \(remaining) bytes of a block header", &problems)
                return nil
            }
            var type = bytes.u32(offset, bigEndian: bigEndian)
            if type == BlockType.sectionHeader {
                let bom = bytes.u32(offset + 8, bigEndian: false)
                guard bom == 0x1A2B_3C4D || bom == 0x4D3C_2B1A else {
                    stop(.badBlock, "section header after frame \(frameNumber) has a bad byte-order magic; reading stopped", &problems)
                    return nil
                }
                bigEndian = bom == 0x4D3C_2B1A
                type = BlockType.sectionHeader
            }
            let length = Int(bytes.u32(offset + 4, bigEndian: bigEndian))
            if length < 12 || length % 4 != 0 {
                stop(.badRecordLength, "block after frame \(frameNumber) has an invalid total length \(length); reading stopped", &problems)
                return nil
            }
            if length > remaining {
                stop(.truncatedFile, "file truncated after frame \(frameNumber): block of \(length) bytes, \(remaining) left", &problems)
                return nil
            }
            let trailer = Int(bytes.u32(offset + length - 4, bigEndian: bigEndian))
            if trailer != length {
                stop(.badRecordLength, "block after frame \(frameNumber): total length \(length) does not match its trailer \(trailer); reading stopped", &problems)
                return nil
            }
            let body = UnsafeRawBufferPointer(rebasing: bytes[(offset + 8)..<(offset + length - 4)])
            offset += length
            switch type {
            case BlockType.sectionHeader:
                interfaces.removeAll()
                if body.count >= 16 {
                    forEachOption(body, from: 16) { code, value in
                        if code == 1 { sectionComments.append(String(decoding: value, as: UTF8.self)) }
                    }
                }
            case BlockType.interfaceDescription:
                guard body.count >= 8 else {
                    problems.append(TraceProblem(kind: .badBlock, frame: frameNumber, message: "interface description block after frame \(frameNumber) is too short"))
                    continue
                }
                var iface = CaptureInterface(
                    linkType: LinkType(rawValue: UInt32(body.u16(0, bigEndian: bigEndian))),
                    snaplen: Int(body.u32(4, bigEndian: bigEndian)))
                forEachOption(body, from: 8) { code, value in
                    switch code {
                    case 1: iface.comments.append(String(decoding: value, as: UTF8.self))
                    case 2: iface.name = String(decoding: value, as: UTF8.self)
                    case 3: iface.interfaceDescription = String(decoding: value, as: UTF8.self)
                    case 9 where value.count >= 1:
                        let r = value[0]
                        if r & 0x80 != 0 {
                            iface.binaryExponent = Int(r & 0x7F)
                        } else if r <= 19 {
                            var u: UInt64 = 1
                            for _ in 0..<Int(r) { u &*= 10 }
                            iface.unitsPerSecond = u
                        }
                    case 14 where value.count >= 8:
                        let hi = UInt64(value.u32(0, bigEndian: bigEndian))
                        let lo = UInt64(value.u32(4, bigEndian: bigEndian))
                        iface.offsetSeconds = Int64(bitPattern: bigEndian ? (hi << 32 | lo) : (lo << 32 | hi))
                    default: break
                    }
                }
                interfaces.append(iface)
                allInterfaces.append(iface)
            case BlockType.enhancedPacket, BlockType.packet:
                guard body.count >= 20 else {
                    problems.append(TraceProblem(kind: .badBlock, frame: frameNumber, message: "packet block after frame \(frameNumber) is too short"))
                    continue
                }
                let ifaceID = type == BlockType.packet ? Int(body.u16(0, bigEndian: bigEndian)) : Int(body.u32(0, bigEndian: bigEndian))
                let high = UInt64(body.u32(4, bigEndian: bigEndian))
                let low = UInt64(body.u32(8, bigEndian: bigEndian))
                let captured = Int(body.u32(12, bigEndian: bigEndian))
                let original = Int(body.u32(16, bigEndian: bigEndian))
                guard ifaceID < interfaces.count else {
                    stop(.badBlock, "packet block after frame \(frameNumber) names interface \(ifaceID), but the section has \(interfaces.count); reading stopped", &problems)
                    return nil
                }
                guard captured <= body.count - 20 else {
                    stop(.badRecordLength, "packet block after frame \(frameNumber): captured length \(captured) exceeds the block; reading stopped", &problems)
                    return nil
                }
                return makeFrame(ifaceID, interfaces[ifaceID].timestamp(units: high << 32 | low),
                                 captured, original, body, dataStart: 20, &problems)
            case BlockType.simplePacket:
                guard body.count >= 4, !interfaces.isEmpty else {
                    problems.append(TraceProblem(kind: .badBlock, frame: frameNumber, message: "simple packet block after frame \(frameNumber) without an interface"))
                    continue
                }
                let original = Int(body.u32(0, bigEndian: bigEndian))
                var captured = min(original, body.count - 4)
                if interfaces[0].snaplen > 0 { captured = min(captured, interfaces[0].snaplen) }
                // A Simple Packet Block has no timestamp; Wireshark shows the epoch.
                return makeFrame(0, Timestamp(nanoseconds: 0), captured, original, body, dataStart: 4, &problems)
            default:
                continue // NRB, ISB, DSB, custom and unknown blocks carry no frames.
            }
        }
        return nil
    }

    private mutating func makeFrame(_ iface: Int, _ ts: Timestamp, _ captured: Int, _ original: Int,
                                    _ body: UnsafeRawBufferPointer, dataStart: Int,
                                    _ problems: inout [TraceProblem]) -> Frame {
        frameNumber += 1
        let snaplen = interfaces[iface].snaplen
        if snaplen > 0 && captured > snaplen {
            problems.append(TraceProblem(
                kind: .recordExceedsSnaplen, frame: frameNumber,
                message: "frame \(frameNumber): captured length \(captured) exceeds the interface's snapshot length \(snaplen)"))
        }
        return Frame(
            number: frameNumber, timestamp: ts, capturedLength: captured, originalLength: original,
            linkType: interfaces[iface].linkType, interfaceID: iface,
            bytes: UnsafeRawBufferPointer(rebasing: body[(body.startIndex + dataStart)..<(body.startIndex + dataStart + captured)]))
    }

    private mutating func stop(_ kind: TraceProblem.Kind, _ message: String, _ problems: inout [TraceProblem]) {
        finished = true
        problems.append(TraceProblem(kind: kind, frame: frameNumber, message: message))
    }

    /// Calls `body` for each option (code, value) from `start` until opt_endofopt or the end.
    private func forEachOption(_ block: UnsafeRawBufferPointer, from start: Int,
                               _ body: (UInt16, UnsafeRawBufferPointer) -> Void) {
        var o = start
        while o + 4 <= block.count {
            let code = block.u16(o, bigEndian: bigEndian)
            let len = Int(block.u16(o + 2, bigEndian: bigEndian))
            if code == 0 { return }
            guard o + 4 + len <= block.count else { return }
            body(code, UnsafeRawBufferPointer(rebasing: block[(block.startIndex + o + 4)..<(block.startIndex + o + 4 + len)]))
            o += 4 + ((len + 3) & ~3)
        }
    }
}
