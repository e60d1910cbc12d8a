/// A capture timestamp: whole seconds since the Unix epoch (UTC) and nanoseconds within the second.
///
/// Nanosecond precision covers every resolution casebook reads (pcap µs/ns, pcapng if_tsresol up
/// to 10^-9 and binary fractions, which are rounded to the nearest nanosecond).
public struct Timestamp: Hashable, Comparable, Sendable {
    /// Whole seconds since the epoch (negative before 1970).
    public var seconds: Int64
    /// Nanoseconds within the second, 0 ..< 1_000_000_000.
    public var fraction: Int64

    /// Seconds and nanoseconds; a fraction outside one second is carried into the seconds.
    public init(seconds: Int64, nanoseconds: Int64) {
        var s = seconds &+ nanoseconds / 1_000_000_000
        var f = nanoseconds % 1_000_000_000
        if f < 0 { f += 1_000_000_000; s &-= 1 }
        self.seconds = s
        self.fraction = f
    }

    public init(nanoseconds: Int64) { self.init(seconds: 0, nanoseconds: nanoseconds) }

    /// Seconds and a fraction already in 0 ..< 1_000_000_000 ns (no carrying: a reader's fast path).
    @inline(__always)
    init(seconds: Int64, fractionWithinSecond f: Int64) {
        self.seconds = seconds
        self.fraction = f
    }

    public static func < (a: Timestamp, b: Timestamp) -> Bool {
        a.seconds != b.seconds ? a.seconds < b.seconds : a.fraction < b.fraction
    }

    /// Nanoseconds since the epoch (wraps for dates beyond ±292 years of 1970).
    public var nanoseconds: Int64 { seconds &* 1_000_000_000 &+ fraction }

    /// Seconds since the epoch as a Double (loses precision below ~100 ns for current dates).
    public var secondsSinceEpoch: Double { Double(seconds) + Double(fraction) / 1e9 }

    /// `b - a` in nanoseconds.
    public static func nanoseconds(from a: Timestamp, to b: Timestamp) -> Int64 {
        (b.seconds &- a.seconds) &* 1_000_000_000 &+ (b.fraction - a.fraction)
    }

    /// `b - a` in seconds.
    public static func interval(from a: Timestamp, to b: Timestamp) -> Double {
        Double(b.seconds &- a.seconds) + Double(b.fraction - a.fraction) / 1e9
    }

    var parts: (seconds: Int64, fraction: Int64) { (seconds, fraction) }

    /// "seconds.nnnnnnnnn", as Wireshark's `frame.time_epoch` (-0.5 s prints as "-0.500000000").
    public var epochString: String {
        var s = seconds, f = fraction
        var sign = ""
        if s < 0 {
            sign = "-"
            if f > 0 { s = -(s + 1); f = 1_000_000_000 - f } else { s = -s }
        }
        let frac = String(f)
        return sign + "\(s)." + String(repeating: "0", count: 9 - frac.count) + frac
    }

    /// RFC 3339 in UTC with nanoseconds, e.g. `2024-05-01T12:00:00.123456789Z`.
    public var rfc3339: String {
        let (s, f) = parts
        var days = s / 86_400
        var rem = s % 86_400
        if rem < 0 { rem += 86_400; days -= 1 }
        // Civil-from-days (Howard Hinnant's algorithm).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        var y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        if m <= 2 { y += 1 }
        // Written into one buffer (this runs once per connection of the analysis document).
        guard y >= 0 && y <= 9999 else {
            func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
            let frac = String(f)
            return "\(y)-\(two(m))-\(two(d))T\(two(rem / 3600)):\(two(rem % 3600 / 60)):\(two(rem % 60))."
                + String(repeating: "0", count: 9 - frac.count) + frac + "Z"
        }
        return String(unsafeUninitializedCapacity: 30) { out in
            func put(_ v: Int64, digits: Int, at i: Int) {
                var x = v
                for k in stride(from: i + digits - 1, through: i, by: -1) { out[k] = 0x30 + UInt8(x % 10); x /= 10 }
            }
            put(y, digits: 4, at: 0); out[4] = UInt8(ascii: "-")
            put(m, digits: 2, at: 5); out[7] = UInt8(ascii: "-")
            put(d, digits: 2, at: 8); out[10] = UInt8(ascii: "T")
            put(rem / 3600, digits: 2, at: 11); out[13] = UInt8(ascii: ":")
            put(rem % 3600 / 60, digits: 2, at: 14); out[16] = UInt8(ascii: ":")
            put(rem % 60, digits: 2, at: 17); out[19] = UInt8(ascii: ".")
            put(f, digits: 9, at: 20); out[29] = UInt8(ascii: "Z")
            return 30
        }
    }
}
