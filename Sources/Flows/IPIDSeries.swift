/// The IPv4 identification values (`ip.id`) one sender used on one connection, in one direction,
/// kept in constant space: the first few values, the last one, and how consecutive values stepped.
/// Enough to tell a per-connection counter (+1 per packet), a host-wide counter shared with other
/// traffic (small steps), random IDs and all-zero IDs (DF set, RFC 6864), and to see whether two
/// capture points saw the same values for the same connection.
public struct IPIDSeries: Sendable, Equatable {
    /// How many first values are kept.
    public static let kept = 4
    private var head: (UInt16, UInt16, UInt16, UInt16) = (0, 0, 0, 0)
    /// Packets with an IPv4 header.
    public private(set) var count: UInt32 = 0
    public private(set) var last: UInt16 = 0
    /// Packets whose ID was 0, and packets with Don't Fragment set.
    public private(set) var zeros: UInt32 = 0
    public private(set) var dontFragment: UInt32 = 0
    /// Steps between consecutive non-zero IDs: all of them, those of exactly +1, those of +1…+64.
    public private(set) var steps: UInt32 = 0
    public private(set) var plusOne: UInt32 = 0
    public private(set) var smallSteps: UInt32 = 0
    private var firstNonZero: UInt16 = 0
    private var lastNonZero: UInt16 = 0
    private var sawNonZero = false

    public init() {}

    @inline(__always)
    public mutating func add(_ id: UInt16, dontFragment df: Bool) {
        switch count {
        case 0: head.0 = id
        case 1: head.1 = id
        case 2: head.2 = id
        case 3: head.3 = id
        default: break
        }
        count &+= 1
        last = id
        if df { dontFragment &+= 1 }
        guard id != 0 else { zeros &+= 1; return }
        if sawNonZero { countStep(from: lastNonZero, to: id) } else { firstNonZero = id }
        lastNonZero = id
        sawNonZero = true
    }

    @inline(__always)
    private mutating func countStep(from a: UInt16, to b: UInt16) {
        let step = b &- a
        steps &+= 1
        if step == 1 { plusOne &+= 1 }
        if step >= 1 && step <= 64 { smallSteps &+= 1 }
    }

    /// The first values (at most ``kept``), in order.
    public var first: [UInt16] { Array([head.0, head.1, head.2, head.3].prefix(Int(min(count, UInt32(Self.kept))))) }

    /// `zero`, `+1 per packet` (a counter per connection, or a host counter with nothing else to
    /// send), `incrementing` (a host-wide counter: small gaps from other traffic), `random`, or nil
    /// (fewer than two non-zero values after the first).
    public var behaviour: String? {
        if count > 0 && zeros == count { return "zero" }
        guard steps >= 1 else { return nil }
        // In 64 bits: a direction of more than 430 million packets must not overflow.
        if UInt64(plusOne) * 10 >= UInt64(steps) * 8 { return "+1 per packet" }
        if UInt64(smallSteps) * 10 >= UInt64(steps) * 8 { return "incrementing" }
        return "random"
    }

    /// This series followed by `later` (a stream continued after it was released).
    public func merged(with later: IPIDSeries) -> IPIDSeries {
        guard later.count > 0 else { return self }
        guard count > 0 else { return later }
        var m = self
        for id in later.first.prefix(max(0, Self.kept - Int(count))) { m.appendHead(id) }
        m.count = count &+ later.count
        m.last = later.last
        m.zeros = zeros &+ later.zeros
        m.dontFragment = dontFragment &+ later.dontFragment
        m.steps = steps &+ later.steps
        m.plusOne = plusOne &+ later.plusOne
        m.smallSteps = smallSteps &+ later.smallSteps
        if later.sawNonZero {
            if sawNonZero { m.countStep(from: lastNonZero, to: later.firstNonZero) } else { m.firstNonZero = later.firstNonZero }
            m.lastNonZero = later.lastNonZero
            m.sawNonZero = true
        }
        return m
    }

    private mutating func appendHead(_ id: UInt16) {
        switch count {
        case 1: head.1 = id
        case 2: head.2 = id
        case 3: head.3 = id
        default: break
        }
        count &+= 1
    }

    /// Compact form for the finished-connection store: counters as differences from what a
    /// per-connection counter would give, IDs as wrapping differences, so a typical direction takes
    /// about a dozen bytes (one byte when it carried no IPv4 packet).
    func encode(to w: inout CompactWriter) {
        w.unsigned(UInt64(count))
        guard count > 0 else { return }
        let n = Int(min(count, UInt32(Self.kept)))
        w.unsigned(UInt64(head.0))
        for i in 1..<n { w.int(Int(Int16(bitPattern: headValue(i) &- headValue(i - 1)))) }
        w.int(Int(Int16(bitPattern: last &- headValue(n - 1))))
        w.unsigned(UInt64(zeros))
        w.unsigned(UInt64(count - dontFragment))
        w.unsigned(UInt64(steps)); w.unsigned(UInt64(steps - plusOne)); w.unsigned(UInt64(steps - smallSteps))
        w.unsigned(sawNonZero ? 1 : 0)
        if sawNonZero {
            w.int(Int(Int16(bitPattern: firstNonZero &- head.0)))
            w.int(Int(Int16(bitPattern: lastNonZero &- last)))
        }
    }

    private func headValue(_ i: Int) -> UInt16 {
        switch i { case 0: head.0; case 1: head.1; case 2: head.2; default: head.3 }
    }

    static func decode(from r: inout CompactReader) -> IPIDSeries {
        var s = IPIDSeries()
        s.count = UInt32(truncatingIfNeeded: r.unsigned())
        guard s.count > 0 else { return s }
        let n = Int(min(s.count, UInt32(kept)))
        var previous = UInt16(truncatingIfNeeded: r.unsigned())
        s.head.0 = previous
        for i in 1..<n {
            previous = previous &+ UInt16(bitPattern: Int16(truncatingIfNeeded: r.int()))
            switch i { case 1: s.head.1 = previous; case 2: s.head.2 = previous; default: s.head.3 = previous }
        }
        s.last = previous &+ UInt16(bitPattern: Int16(truncatingIfNeeded: r.int()))
        s.zeros = UInt32(truncatingIfNeeded: r.unsigned())
        s.dontFragment = s.count - UInt32(truncatingIfNeeded: r.unsigned())
        s.steps = UInt32(truncatingIfNeeded: r.unsigned())
        s.plusOne = s.steps - UInt32(truncatingIfNeeded: r.unsigned())
        s.smallSteps = s.steps - UInt32(truncatingIfNeeded: r.unsigned())
        s.sawNonZero = r.unsigned() != 0
        if s.sawNonZero {
            s.firstNonZero = s.head.0 &+ UInt16(bitPattern: Int16(truncatingIfNeeded: r.int()))
            s.lastNonZero = s.last &+ UInt16(bitPattern: Int16(truncatingIfNeeded: r.int()))
        }
        return s
    }

    public static func == (a: IPIDSeries, b: IPIDSeries) -> Bool {
        a.first == b.first && a.count == b.count && a.last == b.last && a.zeros == b.zeros
            && a.dontFragment == b.dontFragment && a.steps == b.steps && a.plusOne == b.plusOne && a.smallSteps == b.smallSteps
            && a.sawNonZero == b.sawNonZero && a.firstNonZero == b.firstNonZero && a.lastNonZero == b.lastNonZero
    }
}
