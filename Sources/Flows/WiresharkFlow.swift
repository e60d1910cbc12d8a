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
    var lastSegmentFlags = AnalysisFlags(rawValue: 0)
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
    /// The segments are `items[head...]`: acknowledged ones at the front are stepped over and
    /// dropped in bulk, not shifted out one ACK at a time.
    private var items: [Segment] = []
    private var head = 0
    /// The segments follow each other without overlap (each starts at or after the previous
    /// one's end) and span less than 2^29: an ACK then affects a prefix only.
    private(set) var inOrder = true

    var count: Int { items.count - head }
    /// The unacknowledged segments, oldest first.
    var segments: ArraySlice<Segment> { items[head...] }

    mutating func push(_ s: Segment) {
        guard count < Self.limit else { return }
        if count > 0 {
            inOrder = inOrder && !Seq.lt(s.seq, items[items.count - 1].nextSeq) && s.nextSeq &- items[head].seq < 1 << 29
        } else {
            inOrder = true
            // Room for a few from the first: growing 1, 2, 4, 8 cost more than the segments.
            if items.capacity == 0 { items.reserveCapacity(8) }
        }
        items.append(s)
    }

    /// Drops the stepped-over front once it is most of the array.
    private mutating func trimFront() {
        if head == items.count {
            items.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 32 && head * 2 >= items.count {
            items.removeFirst(head)
            head = 0
        }
    }

    /// Applies an ACK as Wireshark does (packet-tcp.c walks the list; the last exact match in
    /// sending order gives the acked frame): segments it covers are dropped, one it splits starts
    /// at the ACK. For segments in order only the prefix up to the first segment past the ACK is
    /// looked at (a bulk transfer has dozens outstanding); otherwise one compacting pass.
    mutating func acknowledge(_ ack: UInt32) -> (frame: Int, time: Int64)? {
        guard count > 0 else { return nil }
        // In order, and the ACK within 2^29 of the first segment: sequence order is linear order.
        if inOrder && (ack &- items[head].seq &+ (1 << 29)) < 1 << 30 {
            return acknowledgeInOrder(ack)
        }
        if head > 0 {
            items.removeFirst(head)
            head = 0
        }
        var result: (Int, Int64)?
        var sorted = true
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
                if w > 0 && (Seq.lt(s.seq, b[w - 1].nextSeq) || s.nextSeq &- b[0].seq >= 1 << 29) { sorted = false }
                b[w] = s
                w += 1
            }
            return w
        }
        if kept < items.count { items.removeLast(items.count - kept) }
        inOrder = sorted
        return result
    }

    /// The same result for segments in order: every segment after the first one the ACK does not
    /// cover entirely starts beyond the ACK and is left as it is.
    private mutating func acknowledgeInOrder(_ ack: UInt32) -> (frame: Int, time: Int64)? {
        var result: (Int, Int64)?
        var i = head
        var split = false
        // Read only (no uniqueness check of the array); the one write, a split segment, after.
        items.withUnsafeBufferPointer { b in
            while i < b.count {
                let s = b[i]
                if ack == s.nextSeq {
                    result = (s.frame, s.time)
                } else if Seq.gt(ack, s.seq) && Seq.le(ack, s.nextSeq) {
                    split = true // partly acked; the rest start later
                    return
                } else if Seq.gt(s.nextSeq, ack) {
                    return // starts at or after the ACK, as do the rest
                }
                i += 1
            }
        }
        if split { items[i].seq = ack }
        if i > head {
            head = i
            trimFront()
        }
        return result
    }
}
