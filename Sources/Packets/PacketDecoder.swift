import Capture

/// Decodes frames into ``Packet`` values: link layer → IP → TCP/UDP/ICMP.
///
/// Stateless and allocation-free: every header is read in place from the frame's borrowed bytes.
/// Decoding never fails; what could not be decoded is named in ``Packet/problems``.
public enum PacketDecoder {
    public static func decode(_ frame: Frame) -> Packet {
        var p = Packet(frame: frame)
        decode(frame, into: &p)
        return p
    }

    /// Decodes into `p`, overwriting all of it: a reading loop reuses one packet's storage
    /// instead of copying a new value out per frame.
    public static func decode(_ frame: Frame, into p: inout Packet) {
        p.reset(frame: frame)
        let b = frame.bytes
        switch frame.linkType.rawValue {
        case LinkType.ethernet.rawValue:
            decodeEthernet(b, at: 0, into: &p)
        case LinkType.raw.rawValue, LinkType.rawBSD12.rawValue, LinkType.rawBSD14.rawValue,
             LinkType.ipv4.rawValue, LinkType.ipv6.rawValue:
            decodeNetwork(b, at: 0, etherType: nil, into: &p)
        case LinkType.null.rawValue:
            guard b.count >= 4 else { p.problems.insert(.truncatedLinkHeader); return }
            if b.u16(0) == 0xFF03 { p.problems.insert(.undecodedNetworkProtocol); return } // PPP in HDLC framing
            let value = nullHeaderValue(UInt32(littleEndian: b.loadUnaligned(fromByteOffset: 0, as: UInt32.self)))
            dispatchNullHeader(value, b, into: &p)
        case LinkType.loop.rawValue:
            guard b.count >= 4 else { p.problems.insert(.truncatedLinkHeader); return }
            dispatchNullHeader(b.u32(0), b, into: &p)
        case LinkType.linuxSLL.rawValue:
            guard let proto = b.getUInt16(at: 14) else { p.problems.insert(.truncatedLinkHeader); return }
            dispatchEtherType(EtherType(rawValue: proto), b, at: 16, into: &p)
        case LinkType.linuxSLL2.rawValue:
            guard b.count >= 20 else { p.problems.insert(.truncatedLinkHeader); return }
            dispatchEtherType(EtherType(rawValue: b.u16(0)), b, at: 20, into: &p)
        case LinkType.ciscoHDLC.rawValue:
            guard let proto = b.getUInt16(at: 2) else { p.problems.insert(.truncatedLinkHeader); return }
            dispatchEtherType(EtherType(rawValue: proto), b, at: 4, into: &p)
        case LinkType.ppi.rawValue:
            // PPI header (little-endian): version, flags, length, DLT of what follows.
            guard b.count >= 8 else { p.problems.insert(.truncatedLinkHeader); return }
            let length = Int(UInt16(littleEndian: b.loadUnaligned(fromByteOffset: 2, as: UInt16.self)))
            let dlt = UInt32(littleEndian: b.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
            guard length <= b.count else { p.problems.insert(.truncatedLinkHeader); return }
            switch dlt {
            case LinkType.ethernet.rawValue: decodeEthernet(b, at: length, into: &p)
            case 105: decodeIEEE80211(b, at: length, into: &p)
            default: p.problems.insert(.undecodedLinkType)
            }
        case 105:
            decodeIEEE80211(b, at: 0, into: &p)
        case 127:
            // Radiotap: little-endian header length at offset 2, then 802.11.
            guard b.count >= 4 else { p.problems.insert(.truncatedLinkHeader); return }
            decodeIEEE80211(b, at: Int(UInt16(littleEndian: b.loadUnaligned(fromByteOffset: 2, as: UInt16.self))), into: &p)
        case LinkType.nflog.rawValue:
            decodeNFLOG(b, into: &p)
        default:
            p.problems.insert(.undecodedLinkType)
        }
    }

    /// BSD loopback header as Wireshark's packet-null.c reads it: the address family in the
    /// capturing host's byte order, an IRIX/UNICOS 16-bit family, or an EtherType.
    static func nullHeaderValue(_ raw: UInt32) -> UInt32 {
        var v = raw
        if v & 0xFFFF_0000 != 0 {
            if v & 0xFF00_0000 == 0 && (v & 0x00FF_0000) < 0x0006_0000 { v >>= 16 } else { v = v.byteSwapped }
        } else if v & 0xFF == 0 && (v & 0xFF00) < 0x0600 {
            v = UInt32(UInt16(v & 0xFFFF).byteSwapped)
        }
        return v
    }

    static func dispatchNullHeader(_ value: UInt32, _ b: UnsafeRawBufferPointer, into p: inout Packet) {
        if value > 1500 {
            dispatchEtherType(EtherType(rawValue: UInt16(truncatingIfNeeded: value)), b, at: 4, into: &p)
            return
        }
        switch value {
        case 2: decodeNetwork(b, at: 4, etherType: .ipv4, into: &p)
        case 24, 28, 30: decodeNetwork(b, at: 4, etherType: .ipv6, into: &p) // BSD, FreeBSD, Darwin AF_INET6
        default: p.problems.insert(.undecodedNetworkProtocol)
        }
    }

    /// IEEE 802.11 data frames with an LLC/SNAP header; management, control and protected
    /// frames are not decoded.
    static func decodeIEEE80211(_ b: UnsafeRawBufferPointer, at o: Int, into p: inout Packet) {
        guard o + 24 <= b.count else { p.problems.insert(.truncatedLinkHeader); return }
        let fc0 = b.u8(o), fc1 = b.u8(o + 1)
        let type = (fc0 >> 2) & 0x3, subtype = fc0 >> 4
        guard type == 2, fc1 & 0x40 == 0 else { p.problems.insert(.undecodedNetworkProtocol); return }
        var h = o + 24
        if fc1 & 0x03 == 0x03 { h += 6 }
        if subtype & 0x8 != 0 {
            h += 2
            if fc1 & 0x80 != 0 { h += 4 }
        }
        if subtype & 0x4 != 0 { return } // null data: no payload
        guard h + 8 <= b.count, b.u8(h) == 0xAA, b.u8(h + 1) == 0xAA, b.u8(h + 2) == 0x03 else {
            p.problems.insert(.undecodedNetworkProtocol)
            return
        }
        dispatchEtherType(EtherType(rawValue: b.u16(h + 6)), b, at: h + 8, into: &p)
    }

    static func decodeEthernet(_ b: UnsafeRawBufferPointer, at o: Int, into p: inout Packet) {
        guard o + 14 <= b.count else { p.problems.insert(.truncatedLinkHeader); return }
        let dst = b.u64(o) >> 16
        let src = (b.u64(o + 6) >> 16)
        p.ethernet = EthernetHeader(destination: MACAddress(dst), source: MACAddress(src))
        let type = b.u16(o + 12)
        if type < 0x0600 { return } // 802.3 length field: LLC, not decoded
        dispatchEtherType(EtherType(rawValue: type), b, at: o + 14, into: &p)
    }

    static func dispatchEtherType(_ type: EtherType, _ b: UnsafeRawBufferPointer, at o: Int, into p: inout Packet) {
        var type = type
        var o = o
        // 802.1Q / 802.1ad tags, any depth.
        while type == .vlan || type == .qinq || type == .vlanLegacyQinQ {
            guard o + 4 <= b.count else { p.problems.insert(.truncatedLinkHeader); return }
            let id = b.u16(o) & 0x0FFF
            if p.vlanCount == 0 { p.vlanIDs.0 = id } else if p.vlanCount == 1 { p.vlanIDs.1 = id }
            p.vlanCount += 1
            type = EtherType(rawValue: b.u16(o + 2))
            o += 4
        }
        switch type {
        case .mplsUnicast:
            // Label stack until bottom-of-stack, then IP by its version nibble.
            while true {
                guard let entry = b.getUInt32(at: o) else { p.problems.insert(.truncatedLinkHeader); return }
                o += 4
                if entry & 0x100 != 0 { break }
            }
            p.etherType = type
            decodeNetwork(b, at: o, etherType: nil, into: &p)
        case .pppoeSession:
            guard let proto = b.getUInt16(at: o + 6), let length = b.getUInt16(at: o + 4) else {
                p.problems.insert(.truncatedLinkHeader); return
            }
            p.etherType = type
            // The PPPoE length bounds what follows, as Wireshark's reported length does.
            p.reportedLength = min(p.reportedLength, o + 6 + Int(length))
            switch proto {
            case 0x0021: decodeNetwork(b, at: o + 8, etherType: .ipv4, into: &p)
            case 0x0057: decodeNetwork(b, at: o + 8, etherType: .ipv6, into: &p)
            default: p.problems.insert(.undecodedNetworkProtocol)
            }
        case .arp:
            p.etherType = type
            decodeARP(b, at: o, into: &p)
        case .ipv4, .ipv6:
            decodeNetwork(b, at: o, etherType: type, into: &p)
        default:
            p.etherType = type
        }
    }

    static func decodeARP(_ b: UnsafeRawBufferPointer, at o: Int, into p: inout Packet) {
        // Ethernet/IPv4 ARP only (hardware length 6, protocol length 4).
        guard o + 28 <= b.count, b.u8(o + 4) == 6, b.u8(o + 5) == 4 else { return }
        p.arp = ARPMessage(
            operation: b.u16(o + 6),
            senderMAC: MACAddress(b.u64(o + 6) & 0xFFFF_FFFF_FFFF),
            senderIP: .v4(b.u32(o + 14)),
            targetMAC: MACAddress(b.u64(o + 16) & 0xFFFF_FFFF_FFFF),
            targetIP: .v4(b.u32(o + 24)))
    }

    static func decodeNFLOG(_ b: UnsafeRawBufferPointer, into p: inout Packet) {
        // NFLOG: 4-byte header (family, version, resource id), then TLVs in host byte order
        // with lengths padded to 4; TLV type 9 holds the packet.
        guard b.count >= 4 else { p.problems.insert(.truncatedLinkHeader); return }
        let family = b.u8(0)
        var o = 4
        while o + 4 <= b.count {
            let len = Int(UInt16(littleEndian: b.loadUnaligned(fromByteOffset: o, as: UInt16.self)))
            let type = UInt16(littleEndian: b.loadUnaligned(fromByteOffset: o + 2, as: UInt16.self))
            guard len >= 4 else { break }
            if type == 9 {
                decodeNetwork(b, at: o + 4, etherType: family == 10 ? .ipv6 : .ipv4, into: &p)
                return
            }
            o += (len + 3) & ~3
        }
        p.problems.insert(.undecodedNetworkProtocol)
    }

    /// IP at `o`; `etherType` nil means "decide from the version nibble".
    static func decodeNetwork(_ b: UnsafeRawBufferPointer, at o: Int, etherType: EtherType?, into p: inout Packet) {
        if let etherType { p.etherType = etherType }
        // Decoded straight into the packet, as the TCP header is below.
        guard IPDecoder.decode(b, at: o, into: &p.ipHeader, problems: &p.problems) else { return }
        p.hasIP = true
        // The fields used below, not a copy of the whole header.
        let version = p.ipHeader.version, protocolNumber = p.ipHeader.protocolNumber
        if p.etherType == nil || p.etherType == .mplsUnicast {
            p.etherType = p.etherType ?? (version == 4 ? .ipv4 : .ipv6)
        }
        let l4 = o + p.ipHeader.headerLength
        // The IP payload ends at the IP total length, or earlier where the frame's on-wire
        // (reported) length ends: Wireshark computes tcp.len the same way.
        let end = min(o + p.ipHeader.totalLength, p.reportedLength)
        let ipPayloadLength = max(0, end - l4)
        // Bytes of IP payload that exist in the frame (Ethernet padding excluded).
        let available = max(0, min(b.count, end) - l4)
        if p.ipHeader.isFragment {
            p.problems.insert(.ipFragment)
            return // not reassembled (isFragment: an offset or more fragments)
        }
        switch protocolNumber {
        case .tcp:
            // Decoded straight into the packet: a returned header would be copied twice.
            guard TCPDecoder.decode(b, at: l4, ipPayloadLength: ipPayloadLength, into: &p.tcpHeader, problems: &p.problems) else { return }
            p.hasTCP = true
            let headerLength = p.tcpHeader.headerLength
            p.payloadOffset = min(b.count, l4 + headerLength)
            p.capturedPayloadLength = max(0, min(available - headerLength, b.count - p.payloadOffset))
            if p.capturedPayloadLength < p.tcpHeader.segmentLength { p.problems.insert(.truncatedPayload) }
        case .udp:
            guard let udp = UDPHeader.decode(b, at: l4, problems: &p.problems) else { return }
            p.udp = udp
            p.payloadOffset = l4 + 8
            p.capturedPayloadLength = max(0, available - 8)
        case .icmp where version == 4, .icmpv6 where version == 6:
            p.icmp = ICMPMessage.decode(b, at: l4, isV6: version == 6, problems: &p.problems)
        default:
            break
        }
    }
}
