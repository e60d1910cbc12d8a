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
        var i = tcp.offset
        let end = tcp.offset + length
        while i + 1 < end {
            sum += UInt64(b[i]) << 8 | UInt64(b[i + 1])
            i += 2
        }
        if i < end { sum += UInt64(b[i]) << 8 }
        while sum >> 16 != 0 { sum = (sum & 0xFFFF) + (sum >> 16) }
        return sum == 0xFFFF
    }
}
