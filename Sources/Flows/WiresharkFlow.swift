/// One direction's state for Wireshark's sequence analysis (packet-tcp.c `tcp_flow_t` and
/// `tcp_analyze_seq_info`), exactly what tshark 4.0.17 keeps; see docs/research/tcp-analysis-rules.md §2.
struct WiresharkFlow {
    var baseSeq: UInt32 = 0
    var baseSet = false
    /// -1 unknown, -2 no window scaling, else the shift (≤ 14).
    var winScale = -1
    /// Last raw window (0xFFFFFFFF until seen).
    var window: UInt32 = 0xFFFF_FFFF
    var isFirstAck = false
    var lastSegmentFlags: AnalysisFlags = []
    var nextSeq: UInt32 = 0
    var nextSeqFrame = 0
    var nextSeqTime = 0 as Int64
    var maxSeqToBeAcked: UInt32 = 0
    var lastAck: UInt32 = 0
    var lastAckTime = 0 as Int64
    var lastNonDupAck = 0
    var dupAckNum = 0
    /// Unacknowledged segments, oldest first (bounded; Wireshark's TCP_MAX_UNACKED_SEGMENTS).
    var segments = UnackedSegments()
}

/// Unacked segments of one direction: frame, seq, time and next seq. Wireshark walks them
/// newest first when an ACK arrives. A small ring keeps memory flat for long transfers.
struct UnackedSegments {
    struct Segment {
        var frame: Int
        var seq: UInt32
        var time: Int64
        var nextSeq: UInt32
    }
    static let limit = 10_000
    private(set) var items: [Segment] = []

    var count: Int { items.count }

    mutating func push(_ s: Segment) {
        if items.count < Self.limit { items.append(s) }
    }

    /// Applies an ACK as Wireshark does (packet-tcp.c walks newest to oldest; the oldest exact match
    /// is the acked frame, so a retransmitted segment's RTT runs from its first transmission).
    /// One compacting pass, no element shifting.
    mutating func acknowledge(_ ack: UInt32) -> (frame: Int, time: Int64)? {
        guard !items.isEmpty else { return nil }
        var result: (Int, Int64)?
        let kept = items.withUnsafeMutableBufferPointer { b -> Int in
            var w = 0
            for i in 0..<b.count {
                var s = b[i]
                if ack == s.nextSeq {
                    result = (s.frame, s.time)
                    continue // acked: dropped
                }
                if Seq.gt(ack, s.seq) && Seq.le(ack, s.nextSeq) {
                    s.seq = ack // partly acked
                } else if !Seq.gt(s.nextSeq, ack) {
                    continue // acked earlier: dropped
                }
                b[w] = s
                w += 1
            }
            return w
        }
        if kept < items.count { items.removeLast(items.count - kept) }
        return result
    }
}
