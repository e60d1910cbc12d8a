import Foundation

/// A small streaming JSON writer: pretty-printed like JSONEncoder's `.prettyPrinted, .sortedKeys`
/// output, handed to a sink in 64 KiB pieces (borrowed, no copy; small enough to stay in the CPU
/// cache), so a document of tens of thousands of connections is never held as one string or
/// tree. Measured on the 1 M-packet benchmark: Foundation's
/// JSONEncoder took about 0.8 s and 100 MB for the 31 MB document.
public struct JSONOutput {
    private let out: ByteBuffer
    private let sink: (UnsafeRawBufferPointer) throws -> Void
    private var depth = 0
    /// Whether the container at each depth already has an item (bit `depth`).
    private var hasItems: UInt64 = 0
    private static let chunk = 1 << 16

    /// `sink` gets each piece for the duration of the call only.
    public init(sink: @escaping (UnsafeRawBufferPointer) throws -> Void) {
        self.sink = sink
        out = ByteBuffer(capacity: Self.chunk + 4096)
    }

    public mutating func finish() throws {
        out.append(0x0A)
        try out.drain(into: sink)
    }

    private mutating func flushIfLarge() throws {
        if out.count >= Self.chunk { try out.drain(into: sink) }
    }

    private mutating func newline() {
        out.append(0x0A)
        out.appendSpaces(2 * depth)
    }

    private mutating func separator() {
        if markItem() { out.append(UInt8(ascii: ",")) }
        newline()
    }

    /// Notes an item in the container at this depth; true when one came before it (a comma).
    @inline(__always)
    private mutating func markItem() -> Bool {
        let bit: UInt64 = 1 << UInt64(depth)
        defer { hasItems |= bit }
        return hasItems & bit != 0
    }

    private mutating func open(_ c: UInt8) {
        out.append(c)
        depth += 1
        precondition(depth < 64, "JSON nested deeper than 63 levels")
        hasItems &= ~(1 << UInt64(depth))
    }

    private mutating func close(_ c: UInt8) throws {
        let hadItems = hasItems & (1 << UInt64(depth)) != 0
        depth -= 1
        if hadItems { newline() }
        out.append(c)
        try flushIfLarge()
    }

    // MARK: containers

    public mutating func object(_ body: (inout JSONOutput) throws -> Void) throws {
        open(UInt8(ascii: "{"))
        try body(&self)
        try close(UInt8(ascii: "}"))
    }

    public mutating func array<S: Sequence>(_ items: S, _ each: (inout JSONOutput, S.Element) throws -> Void) throws {
        open(UInt8(ascii: "["))
        for item in items {
            separator()
            try each(&self, item)
        }
        try close(UInt8(ascii: "]"))
    }

    /// `"key" : ` inside an object, for a key written in the source (ASCII without quotes or
    /// backslashes: copied as it is, no escaping pass).
    @inline(__always)
    public mutating func key(_ k: StaticString) {
        out.appendFieldStart(comma: markItem(), indent: 2 * depth, key: UnsafeRawBufferPointer(start: k.utf8Start, count: k.utf8CodeUnitCount))
    }

    /// `"key" : ` for a key made at run time (escaped like any string).
    public mutating func key(named k: String) {
        separator()
        string(k)
        out.append(0x20); out.append(UInt8(ascii: ":")); out.append(0x20)
    }

    // MARK: values

    public mutating func string(_ s: String) {
        var s = s
        let buffer = out
        // Most strings need no escaping: checked eight bytes at a time, copied in one go.
        let plain = s.withUTF8 { bytes in
            guard !Self.needsEscaping(UnsafeRawBufferPointer(bytes)) else { return false }
            buffer.appendQuoted(UnsafeRawBufferPointer(bytes))
            return true
        }
        if !plain { escaped(s) }
    }

    /// Whether any byte is a control character, `"` or `\`: a word at a time (SWAR: a byte
    /// below n sets its high bit in (w − n·0x01…01) & ~w & 0x80…80, exact for "any byte").
    @inline(__always)
    static func needsEscaping(_ b: UnsafeRawBufferPointer) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        @inline(__always) func special(_ w: UInt64) -> Bool {
            let control = (w &- ones &* 0x20) & ~w
            let q = w ^ (ones &* 0x22), bs = w ^ (ones &* 0x5C)
            return (control | ((q &- ones) & ~q) | ((bs &- ones) & ~bs)) & highs != 0
        }
        var i = 0
        while i + 8 <= b.count {
            if special(b.loadUnaligned(fromByteOffset: i, as: UInt64.self)) { return true }
            i += 8
        }
        while i < b.count {
            let c = b[i]
            if c < 0x20 || c == 0x22 || c == 0x5C { return true }
            i += 1
        }
        return false
    }

    /// A string with characters JSON escapes, byte by byte.
    private mutating func escaped(_ s: String) {
        out.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): out.append(0x5C); out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C); out.append(0x5C)
            case 0x0A: out.append(0x5C); out.append(UInt8(ascii: "n"))
            case 0x0D: out.append(0x5C); out.append(UInt8(ascii: "r"))
            case 0x09: out.append(0x5C); out.append(UInt8(ascii: "t"))
            case 0..<0x20:
                let hex: StaticString = "0123456789abcdef"
                out.append(0x5C); out.append(UInt8(ascii: "u")); out.append(0x30); out.append(0x30)
                out.append(hex.utf8Start[Int(b >> 4)]); out.append(hex.utf8Start[Int(b & 15)])
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    @inline(__always)
    public mutating func int<I: BinaryInteger>(_ v: I) {
        if let small = Int64(exactly: v) { out.appendDecimal(small) } else { out.append(String(v)) }
    }

    /// Integral values as integers (as JSONEncoder writes them); others as Swift's shortest
    /// round-trip text (`description`). Values from 0.0001 up to 1e15 with at most nine decimals
    /// take a fast path that writes the same text without formatting a String: the fewest
    /// decimals k for which round(v · 10^k) / 10^k gives back v exactly.
    public mutating func double(_ v: Double) {
        guard v.isFinite else { out.append(v.description); return }
        if v == v.rounded() && abs(v) < 1e15 { out.appendDecimal(Int64(v)); return }
        let magnitude = abs(v)
        guard magnitude >= 1e-4 && magnitude < 1e15 else { out.append(v.description); return }
        // Nine decimals first: when v has a k-decimal text (k ≤ 9) it also has the nine-decimal
        // one (that k-decimal number times 10^(9−k)), and the fewest decimals are the nine-decimal
        // integer's without its trailing zeros; one rounding instead of one per k. Below 1e15 no
        // other number with that many decimals lies within half an ulp of v.
        let m9 = (v * 1e9).rounded()
        if abs(m9) < 1e15 {
            guard m9 / 1e9 == v else { out.append(v.description); return }
            out.appendNineDecimalsTrimmed(Int64(m9))
            return
        }
        var scale = 1.0
        for k in 1...9 {
            scale *= 10 // exact: powers of ten up to 1e22 are doubles
            let m = (v * scale).rounded()
            guard abs(m) < 1e15 else { break }
            if m / scale == v {
                out.appendDecimal(Int64(m), fractionDigits: k)
                return
            }
        }
        out.append(v.description)
    }
    @inline(__always)
    public mutating func bool(_ v: Bool) {
        let text: StaticString = v ? "true" : "false"
        out.append(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    // MARK: keyed helpers (nil values are left out, as Codable's encodeIfPresent does)

    public mutating func field(_ k: StaticString, _ v: String?) { if let v { key(k); string(v) } }
    @inline(__always)
    public mutating func field(_ k: StaticString, _ v: Int?) { if let v { key(k); int(v) } }
    @inline(__always)
    public mutating func field(_ k: StaticString, _ v: UInt32?) { if let v { key(k); int(v) } }
    public mutating func field(_ k: StaticString, _ v: Double?) { if let v { key(k); double(v) } }
    @inline(__always)
    public mutating func field(_ k: StaticString, _ v: Bool) { key(k); bool(v) }
    public mutating func field(_ k: StaticString, _ v: [String]) throws { key(k); try array(v) { $0.string($1) } }
    public mutating func field(_ k: StaticString, _ v: [String: String]) throws {
        key(k)
        try object { o in for name in v.keys.sorted() { o.key(named: name); o.string(v[name]!) } }
    }
    public mutating func field(_ k: StaticString, _ v: [String: Int]) throws {
        key(k)
        try object { o in
            // Most hosts show one TTL: no key array to sort.
            if v.count == 1, let (name, value) = v.first { o.key(named: name); o.int(value); return }
            for name in v.keys.sorted() { o.key(named: name); o.int(v[name]!) }
        }
    }
}

/// The writer's bytes: one growable raw allocation, appended to without a uniqueness or bounds
/// check per byte.
final class ByteBuffer {
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private(set) var count = 0

    init(capacity: Int) {
        self.capacity = capacity
        base = .allocate(capacity: capacity)
    }

    deinit { base.deallocate() }

    /// Room for `n` more bytes; the check is inlined, the growing is not.
    @inline(__always)
    private func reserve(_ n: Int) {
        if count + n > capacity { grow(n) }
    }

    @inline(never)
    private func grow(_ n: Int) {
        let newCapacity = max(capacity * 2, count + n)
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        bigger.update(from: base, count: count)
        base.deallocate()
        base = bigger
        capacity = newCapacity
    }

    @inline(__always)
    func append(_ b: UInt8) {
        if count == capacity { reserve(1) }
        base[count] = b
        count += 1
    }

    func append(_ bytes: UnsafeRawBufferPointer) {
        reserve(bytes.count)
        if let src = bytes.baseAddress { (base + count).update(from: src.assumingMemoryBound(to: UInt8.self), count: bytes.count) }
        count += bytes.count
    }

    func append(_ s: String) {
        var s = s
        s.withUTF8 { append(UnsafeRawBufferPointer($0)) }
    }

    func appendSpaces(_ n: Int) {
        reserve(n)
        (base + count).initialize(repeating: 0x20, count: n)
        count += n
    }

    /// `,` (when `comma`), a newline, `indent` spaces and `"key" : `, in one reservation: the
    /// start of every field of an object. Spaces and key bytes go in 8-byte stores.
    @inline(__always) // at each call site the key's length is a constant: the copy unrolls
    func appendFieldStart(comma: Bool, indent: Int, key k: UnsafeRawBufferPointer) {
        reserve(k.count + indent + 16)
        var p = UnsafeMutableRawPointer(base + count)
        if comma { p.storeBytes(of: 0x2C, as: UInt8.self); p += 1 }
        p.storeBytes(of: 0x0A, as: UInt8.self)
        p += 1
        // Eight spaces at a time; the reservation leaves room for the overshoot.
        var i = 0
        while i < indent { (p + i).storeBytes(of: 0x2020_2020_2020_2020 as UInt64, as: UInt64.self); i += 8 }
        p += indent
        p.storeBytes(of: 0x22, as: UInt8.self)
        p += 1
        if let src = k.baseAddress {
            let n = k.count
            if n >= 8 {
                // Whole words, then the last eight bytes again (overlapping): no byte loop.
                var j = 0
                while j + 8 <= n {
                    p.storeBytes(of: src.loadUnaligned(fromByteOffset: j, as: UInt64.self), toByteOffset: j, as: UInt64.self)
                    j += 8
                }
                p.storeBytes(of: src.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self), toByteOffset: n - 8, as: UInt64.self)
            } else if n >= 4 {
                p.storeBytes(of: src.loadUnaligned(as: UInt32.self), as: UInt32.self)
                p.storeBytes(of: src.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self), toByteOffset: n - 4, as: UInt32.self)
            } else {
                for j in 0..<n { p.storeBytes(of: src.load(fromByteOffset: j, as: UInt8.self), toByteOffset: j, as: UInt8.self) }
            }
        }
        p += k.count
        // `" : ` as one little-endian store.
        p.storeBytes(of: 0x203A_2022 as UInt32, as: UInt32.self)
        count = p + 4 - UnsafeMutableRawPointer(base)
    }

    /// `"` + bytes + `"`, in one reservation.
    @inline(__always)
    func appendQuoted(_ bytes: UnsafeRawBufferPointer) {
        reserve(bytes.count + 2)
        base[count] = 0x22
        if let src = bytes.baseAddress { (base + count + 1).update(from: src.assumingMemoryBound(to: UInt8.self), count: bytes.count) }
        count += bytes.count + 2
        base[count - 1] = 0x22
    }

    /// `m / 10^9` with its trailing fraction zeros left out (`m` not a multiple of 10^9):
    /// 1_234_500_000 → 1.2345. The nine digits are written, then the zeros stepped back over.
    func appendNineDecimalsTrimmed(_ m: Int64) {
        reserve(32)
        if m < 0 { base[count] = UInt8(ascii: "-"); count += 1 }
        let magnitude = m.magnitude
        count += Self.writeDigits(magnitude / 1_000_000_000, to: base + count, minimumDigits: 1)
        base[count] = UInt8(ascii: ".")
        count += 1
        _ = Self.writeDigits(magnitude % 1_000_000_000, to: base + count, minimumDigits: 9)
        var n = 9
        while n > 1 && base[count + n - 1] == 0x30 { n -= 1 }
        count += n
    }

    /// Decimal digits written in place (no String per number).
    @inline(__always)
    func appendDecimal(_ v: Int64) {
        reserve(21)
        if v >= 0 && v < 10 { // most counters are 0
            base[count] = 0x30 + UInt8(truncatingIfNeeded: v)
            count += 1
            return
        }
        if v < 0 { base[count] = UInt8(ascii: "-"); count += 1 }
        count += Self.writeDigits(v.magnitude, to: base + count, minimumDigits: 1)
    }

    /// `m / 10^k` with exactly `k` decimals (`m` = 1234, k = 3 → 1.234; m = 5, k = 2 → 0.05).
    func appendDecimal(_ m: Int64, fractionDigits k: Int) {
        reserve(24 + k)
        if m < 0 { base[count] = UInt8(ascii: "-"); count += 1 }
        var divisor: UInt64 = 1
        for _ in 0..<k { divisor *= 10 }
        let magnitude = m.magnitude
        count += Self.writeDigits(magnitude / divisor, to: base + count, minimumDigits: 1)
        base[count] = UInt8(ascii: ".")
        count += 1
        count += Self.writeDigits(magnitude % divisor, to: base + count, minimumDigits: k)
    }

    /// Writes `m` in decimal, zero-padded to `minimumDigits`; returns the number of bytes. The
    /// length from comparisons, then two digits per division from the back.
    private static func writeDigits(_ m: UInt64, to p: UnsafeMutablePointer<UInt8>, minimumDigits: Int) -> Int {
        var n = 1
        var limit: UInt64 = 10
        while n < 20 && m >= limit { n += 1; limit &*= 10 }
        n = max(n, minimumDigits)
        let pairs: StaticString = "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"
        let table = pairs.utf8Start
        var v = m
        var i = n
        while i >= 2 {
            let r = Int(v % 100)
            v /= 100
            i -= 2
            p[i] = table[2 * r]
            p[i + 1] = table[2 * r + 1]
        }
        if i == 1 { p[0] = 0x30 + UInt8(truncatingIfNeeded: v) }
        return n
    }

    /// Hands the bytes so far to `sink`, leaving the buffer empty.
    func drain(into sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        defer { count = 0 }
        try sink(UnsafeRawBufferPointer(start: base, count: count))
    }
}
