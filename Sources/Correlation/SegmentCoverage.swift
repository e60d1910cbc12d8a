/// What one capture point saw of a connection, for asking "did this segment pass here too?" when
/// the two captures cut the byte stream differently: segmentation offload (TSO/GSO) on the
/// sending host's capture shows one large segment where the wire carries several, receive
/// offload (GRO/LRO) the reverse. The same bytes, and a FIN or RST at the same sequence end, are
/// the same packets for this question even when the segments differ.
struct SegmentCoverage {
    private struct Close: Hashable { var fromClient: Bool; var end: UInt32; var rst: Bool }
    private var closes: Set<Close> = []
    /// Bytes seen, per direction: merged intervals relative to `base`, sorted.
    private var intervals: [Bool: [(start: Int64, end: Int64)]] = [:]
    private var base: [Bool: UInt32] = [:]

    init(_ segments: [SegmentSighting]) {
        var raw: [Bool: [(Int64, Int64)]] = [:]
        for s in segments {
            if s.flags & (SegmentSighting.fin | SegmentSighting.rst) != 0 {
                closes.insert(Close(fromClient: s.fromClient, end: s.seq &+ UInt32(truncatingIfNeeded: s.length),
                                    rst: s.flags & SegmentSighting.rst != 0))
            }
            guard s.length > 0 else { continue }
            let b = base[s.fromClient] ?? s.seq
            base[s.fromClient] = b
            let start = Self.position(s.seq, base: b)
            raw[s.fromClient, default: []].append((start, start + Int64(s.length)))
        }
        for (direction, list) in raw {
            var merged: [(start: Int64, end: Int64)] = []
            for (start, end) in list.sorted(by: { $0.0 < $1.0 }) {
                if let last = merged.last, start <= last.end {
                    merged[merged.count - 1].end = max(last.end, end)
                } else {
                    merged.append((start, end))
                }
            }
            intervals[direction] = merged
        }
    }

    /// Signed distance from `base` (sequence numbers wrap at 2^32).
    private static func position(_ seq: UInt32, base: UInt32) -> Int64 { Int64(Int32(bitPattern: seq &- base)) }

    /// A FIN or RST from the same side ending at the same sequence number.
    func hasClose(like x: SegmentSighting) -> Bool {
        closes.contains(Close(fromClient: x.fromClient, end: x.seq &+ UInt32(truncatingIfNeeded: x.length),
                              rst: x.flags & SegmentSighting.rst != 0))
    }

    /// Every byte of `x`'s payload was seen here (in whatever segments).
    func coversPayload(of x: SegmentSighting) -> Bool {
        guard x.length > 0, let b = base[x.fromClient], let list = intervals[x.fromClient] else { return false }
        let start = Self.position(x.seq, base: b), end = start + Int64(x.length)
        return list.contains { $0.start <= start && end <= $0.end }
    }

    /// `x` (seen at the other capture point) passed here too: the same segment (`keys`), or for
    /// data and closes cut differently, the same bytes and the same close.
    func sawCounterpart(of x: SegmentSighting, keys: Set<SegmentSighting.Key>) -> Bool {
        if keys.contains(x.key) { return true }
        if x.isFinOrRst { return hasClose(like: x) && (x.length == 0 || coversPayload(of: x)) }
        return coversPayload(of: x)
    }
}
