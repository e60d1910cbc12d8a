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

    /// A header of zeros, for storage that is decoded into.
    static let zero = IPHeader(
        version: 0, source: .v4(0), destination: .v4(0), ttl: 0, identification: 0, dontFragment: false,
        moreFragments: false, fragmentOffset: 0, totalLength: 0, headerLength: 0, protocolNumber: IPProtocol(rawValue: 0),
        ecn: 0, hasOptions: false, checksum: 0)
}

enum IPDecoder {
    /// Decodes an IPv4 or IPv6 header at `offset`. Returns the header and the offset of its payload.
    static func decode(_ b: UnsafeRawBufferPointer, at offset: Int, problems: inout PacketProblems) -> IPHeader? {
        var h = IPHeader.zero
        return decode(b, at: offset, into: &h, problems: &problems) ? h : nil
    }

    /// Decodes into `h` (a packet's own storage: no header value copied out and in); false, and
    /// `h` untouched, when there is no header to decode.
    static func decode(_ b: UnsafeRawBufferPointer, at offset: Int, into h: inout IPHeader, problems: inout PacketProblems) -> Bool {
        guard let first = b.getUInt8(at: offset) else {
            problems.insert(.truncatedIPHeader)
            return false
        }
        switch first >> 4 {
        case 4: return decodeIPv4(b, at: offset, into: &h, problems: &problems)
        case 6:
            guard let v6 = decodeIPv6(b, at: offset, problems: &problems) else { return false }
            h = v6
            return true
        default:
            problems.insert(.badIPVersion)
            return false
        }
    }

    static func decodeIPv4(_ b: UnsafeRawBufferPointer, at o: Int, into h: inout IPHeader, problems: inout PacketProblems) -> Bool {
        guard o + 20 <= b.count else { problems.insert(.truncatedIPHeader); return false }
        let ihl = Int(b.u8(o) & 0x0F) * 4
        guard ihl >= 20 else { problems.insert(.badIPHeaderLength); return false }
        guard o + ihl <= b.count else { problems.insert(.truncatedIPHeader); return false }
        var total = Int(b.u16(o + 2))
        if total == 0 {
            // Wireshark: "length of 0, assuming TSO"; use what was captured.
            problems.insert(.ipLengthZeroAssumeTSO)
            total = b.count - o
        } else if total < ihl {
            problems.insert(.badIPTotalLength)
            return false
        }
        let flagsFrag = b.u16(o + 6)
        // Field by field: one assignment of a new value built it on the stack and copied it in.
        h.version = 4
        h.source = .v4(b.u32(o + 12))
        h.destination = .v4(b.u32(o + 16))
        h.ttl = b.u8(o + 8)
        h.identification = b.u16(o + 4)
        h.dontFragment = flagsFrag & 0x4000 != 0
        h.moreFragments = flagsFrag & 0x2000 != 0
        h.fragmentOffset = Int(flagsFrag & 0x1FFF) * 8
        h.totalLength = total
        h.headerLength = ihl
        h.protocolNumber = IPProtocol(rawValue: b.u8(o + 9))
        h.ecn = b.u8(o + 1) & 0x03
        h.hasOptions = ihl > 20
        h.checksum = b.u16(o + 10)
        return true
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
