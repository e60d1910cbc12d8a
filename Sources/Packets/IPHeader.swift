/// An IPv4 or IPv6 header, reduced to what TCP analysis and Wireshark's columns need.
public struct IPHeader: Hashable, Sendable {
    public var version: UInt8
    public var source: IPAddress
    public var destination: IPAddress
    /// IPv4 TTL or IPv6 hop limit.
    public var ttl: UInt8
    /// IPv4 identification (`ip.id`); 0 for IPv6.
    public var identification: UInt16
    public var dontFragment: Bool
    public var moreFragments: Bool
    /// Fragment offset in bytes.
    public var fragmentOffset: Int
    /// IPv4 total length (`ip.len`) or 40 + IPv6 payload length.
    public var totalLength: Int
    /// IPv4 IHL × 4, or 40 plus every IPv6 extension header.
    public var headerLength: Int
    /// The upper-layer protocol (after IPv6 extension headers).
    public var protocolNumber: IPProtocol
    /// ECN field (low two bits of TOS / traffic class).
    public var ecn: UInt8
    public var hasOptions: Bool
    /// IPv4 header checksum as sent.
    public var checksum: UInt16

    /// Bytes after the IP header(s) according to the header's length fields.
    public var payloadLength: Int { max(0, totalLength - headerLength) }
    public var isFragment: Bool { moreFragments || fragmentOffset > 0 }
}

enum IPDecoder {
    /// Decodes an IPv4 or IPv6 header at `offset`. Returns the header and the offset of its payload.
    static func decode(_ b: UnsafeRawBufferPointer, at offset: Int, problems: inout PacketProblems) -> IPHeader? {
        guard let first = b.getUInt8(at: offset) else {
            problems.insert(.truncatedIPHeader)
            return nil
        }
        switch first >> 4 {
        case 4: return decodeIPv4(b, at: offset, problems: &problems)
        case 6: return decodeIPv6(b, at: offset, problems: &problems)
        default:
            problems.insert(.badIPVersion)
            return nil
        }
    }

    static func decodeIPv4(_ b: UnsafeRawBufferPointer, at o: Int, problems: inout PacketProblems) -> IPHeader? {
        guard o + 20 <= b.count else { problems.insert(.truncatedIPHeader); return nil }
        let ihl = Int(b.u8(o) & 0x0F) * 4
        guard ihl >= 20 else { problems.insert(.badIPHeaderLength); return nil }
        guard o + ihl <= b.count else { problems.insert(.truncatedIPHeader); return nil }
        var total = Int(b.u16(o + 2))
        if total == 0 {
            // Wireshark: "length of 0, assuming TSO"; use what was captured.
            problems.insert(.ipLengthZeroAssumeTSO)
            total = b.count - o
        } else if total < ihl {
            problems.insert(.badIPTotalLength)
            return nil
        }
        let flagsFrag = b.u16(o + 6)
        return IPHeader(
            version: 4,
            source: .v4(b.u32(o + 12)),
            destination: .v4(b.u32(o + 16)),
            ttl: b.u8(o + 8),
            identification: b.u16(o + 4),
            dontFragment: flagsFrag & 0x4000 != 0,
            moreFragments: flagsFrag & 0x2000 != 0,
            fragmentOffset: Int(flagsFrag & 0x1FFF) * 8,
            totalLength: total,
            headerLength: ihl,
            protocolNumber: IPProtocol(rawValue: b.u8(o + 9)),
            ecn: b.u8(o + 1) & 0x03,
            hasOptions: ihl > 20,
            checksum: b.u16(o + 10))
    }

    static func decodeIPv6(_ b: UnsafeRawBufferPointer, at o: Int, problems: inout PacketProblems) -> IPHeader? {
        guard o + 40 <= b.count else { problems.insert(.truncatedIPHeader); return nil }
        var next = b.u8(o + 6)
        var headerLength = 40
        var moreFragments = false
        var fragmentOffset = 0
        var identification: UInt16 = 0
        // Walk extension headers (RFC 8200 §4): hop-by-hop 0, routing 43, fragment 44,
        // destination options 60, mobility 135, HIP 139, shim6 140; AH 51 uses 4-byte units.
        var guardCount = 0
        while guardCount < 16 {
            guardCount += 1
            let h = o + headerLength
            switch next {
            case 0, 43, 60, 135, 139, 140:
                guard let n = b.getUInt8(at: h), let len = b.getUInt8(at: h + 1) else {
                    problems.insert(.truncatedIPHeader); return nil
                }
                next = n
                headerLength += (Int(len) + 1) * 8
            case 44:
                guard let n = b.getUInt8(at: h), let fo = b.getUInt16(at: h + 2), let id = b.getUInt32(at: h + 4) else {
                    problems.insert(.truncatedIPHeader); return nil
                }
                next = n
                fragmentOffset = Int(fo & 0xFFF8)
                moreFragments = fo & 1 != 0
                identification = UInt16(truncatingIfNeeded: id)
                headerLength += 8
            case 51:
                guard let n = b.getUInt8(at: h), let len = b.getUInt8(at: h + 1) else {
                    problems.insert(.truncatedIPHeader); return nil
                }
                next = n
                headerLength += (Int(len) + 2) * 4
            default:
                guardCount = 99
            }
        }
        let vtcfl = b.u32(o)
        return IPHeader(
            version: 6,
            source: .v6(b.u64(o + 8), b.u64(o + 16)),
            destination: .v6(b.u64(o + 24), b.u64(o + 32)),
            ttl: b.u8(o + 7),
            identification: identification,
            dontFragment: false,
            moreFragments: moreFragments,
            fragmentOffset: fragmentOffset,
            totalLength: 40 + Int(b.u16(o + 4)),
            headerLength: headerLength,
            protocolNumber: IPProtocol(rawValue: next),
            ecn: UInt8((vtcfl >> 20) & 0x03),
            hasOptions: headerLength > 40,
            checksum: 0)
    }
}
