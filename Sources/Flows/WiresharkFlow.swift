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

    /// Applies an ACK as Wireshark does; returns the acked frame and its time when one matches exactly.
    mutating func acknowledge(_ ack: UInt32) -> (frame: Int, time: Int64)? {
        var result: (Int, Int64)?
        var i = items.count - 1
        while i >= 0 {
            let s = items[i]
            if ack == s.nextSeq {
                if result == nil { result = (s.frame, s.time) }
                items.remove(at: i)
            } else if Seq.gt(ack, s.seq) && Seq.le(ack, s.nextSeq) {
                items[i].seq = ack
                continue // re-examine the same segment
            } else if Seq.gt(s.nextSeq, ack) {
                // still unacked
            } else {
                items.remove(at: i)
            }
            i -= 1
        }
        return result
    }
}
