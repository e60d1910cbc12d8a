/// The finished connections of one trace, in `tcp.stream` order, held in the compact encoding
/// (one or two hundred bytes each instead of ~1.2 KB): reading a connection decodes it. This is
/// what keeps a trace's memory small when it has hundreds of thousands of connections.
public struct ConnectionStore: RandomAccessCollection, Sendable {
    private var bytes: [UInt8] = []
    private var offsets: [Int] = []

    public init() {}

    public init<S: Sequence>(_ summaries: S) where S.Element == ConnectionSummary {
        for s in summaries { append(s) }
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { offsets.count }

    public subscript(i: Int) -> ConnectionSummary {
        bytes.withUnsafeBufferPointer { b in
            var r = CompactReader(bytes: b, at: offsets[i])
            return ConnectionSummary.decode(from: &r)
        }
    }

    func offsetOf(_ i: Int) -> Int { offsets[i] }

    /// Encodes `s` at the end of the bytes without listing it; returns where it starts.
    mutating func appendDetached(_ s: ConnectionSummary) -> Int {
        append(s)
        return offsets.removeLast()
    }

    mutating func replaceOffsets(_ o: [Int]) { offsets = o }

    /// Bytes held for the encoded connections.
    public var encodedSize: Int { bytes.count }

    mutating func append(_ s: ConnectionSummary) {
        offsets.append(bytes.count)
        var w = CompactWriter(into: [])
        swap(&w.bytes, &bytes)
        s.encode(to: &w)
        swap(&w.bytes, &bytes)
    }

    /// The connection with this `tcp.stream` (binary search; the store is in stream order).
    public func connection(stream: Int) -> ConnectionSummary? {
        var lo = 0, hi = offsets.count - 1
        while lo <= hi {
            let mid = (lo + hi) / 2
            let s = bytes.withUnsafeBufferPointer { b in
                var r = CompactReader(bytes: b, at: offsets[mid])
                return r.int()
            }
            if s == stream { return self[mid] }
            if s < stream { lo = mid + 1 } else { hi = mid - 1 }
        }
        return nil
    }
}

/// Connections as they finish (in any order, a stream possibly in several pieces), encoded at
/// once; ``takeSorted(merge:)`` puts them in stream order and merges the pieces without copying
/// the encoded bytes.
struct FinishedConnections {
    private var store = ConnectionStore()
    private var order: [(stream: Int, firstFrame: Int)] = []

    mutating func append(_ s: ConnectionSummary) {
        store.append(s)
        order.append((s.stream, s.firstFrame))
    }

    mutating func takeSorted(merge: (ConnectionSummary, ConnectionSummary) -> ConnectionSummary) -> ConnectionStore {
        var out = ConnectionStore()
        swap(&out, &store)
        let keys = order
        order = []
        out.reorder(keys: keys, merge: merge)
        return out
    }
}

extension ConnectionStore {
    /// Sorts the records by (stream, first frame) and replaces the pieces of one stream by their
    /// merge (appended; the pieces' bytes stay behind unused, a rare case).
    mutating func reorder(keys: [(stream: Int, firstFrame: Int)], merge: (ConnectionSummary, ConnectionSummary) -> ConnectionSummary) {
        let sorted = keys.indices.sorted { (keys[$0].stream, keys[$0].firstFrame) < (keys[$1].stream, keys[$1].firstFrame) }
        var newOffsets: [Int] = []
        newOffsets.reserveCapacity(sorted.count)
        var i = 0
        while i < sorted.count {
            var j = i + 1
            while j < sorted.count && keys[sorted[j]].stream == keys[sorted[i]].stream { j += 1 }
            if j == i + 1 {
                newOffsets.append(offsetOf(sorted[i]))
            } else {
                var s = self[sorted[i]]
                for k in (i + 1)..<j { s = merge(s, self[sorted[k]]) }
                newOffsets.append(appendDetached(s))
            }
            i = j
        }
        replaceOffsets(newOffsets)
    }
}
