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
        var r = CompactReader(bytes: bytes, at: offsets[i])
        return ConnectionSummary.decode(from: &r)
    }

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
            var r = CompactReader(bytes: bytes, at: offsets[mid])
            let s = r.int()
            if s == stream { return self[mid] }
            if s < stream { lo = mid + 1 } else { hi = mid - 1 }
        }
        return nil
    }
}

/// Connections as they finish (in any order, a stream possibly in several pieces), encoded at
/// once; ``sorted()`` puts them in stream order and merges the pieces.
struct FinishedConnections {
    private var store = ConnectionStore()
    private var order: [(stream: Int, firstFrame: Int)] = []

    mutating func append(_ s: ConnectionSummary) {
        store.append(s)
        order.append((s.stream, s.firstFrame))
    }

    func sorted(merge: (ConnectionSummary, ConnectionSummary) -> ConnectionSummary) -> ConnectionStore {
        let indices = order.indices.sorted { (order[$0].stream, order[$0].firstFrame) < (order[$1].stream, order[$1].firstFrame) }
        var out = ConnectionStore()
        var i = 0
        while i < indices.count {
            var s = store[indices[i]]
            var j = i + 1
            while j < indices.count && order[indices[j]].stream == s.stream {
                s = merge(s, store[indices[j]])
                j += 1
            }
            out.append(s)
            i = j
        }
        return out
    }
}
