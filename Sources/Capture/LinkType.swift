/// A LINKTYPE_ value from a pcap header or a pcapng Interface Description Block.
///
/// Open set: unknown values survive so they can be reported. Names follow libpcap's DLT names
/// as capinfos/tcpdump print them (https://www.tcpdump.org/linktypes.html).
public struct LinkType: Hashable, Sendable, CustomStringConvertible {
    // The constants are inlinable computed values, not stored globals: a global's lazy
    // initialisation check ran for every frame the decoder switched on.
    public var rawValue: UInt32
    @inlinable public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// BSD loopback: 4-byte address family in the capturing host's byte order.
    @inlinable public static var null: LinkType { LinkType(rawValue: 0) }
    /// IEEE 802.3 Ethernet.
    @inlinable public static var ethernet: LinkType { LinkType(rawValue: 1) }
    /// Cisco HDLC.
    @inlinable public static var ciscoHDLC: LinkType { LinkType(rawValue: 104) }
    /// Raw IP (DLT_RAW as written on some BSDs).
    @inlinable public static var rawBSD12: LinkType { LinkType(rawValue: 12) }
    /// Raw IP (DLT_RAW on BSD/OS).
    @inlinable public static var rawBSD14: LinkType { LinkType(rawValue: 14) }
    /// LINKTYPE_RAW: raw IPv4 or IPv6, version from the first nibble.
    @inlinable public static var raw: LinkType { LinkType(rawValue: 101) }
    /// OpenBSD loopback: 4-byte address family in network byte order.
    @inlinable public static var loop: LinkType { LinkType(rawValue: 108) }
    /// Linux cooked capture v1 (SLL).
    @inlinable public static var linuxSLL: LinkType { LinkType(rawValue: 113) }
    /// Per-Packet Information header.
    @inlinable public static var ppi: LinkType { LinkType(rawValue: 192) }
    /// Raw IPv4.
    @inlinable public static var ipv4: LinkType { LinkType(rawValue: 228) }
    /// Raw IPv6.
    @inlinable public static var ipv6: LinkType { LinkType(rawValue: 229) }
    /// Linux netfilter NFLOG.
    @inlinable public static var nflog: LinkType { LinkType(rawValue: 239) }
    /// Linux cooked capture v2 (SLL2).
    @inlinable public static var linuxSLL2: LinkType { LinkType(rawValue: 276) }

    /// libpcap's DLT name, as capinfos and the contract's `link_types` use it.
    public var name: String {
        switch rawValue {
        case 0: return "NULL"
        case 1: return "EN10MB"
        case 9: return "PPP"
        case 12: return "RAW"
        case 14: return "RAW"
        case 101: return "RAW"
        case 104: return "C_HDLC"
        case 105: return "IEEE802_11"
        case 108: return "LOOP"
        case 113: return "LINUX_SLL"
        case 127: return "IEEE802_11_RADIO"
        case 192: return "PPI"
        case 228: return "IPV4"
        case 229: return "IPV6"
        case 239: return "NFLOG"
        case 276: return "LINUX_SLL2"
        default: return "LINKTYPE_\(rawValue)"
        }
    }

    public var description: String { name }
}
