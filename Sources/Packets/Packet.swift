import Capture

/// One frame decoded as far as its bytes allow. A plain value with no heap storage: decoding a
/// frame allocates nothing. Header structs hold offsets into `frame.bytes` where a variable part
/// (TCP options, payload) may be read again on demand.
public struct Packet {
    public var frame: Frame
    public var ethernet: EthernetHeader?
    /// 802.1Q / 802.1ad tags, outermost first (up to two are kept; `vlanCount` counts them all).
    public var vlanIDs: (UInt16, UInt16) = (0, 0)
    public var vlanCount = 0
    /// Protocol carried by the link layer (EtherType, or what SLL/null/raw imply).
    public var etherType: EtherType?
    public var arp: ARPMessage?
    public var ip: IPHeader?
    public var tcp: TCPHeader?
    public var udp: UDPHeader?
    public var icmp: ICMPMessage?
    /// Where the transport payload starts in `frame.bytes`, and how much of it was captured.
    public var payloadOffset = 0
    public var capturedPayloadLength = 0
    public var problems: PacketProblems = []
    /// Where the packet ends on the wire, as an offset into the frame (frame.len, reduced by
    /// length fields such as PPPoE's).
    public var reportedLength: Int

    public init(frame: Frame) {
        self.frame = frame
        self.reportedLength = frame.originalLength
    }

    /// The captured transport payload (borrowed).
    public var payload: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: frame.bytes[payloadOffset..<(payloadOffset + capturedPayloadLength)])
    }

    /// Source and destination endpoints of a TCP segment.
    public var tcpEndpoints: (source: Endpoint, destination: Endpoint)? {
        guard let ip, let tcp else { return nil }
        return (Endpoint(ip.source, tcp.sourcePort), Endpoint(ip.destination, tcp.destinationPort))
    }
}

/// What went wrong while decoding, as stable flags (Zeek's "weird" idea, without strings).
public struct PacketProblems: OptionSet, Hashable, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let truncatedLinkHeader = PacketProblems(rawValue: 1 << 0)
    public static let truncatedIPHeader = PacketProblems(rawValue: 1 << 1)
    public static let truncatedTCPHeader = PacketProblems(rawValue: 1 << 2)
    public static let truncatedUDPHeader = PacketProblems(rawValue: 1 << 3)
    public static let truncatedICMP = PacketProblems(rawValue: 1 << 4)
    /// Snapshot length cut the payload (headers complete).
    public static let truncatedPayload = PacketProblems(rawValue: 1 << 5)
    public static let badIPVersion = PacketProblems(rawValue: 1 << 6)
    public static let badIPHeaderLength = PacketProblems(rawValue: 1 << 7)
    public static let badIPTotalLength = PacketProblems(rawValue: 1 << 8)
    public static let badTCPHeaderLength = PacketProblems(rawValue: 1 << 9)
    public static let malformedTCPOption = PacketProblems(rawValue: 1 << 10)
    public static let ipFragment = PacketProblems(rawValue: 1 << 11)
    public static let undecodedLinkType = PacketProblems(rawValue: 1 << 12)
    public static let undecodedNetworkProtocol = PacketProblems(rawValue: 1 << 13)
    public static let unknownTCPOption = PacketProblems(rawValue: 1 << 14)
    /// IPv4 total length 0: TCP segmentation offload on the capturing host (Wireshark's guess too).
    public static let ipLengthZeroAssumeTSO = PacketProblems(rawValue: 1 << 15)

    /// Stable names, for reports and tests.
    public var names: [String] {
        let all: [(PacketProblems, String)] = [
            (.truncatedLinkHeader, "truncated-link-header"), (.truncatedIPHeader, "truncated-ip-header"),
            (.truncatedTCPHeader, "truncated-tcp-header"), (.truncatedUDPHeader, "truncated-udp-header"),
            (.truncatedICMP, "truncated-icmp"), (.truncatedPayload, "truncated-payload"),
            (.badIPVersion, "bad-ip-version"), (.badIPHeaderLength, "bad-ip-header-length"),
            (.badIPTotalLength, "bad-ip-total-length"), (.badTCPHeaderLength, "bad-tcp-header-length"),
            (.malformedTCPOption, "malformed-tcp-option"), (.ipFragment, "ip-fragment"),
            (.undecodedLinkType, "undecoded-link-type"), (.undecodedNetworkProtocol, "undecoded-network-protocol"),
            (.unknownTCPOption, "unknown-tcp-option"), (.ipLengthZeroAssumeTSO, "ip-length-zero-tso"),
        ]
        return all.filter { contains($0.0) }.map(\.1)
    }
}

/// EtherType (IEEE 802), an open set.
public struct EtherType: Hashable, Sendable {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public static let ipv4 = EtherType(rawValue: 0x0800)
    public static let arp = EtherType(rawValue: 0x0806)
    public static let vlan = EtherType(rawValue: 0x8100)
    public static let ipv6 = EtherType(rawValue: 0x86DD)
    public static let mplsUnicast = EtherType(rawValue: 0x8847)
    public static let pppoeSession = EtherType(rawValue: 0x8864)
    public static let qinq = EtherType(rawValue: 0x88A8)
    public static let vlanLegacyQinQ = EtherType(rawValue: 0x9100)
}

/// IP protocol numbers (IANA "Assigned Internet Protocol Numbers"), an open set.
public struct IPProtocol: Hashable, Sendable {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let icmp = IPProtocol(rawValue: 1)
    public static let tcp = IPProtocol(rawValue: 6)
    public static let udp = IPProtocol(rawValue: 17)
    public static let icmpv6 = IPProtocol(rawValue: 58)
}

public struct EthernetHeader: Hashable, Sendable {
    public var destination: MACAddress
    public var source: MACAddress
}

public struct ARPMessage: Hashable, Sendable {
    public var operation: UInt16
    public var senderMAC: MACAddress
    public var senderIP: IPAddress
    public var targetMAC: MACAddress
    public var targetIP: IPAddress
}
