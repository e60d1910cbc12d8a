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
    /// The IP header, when there is one; kept unwrapped beside a flag as the TCP header is.
    public var ip: IPHeader? {
        get { hasIP ? ipHeader : nil }
        set {
            if let newValue { ipHeader = newValue }
            hasIP = newValue != nil
        }
    }
    var ipHeader = IPHeader.zero
    var hasIP = false
    /// The TCP header, when there is one. Kept unwrapped beside a flag: resetting or filling an
    /// optional of this size copied its 160 bytes each time, twice a frame.
    public var tcp: TCPHeader? {
        get { hasTCP ? tcpHeader : nil }
        set {
            if let newValue { tcpHeader = newValue }
            hasTCP = newValue != nil
        }
    }
    var tcpHeader = TCPHeader.zero
    var hasTCP = false
    public var udp: UDPHeader?
    /// The ICMP message, when there is one; unwrapped beside a flag too (clearing the optional
    /// went through an out-of-line value-witness call every frame).
    public var icmp: ICMPMessage? {
        get { hasICMP ? icmpMessage : nil }
        set {
            if let newValue { icmpMessage = newValue }
            hasICMP = newValue != nil
        }
    }
    var icmpMessage = ICMPMessage(isV6: false, type: 0, code: 0, identifier: 0, sequence: 0)
    var hasICMP = false
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

    /// Makes this the undecoded packet of `frame`, field by field: assigning a new value instead
    /// would build all ~780 bytes on the stack and copy them in, for every frame.
    mutating func reset(frame: Frame) {
        self.frame = frame
        ethernet = nil
        vlanIDs = (0, 0)
        vlanCount = 0
        etherType = nil
        arp = nil
        hasIP = false
        hasTCP = false
        udp = nil
        hasICMP = false
        payloadOffset = 0
        capturedPayloadLength = 0
        problems = []
        reportedLength = frame.originalLength
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
    @inlinable public init(rawValue: UInt32) { self.rawValue = rawValue }

    @inlinable public static var truncatedLinkHeader: PacketProblems { PacketProblems(rawValue: 1 << 0) }
    @inlinable public static var truncatedIPHeader: PacketProblems { PacketProblems(rawValue: 1 << 1) }
    @inlinable public static var truncatedTCPHeader: PacketProblems { PacketProblems(rawValue: 1 << 2) }
    @inlinable public static var truncatedUDPHeader: PacketProblems { PacketProblems(rawValue: 1 << 3) }
    @inlinable public static var truncatedICMP: PacketProblems { PacketProblems(rawValue: 1 << 4) }
    /// Snapshot length cut the payload (headers complete).
    @inlinable public static var truncatedPayload: PacketProblems { PacketProblems(rawValue: 1 << 5) }
    @inlinable public static var badIPVersion: PacketProblems { PacketProblems(rawValue: 1 << 6) }
    @inlinable public static var badIPHeaderLength: PacketProblems { PacketProblems(rawValue: 1 << 7) }
    @inlinable public static var badIPTotalLength: PacketProblems { PacketProblems(rawValue: 1 << 8) }
    @inlinable public static var badTCPHeaderLength: PacketProblems { PacketProblems(rawValue: 1 << 9) }
    @inlinable public static var malformedTCPOption: PacketProblems { PacketProblems(rawValue: 1 << 10) }
    @inlinable public static var ipFragment: PacketProblems { PacketProblems(rawValue: 1 << 11) }
    @inlinable public static var undecodedLinkType: PacketProblems { PacketProblems(rawValue: 1 << 12) }
    @inlinable public static var undecodedNetworkProtocol: PacketProblems { PacketProblems(rawValue: 1 << 13) }
    @inlinable public static var unknownTCPOption: PacketProblems { PacketProblems(rawValue: 1 << 14) }
    /// IPv4 total length 0: TCP segmentation offload on the capturing host (Wireshark's guess too).
    @inlinable public static var ipLengthZeroAssumeTSO: PacketProblems { PacketProblems(rawValue: 1 << 15) }

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
    @inlinable public init(rawValue: UInt16) { self.rawValue = rawValue }
    @inlinable public static var ipv4: EtherType { EtherType(rawValue: 0x0800) }
    @inlinable public static var arp: EtherType { EtherType(rawValue: 0x0806) }
    @inlinable public static var vlan: EtherType { EtherType(rawValue: 0x8100) }
    @inlinable public static var ipv6: EtherType { EtherType(rawValue: 0x86DD) }
    @inlinable public static var mplsUnicast: EtherType { EtherType(rawValue: 0x8847) }
    @inlinable public static var pppoeSession: EtherType { EtherType(rawValue: 0x8864) }
    @inlinable public static var qinq: EtherType { EtherType(rawValue: 0x88A8) }
    @inlinable public static var vlanLegacyQinQ: EtherType { EtherType(rawValue: 0x9100) }
}

/// IP protocol numbers (IANA "Assigned Internet Protocol Numbers"), an open set.
public struct IPProtocol: Hashable, Sendable {
    public var rawValue: UInt8
    @inlinable public init(rawValue: UInt8) { self.rawValue = rawValue }
    @inlinable public static var icmp: IPProtocol { IPProtocol(rawValue: 1) }
    @inlinable public static var tcp: IPProtocol { IPProtocol(rawValue: 6) }
    @inlinable public static var udp: IPProtocol { IPProtocol(rawValue: 17) }
    @inlinable public static var icmpv6: IPProtocol { IPProtocol(rawValue: 58) }
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
