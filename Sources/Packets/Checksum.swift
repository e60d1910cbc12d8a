/// Internet checksum (RFC 1071) of TCP segments, for spotting checksums left unfinished by
/// offload on the capturing host. Only for segments captured in full.
public enum Checksum {
    /// true: correct; false: wrong; nil: cannot tell (truncated, fragment, not TCP).
    public static func tcpIsValid(_ p: Packet) -> Bool? {
        guard let ip = p.ip, let tcp = p.tcp, !ip.isFragment, !p.problems.contains(.ipLengthZeroAssumeTSO) else { return nil }
        let b = p.frame.bytes
        let length = tcp.headerLength + tcp.segmentLength
        guard tcp.offset + length <= b.count, p.capturedPayloadLength == tcp.segmentLength else { return nil }
        var sum: UInt64 = 0
        switch (ip.source, ip.destination) {
        case let (.v4(s), .v4(d)):
            sum += UInt64(s >> 16) + UInt64(s & 0xFFFF) + UInt64(d >> 16) + UInt64(d & 0xFFFF)
        case let (.v6(s1, s2), .v6(d1, d2)):
            for w in [s1, s2, d1, d2] {
                sum += (w >> 48) + ((w >> 32) & 0xFFFF) + ((w >> 16) & 0xFFFF) + (w & 0xFFFF)
            }
        default: return nil
        }
        sum += 6 + UInt64(length)
        // The segment: 32-bit words in the machine's byte order, folded, then swapped to network
        // order (RFC 1071 §2(B): the sum does not depend on byte order), the last 0–3 bytes apart.
        let start = b.baseAddress! + tcp.offset
        var words: UInt64 = 0, j = 0
        while j + 4 <= length {
            words &+= UInt64(UInt32(bigEndian: start.loadUnaligned(fromByteOffset: j, as: UInt32.self)))
            j += 4
        }
        if j + 1 < length { words &+= UInt64(start.load(fromByteOffset: j, as: UInt8.self)) << 24 | UInt64(start.load(fromByteOffset: j + 1, as: UInt8.self)) << 16; j += 2 }
        if j < length { words &+= UInt64(start.load(fromByteOffset: j, as: UInt8.self)) << (j % 4 == 0 ? 24 : 8) }
        while words >> 16 != 0 { words = (words & 0xFFFF) + (words >> 16) }
        sum += words
        while sum >> 16 != 0 { sum = (sum & 0xFFFF) + (sum >> 16) }
        return sum == 0xFFFF
    }
}
