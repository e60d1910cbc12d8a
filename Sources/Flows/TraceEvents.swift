import Capture
import Packets

/// One TCP segment kept as evidence (a few per connection at most, never all packets).
public struct SegmentRecord: Sendable, Equatable {
    public var frame: Int
    public var time: Timestamp
    public var stream: Int
    public var source: Endpoint
    public var destination: Endpoint
    public var flags: TCPFlags
    public var seq: UInt32
    public var ack: UInt32
    public var ttl: UInt8
    public var ipID: UInt16
    public var mac: MACAddress?
    public var length: Int
    public var window: Int
    /// IPv4 Don't Fragment.
    public var dontFragment: Bool = false
}

/// A SYN/ACK whose ports and ack number answer a SYN, but from another address than the SYN's
/// destination (one-way NAT, asymmetric routing); and the client's answer to it.
public struct UnexpectedSynAck: Sendable {
    public var syn: SegmentRecord
    public var synAck: SegmentRecord
    /// The client's RST in answer to the SYN/ACK, if captured.
    public var clientReset: SegmentRecord?
    /// Frames of every SYN/ACK from the unexpected address for this SYN (retries included).
    public var synAckFrames: [Int] = []
}

/// An ICMP or ICMPv6 error that quotes a TCP header.
public struct ICMPErrorRecord: Sendable {
    public var frame: Int
    public var time: Timestamp
    /// Who sent the error (a router on the path, or the destination).
    public var reporter: IPAddress
    public var ttl: UInt8
    public var isV6: Bool
    public var type: UInt8
    public var code: UInt8
    public var mtu: Int?
    public var quotedSource: Endpoint
    public var quotedDestination: Endpoint
    public var quotedSeq: UInt32?
    /// The stream of the quoted connection, when the trace has it.
    public var stream: Int?
}

/// TCP checksums checked on a sample of one sender's segments.
public struct ChecksumSample: Sendable {
    public var checked = 0
    public var bad = 0
    public var firstBadFrames: [Int] = []
}

/// Notable packets of one trace, collected in the single pass: what rules cite as evidence.
/// Bounded (``limit`` records of each kind), and the long lists spill to disk: memory follows
/// connections, not packets.
public struct TraceEvents: Sendable {
    public static let limit = 20_000
    public internal(set) var resets = EventList<SegmentRecord>()
    /// Plain ACKs answering a SYN with ack ≠ ISN + 1.
    public internal(set) var challengeAcks = EventList<SegmentRecord>()
    /// Retransmitted segments with payload (first ones per trace), for loss and black-hole rules.
    public internal(set) var retransmissions = EventList<SegmentRecord>()
    public var unexpectedSynAcks: [UnexpectedSynAck] = []
    public internal(set) var icmpErrors = EventList<ICMPErrorRecord>()
    /// Segments longer than the MTU allows (TSO/GSO/LRO on the capturing host): first ones and a count.
    public var oversized: [SegmentRecord] = []
    public var oversizedCount = 0
    /// TCP checksum samples per sending address (filled in by ``ConnectionTracker/finish()``).
    public var checksums: [IPAddress: ChecksumSample] = [:]
    public init() {}
}
