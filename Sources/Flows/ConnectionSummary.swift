import Capture
import Packets

/// Everything the conversation layer knows about one TCP connection (one Wireshark
/// `tcp.stream`), once its packets are seen. Plain values: the heavy per-packet state is gone.
public struct ConnectionSummary: Sendable, Equatable {
    public var stream: Int
    /// The side that sent the first SYN; without a SYN, Zeek's originator (ephemeral-port side).
    public var client: Endpoint
    public var server: Endpoint
    /// Zeek's originator (`id.orig_h`/`id.orig_p`); differs from `client` only when no SYN was seen
    /// or Zeek flipped the roles.
    public var originator: Endpoint
    public var state: ConnState
    public var history: String
    public var firstFrame: Int
    public var lastFrame: Int
    public var packets: Int
    public var startTime: Timestamp
    public var endTime: Timestamp
    /// Client → server and server → client.
    public var toServer: DirectionSummary
    public var toClient: DirectionSummary
    public var handshake: Handshake
    /// Longest silence between two packets of the connection, and the frame that ended it.
    public var maxIdle: Double
    public var maxIdleEndFrame: Int?
    /// Time of the last segment carrying payload (either direction).
    public var lastDataTime: Timestamp?
    /// First FIN or RST and who sent it.
    public var closeFrame: Int?
    public var closeTime: Timestamp?
    public var closedByServer: Bool?
    public var closeKind: CloseKind?
    /// Wireshark's `tcp.analysis.initial_rtt` (seconds), when the handshake was seen.
    public var initialRTT: Double?
    public var ackRTT: RTTStats
    /// What the payload showed about the application (SMTP/HTTP/TLS).
    public var application: ApplicationObservation

    public var payloadBytes: Int { toServer.payloadBytes + toClient.payloadBytes }
    public var duration: Double { Timestamp.interval(from: startTime, to: endTime) }

    public enum CloseKind: String, Sendable { case fin, rst }

    public struct Handshake: Sendable, Equatable {
        public var synFrame: Int?
        public var synTime: Timestamp?
        public var synRetransmissions = 0
        public var synAckFrame: Int?
        public var synAckTime: Timestamp?
        public var ackFrame: Int?
        public var ackTime: Timestamp?
        /// TTL (hop limit) of the first SYN and SYN/ACK as they arrived at this capture point.
        public var synTTL: UInt8?
        public var synAckTTL: UInt8?
        /// IPv4 identification of the first SYN and SYN/ACK at this capture point.
        public var synIPID: UInt16?
        public var synAckIPID: UInt16?
        /// SYN → SYN/ACK (the path beyond the capture point plus the server), seconds.
        public var synToSynAck: Double? {
            guard let a = synTime, let b = synAckTime else { return nil }
            return Timestamp.interval(from: a, to: b)
        }
        /// SYN/ACK → ACK (the path on the client's side of the capture point), seconds.
        public var synAckToAck: Double? {
            guard let a = synAckTime, let b = ackTime else { return nil }
            return Timestamp.interval(from: a, to: b)
        }
        /// Whole handshake RTT as seen at this capture point.
        public var rtt: Double? {
            guard let a = synTime, let b = ackTime else { return nil }
            return Timestamp.interval(from: a, to: b)
        }
    }
}

/// One direction of a connection.
public struct DirectionSummary: Sendable, Equatable {
    public var packets = 0
    public var payloadBytes = 0
    public var retransmittedBytes = 0
    public var retransmissions = 0
    public var fastRetransmissions = 0
    public var spuriousRetransmissions = 0
    public var outOfOrder = 0
    public var duplicateAcks = 0
    public var lostSegments = 0
    public var ackedUnseen = 0
    public var zeroWindows = 0
    public var firstZeroWindowFrame: Int?
    public var firstAckedUnseenFrame: Int?
    public var firstLostSegmentFrame: Int?
    public var zeroWindowProbes = 0
    public var keepAlives = 0
    public var windowFull = 0
    public var challengeAcks = 0
    /// Largest window advertised, scaled when the scale is known.
    public var maxWindow = 0
    /// Initial sequence number (raw), from the SYN or SYN/ACK.
    public var isn: UInt32?
    public var mss: Int?
    public var windowScale: Int?
    public var sackPermitted = false
    public var timestamps = false
    /// ECN set up in the handshake: ECE+CWR on the SYN, ECE on the SYN/ACK (RFC 3168).
    public var ecnSetup = false
    public var finFrame: Int?
    public var rstFrame: Int?
    /// Largest frame and segment seen (offload artifacts show up here).
    public var maxSegment = 0
    /// Payload in this direction that the peer never acknowledged within the trace.
    public var unackedData = false
    /// Raw sequence number just past the last payload byte sent, and the highest ack the peer sent.
    public var dataEnd: UInt32?
    public var peerMaxAck: UInt32?
    /// IPv4 identification values this direction's sender used (first few, last, steps).
    public var ipIDs = IPIDSeries()
    public init() {}
}

/// Per-segment ACK round-trip times (Wireshark's `tcp.analysis.ack_rtt`).
public struct RTTStats: Sendable, Equatable {
    public var count = 0
    public var min = Double.infinity
    public var max = 0.0
    public var sum = 0.0
    public var mean: Double? { count == 0 ? nil : sum / Double(count) }

    mutating func add(_ v: Double) {
        count += 1
        sum += v
        if v < min { min = v }
        if v > max { max = v }
    }
}
