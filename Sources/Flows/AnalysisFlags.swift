/// Wireshark's TCP sequence-analysis flags (`tcp.analysis.*`), plus the challenge ACK that
/// Wireshark lacks: a plain ACK answering a SYN whose ack number is not the SYN's ISN + 1
/// (RFC 5961 §4, or a firewall/server still holding an older connection on the same ports).
public struct AnalysisFlags: OptionSet, Hashable, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let retransmission = AnalysisFlags(rawValue: 1 << 0)
    public static let fastRetransmission = AnalysisFlags(rawValue: 1 << 1)
    public static let spuriousRetransmission = AnalysisFlags(rawValue: 1 << 2)
    public static let outOfOrder = AnalysisFlags(rawValue: 1 << 3)
    /// "Previous segment not captured" (`tcp.analysis.lost_segment`).
    public static let lostSegment = AnalysisFlags(rawValue: 1 << 4)
    /// "ACKed unseen segment" (`tcp.analysis.ack_lost_segment`).
    public static let ackLostSegment = AnalysisFlags(rawValue: 1 << 5)
    public static let duplicateAck = AnalysisFlags(rawValue: 1 << 6)
    public static let zeroWindow = AnalysisFlags(rawValue: 1 << 7)
    public static let zeroWindowProbe = AnalysisFlags(rawValue: 1 << 8)
    public static let zeroWindowProbeAck = AnalysisFlags(rawValue: 1 << 9)
    public static let windowFull = AnalysisFlags(rawValue: 1 << 10)
    public static let windowUpdate = AnalysisFlags(rawValue: 1 << 11)
    public static let keepAlive = AnalysisFlags(rawValue: 1 << 12)
    public static let keepAliveAck = AnalysisFlags(rawValue: 1 << 13)
    public static let reusedPorts = AnalysisFlags(rawValue: 1 << 14)
    /// casebook's own: a plain ACK answering a SYN with ack ≠ ISN + 1.
    public static let challengeAck = AnalysisFlags(rawValue: 1 << 15)

    /// Wireshark's display-filter field for each flag, in tshark's field order.
    public static let fieldNames: [(AnalysisFlags, String)] = [
        (.retransmission, "tcp.analysis.retransmission"),
        (.fastRetransmission, "tcp.analysis.fast_retransmission"),
        (.spuriousRetransmission, "tcp.analysis.spurious_retransmission"),
        (.outOfOrder, "tcp.analysis.out_of_order"),
        (.lostSegment, "tcp.analysis.lost_segment"),
        (.ackLostSegment, "tcp.analysis.ack_lost_segment"),
        (.duplicateAck, "tcp.analysis.duplicate_ack"),
        (.zeroWindow, "tcp.analysis.zero_window"),
        (.zeroWindowProbe, "tcp.analysis.zero_window_probe"),
        (.zeroWindowProbeAck, "tcp.analysis.zero_window_probe_ack"),
        (.windowFull, "tcp.analysis.window_full"),
        (.windowUpdate, "tcp.analysis.window_update"),
        (.keepAlive, "tcp.analysis.keep_alive"),
        (.keepAliveAck, "tcp.analysis.keep_alive_ack"),
        (.reusedPorts, "tcp.analysis.reused_ports"),
    ]

    /// Info-column tags, left to right as tshark 4.0 prints them (docs/research §2.3).
    public func tags(dupAckFrame: Int, dupAckNumber: Int) -> [String] {
        var t: [String] = []
        if contains(.zeroWindowProbeAck) { t.append("TCP ZeroWindowProbeAck") }
        if contains(.zeroWindow) { t.append("TCP ZeroWindow") }
        if contains(.zeroWindowProbe) { t.append("TCP ZeroWindowProbe") }
        if contains(.duplicateAck) { t.append("TCP Dup ACK \(dupAckFrame)#\(dupAckNumber)") }
        if contains(.keepAliveAck) { t.append("TCP Keep-Alive ACK") }
        if contains(.keepAlive) { t.append("TCP Keep-Alive") }
        if contains(.windowFull) { t.append("TCP Window Full") }
        if contains(.windowUpdate) { t.append("TCP Window Update") }
        if contains(.ackLostSegment) { t.append("TCP ACKed unseen segment") }
        if contains(.lostSegment) { t.append("TCP Previous segment not captured") }
        if contains(.outOfOrder) { t.append("TCP Out-Of-Order") }
        if contains(.spuriousRetransmission) { t.append("TCP Spurious Retransmission") }
        if contains(.fastRetransmission) { t.append("TCP Fast Retransmission") }
        if contains(.retransmission) { t.append("TCP Retransmission") }
        if contains(.reusedPorts) { t.append("TCP Port numbers reused") }
        return t
    }

    /// Fast and spurious retransmissions also count as retransmissions (Wireshark's expert item).
    public var isAnyRetransmission: Bool {
        !intersection([.retransmission, .fastRetransmission, .spuriousRetransmission]).isEmpty
    }
}
