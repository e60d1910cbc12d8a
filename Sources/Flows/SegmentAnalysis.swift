/// What the conversation layer says about one TCP segment: the numbers Wireshark shows for it.
public struct SegmentAnalysis: Sendable {
    /// `tcp.stream`.
    public var stream: Int
    /// 0: from the connection's client; 1: from its server.
    public var fromServer: Bool
    public var relativeSeq: UInt32
    /// Relative ack (nil when the ACK flag is clear).
    public var relativeAck: UInt32?
    /// Window as Wireshark shows it (scaled when the scale is known).
    public var window: Int
    /// Base sequence number of the reverse direction (for relative SACK edges).
    public var reverseBase: UInt32?
    public var flags: AnalysisFlags
    public var dupAckFrame: Int
    public var dupAckNumber: Int
    /// `tcp.analysis.ack_rtt`: seconds since the segment this ACK acknowledges.
    public var ackRTT: Double?
    /// The frame this ACK acknowledges (`tcp.analysis.acks_frame`).
    public var acksFrame: Int?
    /// Whether Wireshark shows relative numbers (false for short segments: Seq/Ack stay raw).
    public var lengthKnown: Bool

    /// Info-column tags in tshark's order.
    public var tags: [String] { flags.tags(dupAckFrame: dupAckFrame, dupAckNumber: dupAckNumber) }
}
