/// A LINKTYPE_ value from a pcap header or a pcapng Interface Description Block.
///
/// Open set: unknown values survive so they can be reported. Names follow libpcap's DLT names
/// as capinfos/tcpdump print them (https://www.tcpdump.org/linktypes.html).
public struct LinkType: Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// BSD loopback: 4-byte address family in the capturing host's byte order.
    public static let null = LinkType(rawValue: 0)
    /// IEEE 802.3 Ethernet.
    public static let ethernet = LinkType(rawValue: 1)
    /// Cisco HDLC.
    public static let ciscoHDLC = LinkType(rawValue: 104)
    /// Raw IP (DLT_RAW as written on some BSDs).
    public static let rawBSD12 = LinkType(rawValue: 12)
    /// Raw IP (DLT_RAW on BSD/OS).
    public static let rawBSD14 = LinkType(rawValue: 14)
    /// LINKTYPE_RAW: raw IPv4 or IPv6, version from the first nibble.
    public static let raw = LinkType(rawValue: 101)
    /// OpenBSD loopback: 4-byte address family in network byte order.
    public static let loop = LinkType(rawValue: 108)
    /// Linux cooked capture v1 (SLL).
    public static let linuxSLL = LinkType(rawValue: 113)
    /// Per-Packet Information header.
    public static let ppi = LinkType(rawValue: 192)
    /// Raw IPv4.
    public static let ipv4 = LinkType(rawValue: 228)
    /// Raw IPv6.
    public static let ipv6 = LinkType(rawValue: 229)
    /// Linux netfilter NFLOG.
    public static let nflog = LinkType(rawValue: 239)
    /// Linux cooked capture v2 (SLL2).
    public static let linuxSLL2 = LinkType(rawValue: 276)

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
