import Foundation

/// An IPv4 or IPv6 address held in fixed-width integers, so it is hashed and compared without
/// allocating. `description` prints it as Wireshark does (RFC 5952 for IPv6).
public enum IPAddress: Hashable, Comparable, Sendable, CustomStringConvertible {
    case v4(UInt32)
    case v6(UInt64, UInt64)

    public var isIPv6: Bool { if case .v6 = self { return true } else { return false } }

    /// 127.0.0.0/8 or ::1.
    public var isLoopback: Bool {
        switch self {
        case let .v4(v): return v >> 24 == 127
        case let .v6(hi, lo): return hi == 0 && lo == 1
        }
    }

    /// "a.b.c.d" written at `p` (at most 15 bytes); returns the length.
    static func writeDotted(_ v: UInt32, into p: UnsafeMutablePointer<UInt8>) -> Int {
        var n = 0
        for i in 0..<4 {
            if i > 0 { p[n] = UInt8(ascii: "."); n += 1 }
            n += writeDecimal(Int((v >> UInt32(24 - 8 * i)) & 0xFF), into: p + n)
        }
        return n
    }

    /// A non-negative number below 100 000 in decimal at `p`; returns the length.
    static func writeDecimal(_ v: Int, into p: UnsafeMutablePointer<UInt8>) -> Int {
        var digits = 1, t = v
        while t >= 10 { t /= 10; digits += 1 }
        var x = v
        for i in stride(from: digits - 1, through: 0, by: -1) { p[i] = 0x30 + UInt8(x % 10); x /= 10 }
        return digits
    }

    @inlinable
    public static func < (a: IPAddress, b: IPAddress) -> Bool {
        switch (a, b) {
        case let (.v4(x), .v4(y)): return x < y
        case (.v4, .v6): return true
        case (.v6, .v4): return false
        case let (.v6(a1, a2), .v6(b1, b2)): return a1 != b1 ? a1 < b1 : a2 < b2
        }
    }

    public var description: String {
        switch self {
        case let .v4(v):
            return String(unsafeUninitializedCapacity: 15) { Self.writeDotted(v, into: $0.baseAddress!) }
        case let .v6(hi, lo):
            return String(unsafeUninitializedCapacity: 45) { Self.writeIPv6(hi, lo, into: $0.baseAddress!) }
        }
    }

    /// RFC 5952 text of an IPv6 address written at `p` (at most 45 bytes); returns the length.
    /// The longest run of two or more zero groups (the first of equals) becomes "::"; IPv4-mapped
    /// addresses keep a dotted tail (::ffff:a.b.c.d), as Wireshark prints them.
    static func writeIPv6(_ hi: UInt64, _ lo: UInt64, into p: UnsafeMutablePointer<UInt8>) -> Int {
        func group(_ i: Int) -> UInt16 {
            UInt16(truncatingIfNeeded: (i < 4 ? hi : lo) >> (48 - 16 * UInt64(i & 3)))
        }
        if hi == 0 && (lo >> 32) == 0xFFFF {
            for (i, c) in "::ffff:".utf8.enumerated() { p[i] = c }
            return 7 + writeDotted(UInt32(truncatingIfNeeded: lo), into: p + 7)
        }
        var bestStart = -1, bestLen = 0, i = 0
        while i < 8 {
            if group(i) == 0 {
                var j = i
                while j < 8 && group(j) == 0 { j += 1 }
                if j - i > bestLen { bestStart = i; bestLen = j - i }
                i = j
            } else { i += 1 }
        }
        if bestLen < 2 { bestStart = -1 }
        let hex: StaticString = "0123456789abcdef"
        var n = 0
        i = 0
        while i < 8 {
            if i == bestStart {
                p[n] = UInt8(ascii: ":"); p[n + 1] = UInt8(ascii: ":")
                n += 2
                i += bestLen
                continue
            }
            if n > 0 && p[n - 1] != UInt8(ascii: ":") { p[n] = UInt8(ascii: ":"); n += 1 }
            let g = group(i)
            var shift: UInt16 = 12
            while shift > 0 && g >> shift == 0 { shift -= 4 }
            while true {
                p[n] = hex.utf8Start[Int((g >> shift) & 0xF)]
                n += 1
                if shift == 0 { break }
                shift -= 4
            }
            i += 1
        }
        return n
    }

    /// Parses dotted-quad IPv4 or textual IPv6 (with "::" and an optional dotted tail).
    public init?(_ text: String) {
        if !text.contains(":") {
            let parts = text.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 4 else { return nil }
            var v: UInt32 = 0
            for p in parts {
                guard let b = UInt8(p) else { return nil }
                v = v << 8 | UInt32(b)
            }
            self = .v4(v)
            return
        }
        var head: [UInt16] = [], tail: [UInt16] = []
        var halves: [String] = []
        if let r = text.range(of: "::") {
            halves = [String(text[..<r.lowerBound]), String(text[r.upperBound...])]
            guard !halves[1].contains("::") else { return nil }
        } else {
            halves = [text]
        }
        func groups(_ s: String) -> [UInt16]? {
            if s.isEmpty { return [] }
            var out: [UInt16] = []
            for part in s.split(separator: ":", omittingEmptySubsequences: false) {
                if part.contains("."), case let .v4(v)? = IPAddress(String(part)) {
                    out.append(UInt16(v >> 16)); out.append(UInt16(v & 0xFFFF))
                } else {
                    guard part.count <= 4, let g = UInt16(part, radix: 16) else { return nil }
                    out.append(g)
                }
            }
            return out
        }
        guard let h = groups(halves[0]) else { return nil }
        head = h
        if halves.count == 2 {
            guard let t = groups(halves[1]) else { return nil }
            tail = t
            guard head.count + tail.count <= 7 else { return nil }
        } else {
            guard head.count == 8 else { return nil }
        }
        let all = head + [UInt16](repeating: 0, count: 8 - head.count - tail.count) + tail
        var hi: UInt64 = 0, lo: UInt64 = 0
        for i in 0..<4 { hi = hi << 16 | UInt64(all[i]) }
        for i in 4..<8 { lo = lo << 16 | UInt64(all[i]) }
        self = .v6(hi, lo)
    }
}

/// A 48-bit MAC address.
public struct MACAddress: Hashable, Sendable, CustomStringConvertible {
    public var value: UInt64
    public init(_ value: UInt64) { self.value = value }

    public var description: String {
        String(unsafeUninitializedCapacity: 17) { out in
            let hex: StaticString = "0123456789abcdef"
            for i in 0..<6 {
                let b = Int(truncatingIfNeeded: value >> (40 - 8 * UInt64(i))) & 0xFF
                out[3 * i] = hex.utf8Start[b >> 4]
                out[3 * i + 1] = hex.utf8Start[b & 15]
                if i < 5 { out[3 * i + 2] = UInt8(ascii: ":") }
            }
            return 17
        }
    }
}

/// An address and port: one side of a TCP or UDP conversation.
public struct Endpoint: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var address: IPAddress
    public var port: UInt16
    public init(_ address: IPAddress, _ port: UInt16) {
        self.address = address
        self.port = port
    }

    @inlinable
    public static func < (a: Endpoint, b: Endpoint) -> Bool {
        a.address != b.address ? a.address < b.address : a.port < b.port
    }

    /// `10.1.1.1:23`, `[2001:db8::1]:443`.
    public var description: String {
        String(unsafeUninitializedCapacity: 53) { out in
            let base = out.baseAddress!
            var n: Int
            switch address {
            case let .v4(v):
                n = IPAddress.writeDotted(v, into: base)
            case let .v6(hi, lo):
                base[0] = UInt8(ascii: "[")
                n = 1 + IPAddress.writeIPv6(hi, lo, into: base + 1)
                base[n] = UInt8(ascii: "]")
                n += 1
            }
            base[n] = UInt8(ascii: ":")
            n += 1
            return n + IPAddress.writeDecimal(Int(port), into: base + n)
        }
    }
}
