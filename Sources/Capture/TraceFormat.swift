/// The container format of a trace, detected from its first bytes (never from the file name).
public enum TraceFormat: Hashable, Sendable, CustomStringConvertible {
    /// Classic libpcap format.
    case pcap(bigEndian: Bool, nanosecond: Bool, modified: Bool)
    /// pcapng (byte order may differ per section).
    case pcapng

    public var description: String {
        switch self {
        case let .pcap(bigEndian, nanosecond, modified):
            let order = bigEndian ? "big-endian" : "little-endian"
            let res = nanosecond ? "nsec" : "usec"
            return modified ? "pcap (modified, \(order), \(res))" : "pcap (\(order), \(res))"
        case .pcapng: return "pcapng"
        }
    }

    /// Short name for the analysis document: `pcap` or `pcapng`.
    public var shortName: String {
        switch self {
        case .pcap: return "pcap"
        case .pcapng: return "pcapng"
        }
    }

    /// What the first bytes say, without reading further. `nil` when they are not a capture.
    public static func sniff(_ head: UnsafeRawBufferPointer) -> TraceFormat? {
        guard head.count >= 4 else { return nil }
        switch head.u32(0, bigEndian: false) {
        case 0xA1B2_C3D4: return .pcap(bigEndian: false, nanosecond: false, modified: false)
        case 0xD4C3_B2A1: return .pcap(bigEndian: true, nanosecond: false, modified: false)
        case 0xA1B2_3C4D: return .pcap(bigEndian: false, nanosecond: true, modified: false)
        case 0x4D3C_B2A1: return .pcap(bigEndian: true, nanosecond: true, modified: false)
        case 0xA1B2_CD34: return .pcap(bigEndian: false, nanosecond: false, modified: true)
        case 0x34CD_B2A1: return .pcap(bigEndian: true, nanosecond: false, modified: true)
        case 0x0A0D_0D0A: return .pcapng
        default: return nil
        }
    }

    /// A name for well-known non-capture or unsupported capture formats, for error messages.
    static func describeUnknown(_ head: UnsafeRawBufferPointer) -> String {
        let b = Array(head.prefix(8))
        if b.count >= 4 && b[0] == 0x28 && b[1] == 0xB5 && b[2] == 0x2F && b[3] == 0xFD {
            return "zstd-compressed data; decompress it with `zstd -d` and attach the result"
        }
        if b.count >= 8 && b.elementsEqual(Array("snoop".utf8) + [0, 0, 0]) {
            return "Solaris snoop format is not supported; convert it with `editcap -F pcap`"
        }
        let hex = b.prefix(4).map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }
        return "unknown magic number 0x" + hex.joined()
    }
}
