import HeapModule

/// Closed connections waiting out their quiet time, by the trace time (ns) they may go: a sweep
/// looks only at the ones due, instead of every closed connection once per trace second (each
/// look a cache miss on the connection's object).
struct ReleaseQueue {
    struct Entry: Comparable {
        var due: Int64
        /// Insertion number: entries due at the same time leave in the order they came.
        var order: Int
        let connection: Connection

        static func < (a: Entry, b: Entry) -> Bool { (a.due, a.order) < (b.due, b.order) }
        static func == (a: Entry, b: Entry) -> Bool { a.due == b.due && a.order == b.order }
    }

    private var heap = Heap<Entry>()
    private var added = 0

    var count: Int { heap.count }

    mutating func add(_ c: Connection, due: Int64) {
        heap.insert(Entry(due: due, order: added, connection: c))
        added += 1
    }

    /// The next connection due at or before `now`, removed from the queue.
    mutating func popDue(now: Int64) -> Connection? {
        guard let first = heap.min, first.due <= now else { return nil }
        return heap.removeMin().connection
    }
}
