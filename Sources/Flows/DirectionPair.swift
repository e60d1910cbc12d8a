/// Two values of a connection, one per direction (0 = from `key.low`, 1 = from `key.high`),
/// stored inline: no heap array per field, no copy-on-write check per packet, and `pair[d].x += 1`
/// mutates in place. That goes through the subscript's modify coroutine, which the optimizer
/// leaves as a call: per-packet code uses ``withBoth(_:_:)`` and ``set(_:_:)`` instead.
struct DirectionPair<Value> {
    var first: Value
    var second: Value

    init(_ first: Value, _ second: Value) {
        self.first = first
        self.second = second
    }

    init(repeating v: Value) {
        first = v
        second = v
    }

    @inline(__always)
    subscript(direction: Int) -> Value {
        get { direction == 0 ? first : second }
        _modify {
            if direction == 0 { yield &first } else { yield &second }
        }
    }

    /// `self[direction] = value` without the subscript's modify coroutine (which the optimizer
    /// leaves as a call, and for large values a costly one).
    @inline(__always)
    mutating func set(_ direction: Int, _ value: Value) {
        if direction == 0 { first = value } else { second = value }
    }

    /// Both values in place: `body(&self[direction], &self[1 - direction])`.
    @inline(__always)
    mutating func withBoth<R>(_ direction: Int, _ body: (inout Value, inout Value) -> R) -> R {
        direction == 0 ? body(&first, &second) : body(&second, &first)
    }
}
