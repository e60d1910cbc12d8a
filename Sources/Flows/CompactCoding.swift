import Capture
import Packets

/// A small append-only binary encoding for finished connections: LEB128 varints (zig-zag for
/// signed values), optionals as "0 = none, else value + 1", doubles as their bit patterns.
/// Most counters of a connection are zero, so a summary takes about 200 to 350 bytes (about 300
/// on the benchmark trace) instead of the ~1.2 KB of the in-memory struct.
struct CompactWriter {
    var bytes: [UInt8]

    init(into bytes: [UInt8]) { self.bytes = bytes }

    @inline(__always)
    mutating func unsigned(_ v: UInt64) {
        var v = v
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
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
        let b = v.bitPattern
        for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: b >> (8 * UInt64(i)))) }
    }

    @inline(__always)
    mutating func optional(_ v: Double?) {
        if let v { bytes.append(1); double(v) } else { bytes.append(0) }
    }

    @inline(__always)
    mutating func string(_ s: String) {
        unsigned(UInt64(s.utf8.count))
        bytes.append(contentsOf: s.utf8)
    }

    @inline(__always)
    mutating func optional(_ s: String?) {
        if let s { bytes.append(1); string(s) } else { bytes.append(0) }
    }

    @inline(__always)
    mutating func timestamp(_ t: Timestamp) {
        int64(t.seconds)
        unsigned(UInt64(t.fraction))
    }

    /// A time near `base` (seconds as a difference): a few bytes instead of ten.
    @inline(__always)
    mutating func timestamp(_ t: Timestamp?, near base: Timestamp) {
        guard let t else { bytes.append(0); return }
        bytes.append(1)
        int64(t.seconds &- base.seconds)
        unsigned(UInt64(t.fraction))
    }

    @inline(__always)
    mutating func endpoint(_ e: Endpoint) {
        switch e.address {
        case .v4(let a):
            bytes.append(4)
            unsigned(UInt64(a))
        case .v6(let hi, let lo):
            bytes.append(6)
            for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: hi >> (8 * UInt64(i)))) }
            for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: lo >> (8 * UInt64(i)))) }
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
