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
        // The segment: 64-bit words as loaded (little-endian), added with end-around carry, the
        // last 0–7 bytes zero-padded; folded to 16 bits and swapped to network order at the end
        // (RFC 1071 §2(B): the sum does not depend on byte order).
        let start = UnsafeRawPointer(b.baseAddress! + tcp.offset)
        var words: UInt64 = 0, j = 0
        while j + 8 <= length {
            let (r, carry) = words.addingReportingOverflow(UInt64(littleEndian: start.loadUnaligned(fromByteOffset: j, as: UInt64.self)))
            words = r &+ (carry ? 1 : 0)
            j += 8
        }
        if j < length {
            var tail: UInt64 = 0
            withUnsafeMutableBytes(of: &tail) { $0.baseAddress!.copyMemory(from: start + j, byteCount: length - j) }
            let (r, carry) = words.addingReportingOverflow(UInt64(littleEndian: tail))
            words = r &+ (carry ? 1 : 0)
        }
        var folded = (words & 0xFFFF_FFFF) + (words >> 32)
        while folded >> 16 != 0 { folded = (folded & 0xFFFF) + (folded >> 16) }
        sum += UInt64(UInt16(truncatingIfNeeded: folded).byteSwapped)
        while sum >> 16 != 0 { sum = (sum & 0xFFFF) + (sum >> 16) }
        return sum == 0xFFFF
    }
}
