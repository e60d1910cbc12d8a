import Capture
import Packets

/// A small append-only binary encoding for finished connections: LEB128 varints (zig-zag for
/// signed values), optionals as "0 = none, else value + 1", doubles as their bit patterns.
/// Most counters of a connection are zero, so a summary takes about 200 to 350 bytes (about 300
/// on the benchmark trace) instead of the ~1.2 KB of the in-memory struct.
struct CompactWriter: ~Copyable {
    // A raw buffer written without a capacity or uniqueness check per byte (appending to an
    // array byte by byte made encoding ~16,000 instructions a connection).
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private(set) var count = 0

    init(capacity: Int = 1024) {
        self.capacity = capacity
        base = .allocate(capacity: capacity)
    }

    deinit { base.deallocate() }

    /// The bytes written so far (borrowed).
    func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: base, count: count))
    }

    /// Forgets what was written, keeping the buffer.
    mutating func removeAll() { count = 0 }

    @inline(__always)
    private mutating func reserve(_ n: Int) {
        if count + n > capacity { grow(n) }
    }

    private mutating func grow(_ n: Int) {
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: max(capacity * 2, count + n))
        bigger.update(from: base, count: count)
        base.deallocate()
        base = bigger
        capacity = max(capacity * 2, count + n)
    }

    @inline(__always)
    mutating func byte(_ b: UInt8) {
        reserve(1)
        base[count] = b
        count += 1
    }

    @inline(__always)
    mutating func unsigned(_ v: UInt64) {
        reserve(10)
        var v = v
        while v >= 0x80 {
            base[count] = UInt8(truncatingIfNeeded: v) | 0x80
            count += 1
            v >>= 7
        }
        base[count] = UInt8(v)
        count += 1
    }

    @inline(__always)
    mutating func int(_ v: Int) { unsigned(UInt64(bitPattern: Int64((v << 1) ^ (v >> 63)))) }
    @inline(__always)
    mutating func int64(_ v: Int64) { unsigned(UInt64(bitPattern: (v << 1) ^ (v >> 63))) }

    /// Non-negative in practice (frames, counts); negative values still round-trip.
    @inline(__always)
    mutating func optional(_ v: Int?) {
        if let v { unsigned(UInt64(bitPattern: Int64((v << 1) ^ (v >> 63))) &+ 1) } else { unsigned(0) }
    }

    @inline(__always)
    mutating func optional<U: FixedWidthInteger & UnsignedInteger>(_ v: U?) {
        if let v { unsigned(UInt64(v) + 1) } else { unsigned(0) }
    }

    /// A frame number as its distance from `base` (the connection's first frame): one or two bytes.
    @inline(__always)
    mutating func frame(_ f: Int?, near base: Int) { optional(f.map { $0 &- base }) }

    @inline(__always)
    mutating func double(_ v: Double) {
        reserve(8)
        UnsafeMutableRawPointer(base + count).storeBytes(of: v.bitPattern.littleEndian, as: UInt64.self)
        count += 8
    }

    @inline(__always)
    mutating func optional(_ v: Double?) {
        if let v { byte(1); double(v) } else { byte(0) }
    }

    @inline(__always)
    mutating func string(_ s: String) {
        // One copy from the string's contiguous UTF-8 (iterating the view went byte by byte
        // through the string's generic path: ~700 instructions for a request line).
        var s = s
        s.withUTF8 { bytes in
            unsigned(UInt64(bytes.count))
            reserve(bytes.count)
            if let src = bytes.baseAddress { (base + count).update(from: src, count: bytes.count) }
            count += bytes.count
        }
    }

    @inline(__always)
    mutating func optional(_ s: String?) {
        if let s { byte(1); string(s) } else { byte(0) }
    }

    @inline(__always)
    mutating func timestamp(_ t: Timestamp) {
        int64(t.seconds)
        unsigned(UInt64(t.fraction))
    }

    /// A time near `base` (seconds as a difference): a few bytes instead of ten.
    @inline(__always)
    mutating func timestamp(_ t: Timestamp?, near base: Timestamp) {
        guard let t else { byte(0); return }
        byte(1)
        int64(t.seconds &- base.seconds)
        unsigned(UInt64(t.fraction))
    }

    @inline(__always)
    mutating func endpoint(_ e: Endpoint) {
        switch e.address {
        case .v4(let a):
            byte(4)
            unsigned(UInt64(a))
        case .v6(let hi, let lo):
            byte(6)
            reserve(16)
            UnsafeMutableRawPointer(base + count).storeBytes(of: hi.littleEndian, as: UInt64.self)
            UnsafeMutableRawPointer(base + count + 8).storeBytes(of: lo.littleEndian, as: UInt64.self)
            count += 16
        }
        unsigned(UInt64(e.port))
    }
}

/// Reads what ``CompactWriter`` wrote, in the same order. The bytes come from this process only
/// and are borrowed for the reader's lifetime (no bounds check or reference count per byte).
struct CompactReader {
    let bytes: UnsafeBufferPointer<UInt8>
    var at: Int

    @inline(__always)
    mutating func byte() -> UInt8 {
        defer { at += 1 }
        return bytes.baseAddress.unsafelyUnwrapped[at]
    }

    @inline(__always)
    mutating func unsigned() -> UInt64 {
        var v: UInt64 = 0, shift: UInt64 = 0
        while true {
            let b = byte()
            v |= UInt64(b & 0x7F) << shift
            if b < 0x80 { return v }
            shift += 7
        }
    }

    @inline(__always)
    private static func unzig(_ u: UInt64) -> Int64 { Int64(bitPattern: (u >> 1) ^ (0 &- (u & 1))) }

    @inline(__always)
    mutating func int() -> Int { Int(Self.unzig(unsigned())) }
    @inline(__always)
    mutating func int64() -> Int64 { Self.unzig(unsigned()) }

    @inline(__always)
    mutating func optionalInt() -> Int? {
        let u = unsigned()
        return u == 0 ? nil : Int(Self.unzig(u &- 1))
    }

    @inline(__always)
    mutating func optional<U: FixedWidthInteger & UnsignedInteger>(_: U.Type) -> U? {
        let u = unsigned()
        return u == 0 ? nil : U(truncatingIfNeeded: u - 1)
    }

    @inline(__always)
    mutating func frame(near base: Int) -> Int? { optionalInt().map { $0 &+ base } }

    @inline(__always)
    mutating func double() -> Double {
        var b: UInt64 = 0
        for i in 0..<8 { b |= UInt64(byte()) << (8 * UInt64(i)) }
        return Double(bitPattern: b)
    }

    @inline(__always)
    mutating func optionalDouble() -> Double? { byte() == 0 ? nil : double() }

    @inline(__always)
    mutating func string() -> String {
        let n = Int(unsigned())
        defer { at += n }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[at..<(at + n)]), as: UTF8.self)
    }

    @inline(__always)
    mutating func optionalString() -> String? { byte() == 0 ? nil : string() }

    /// Steps over a string without making it.
    @inline(__always)
    mutating func skipString() { at += Int(unsigned()) }

    @inline(__always)
    mutating func timestamp() -> Timestamp {
        let s = int64()
        return Timestamp(seconds: s, nanoseconds: Int64(unsigned()))
    }

    @inline(__always)
    mutating func timestamp(near base: Timestamp) -> Timestamp? {
        guard byte() != 0 else { return nil }
        let s = base.seconds &+ int64()
        return Timestamp(seconds: s, nanoseconds: Int64(unsigned()))
    }

    @inline(__always)
    mutating func endpoint() -> Endpoint {
        let address: IPAddress
        if byte() == 4 {
            address = .v4(UInt32(truncatingIfNeeded: unsigned()))
        } else {
            var hi: UInt64 = 0, lo: UInt64 = 0
            for i in 0..<8 { hi |= UInt64(byte()) << (8 * UInt64(i)) }
            for i in 0..<8 { lo |= UInt64(byte()) << (8 * UInt64(i)) }
            address = .v6(hi, lo)
        }
        return Endpoint(address, UInt16(truncatingIfNeeded: unsigned()))
    }
}
