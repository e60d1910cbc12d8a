import Foundation

/// Readers for the timestamps firewall logs print: ISO 8601 / RFC 3339 (`journalctl -o
/// short-iso`, Check Point `time=`), BSD syslog (RFC 3164 `Nov 20 09:14:03`) and the Cisco ASA
/// `logging timestamp` form with a year (`Nov 20 2026 09:14:03`).
enum TimestampParsing {
    /// `2026-11-20T09:14:03`, optional `.fraction`, optional `Z` / `±hh:mm` / `±hhmm`; a space may
    /// stand for the `T`. Nil when the text is anything else.
    static func iso8601(_ text: Substring) -> WallClockTime? {
        let b = Array(text.utf8)
        guard b.count >= 19, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
              b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: " "),
              let year = number(b[0..<4]), let month = number(b[5..<7]), let day = number(b[8..<10]),
              let (h, m, s, ns, end) = clock(b[11...]) else { return nil }
        var offset: Int?
        let zone = b[end...]
        if zone.isEmpty {
            offset = nil
        } else if zone.elementsEqual("Z".utf8) || zone.elementsEqual("z".utf8) {
            offset = 0
        } else if let sign = zone.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
            let digits = zone.dropFirst().filter { $0 != UInt8(ascii: ":") }
            guard digits.count == 4, zone.count == 5 || (zone.count == 6 && zone[zone.startIndex + 3] == UInt8(ascii: ":")),
                  let hh = number(digits.prefix(2)), let mm = number(digits.suffix(2)), mm < 60 else { return nil }
            offset = (hh * 3600 + mm * 60) * (sign == UInt8(ascii: "-") ? -1 : 1)
        } else {
            return nil
        }
        return WallClockTime(year: year, month: month, day: day, hour: h, minute: m, second: s,
                             nanosecond: ns, utcOffset: offset)
    }

    /// `HH:MM:SS` with an optional `.fraction`: hour, minute, second, nanoseconds, and the index
    /// after the last byte read.
    static func clock(_ b: ArraySlice<UInt8>) -> (Int, Int, Int, Int, Int)? {
        let i = b.startIndex
        guard b.count >= 8, b[i + 2] == UInt8(ascii: ":"), b[i + 5] == UInt8(ascii: ":"),
              let h = number(b[i..<i + 2]), let m = number(b[i + 3..<i + 5]), let s = number(b[i + 6..<i + 8])
        else { return nil }
        var end = i + 8
        var ns = 0
        if end < b.endIndex, b[end] == UInt8(ascii: ".") || b[end] == UInt8(ascii: ",") {
            let digits = b[(end + 1)...].prefix(while: { (48...57).contains($0) })
            guard !digits.isEmpty else { return nil }
            for (k, d) in digits.enumerated() where k < 9 { ns += Int(d - 48) * pow10[8 - k] }
            end += 1 + digits.count
        }
        return (h, m, s, ns, end)
    }

    private static let pow10 = [1, 10, 100, 1000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000]

    /// A whole `HH:MM:SS[.fraction]` token.
    static func clockToken(_ token: Substring) -> (Int, Int, Int, Int)? {
        let b = Array(token.utf8)
        guard let (h, m, s, ns, end) = clock(b[...]), end == b.count else { return nil }
        return (h, m, s, ns)
    }

    /// Decimal digits only (no sign) as an Int.
    static func number<C: Collection>(_ bytes: C) -> Int? where C.Element == UInt8 {
        guard !bytes.isEmpty, bytes.count <= 18 else { return nil }
        var n = 0
        for c in bytes {
            guard (48...57).contains(c) else { return nil }
            n = n * 10 + Int(c - 48)
        }
        return n
    }

    /// `Mon DD [YYYY] HH:MM:SS[.fff]` at the start of `tokens` (a trailing `:` on the time is
    /// allowed, as the ASA prints it without a device id): the time and how many tokens it used.
    static func syslog(_ tokens: ArraySlice<Substring>) -> (WallClockTime, Int)? {
        guard tokens.count >= 3, let first = tokens.first,
              let month = WallClockTime.monthNames.firstIndex(where: { $0.caseInsensitiveCompare(first) == .orderedSame }),
              let day = number(tokens[tokens.startIndex + 1].utf8) else { return nil }
        var used = 2
        var year: Int?
        let third = tokens[tokens.startIndex + 2]
        if third.count == 4, let y = number(third.utf8) {
            year = y
            used = 3
        }
        guard tokens.count > used else { return nil }
        var clockText = tokens[tokens.startIndex + used]
        if clockText.hasSuffix(":") { clockText = clockText.dropLast() }
        guard let (h, m, s, ns) = clockToken(clockText),
              let time = WallClockTime(year: year, month: month + 1, day: day, hour: h, minute: m, second: s, nanosecond: ns)
        else { return nil }
        return (time, used + 1)
    }

    /// The time and sending host of a syslog header (the text before the message): an optional
    /// `<PRI>`, then BSD or ISO 8601 times and a host name in any order. A relay that prepends its
    /// own header leaves two times; the later one (the device's own clock) wins, and the host is
    /// the last word that is not part of a time.
    static func syslogHeader(_ text: Substring) -> (time: WallClockTime?, host: String?) {
        var body = text
        if body.hasPrefix("<"), let close = body.firstIndex(of: ">"), number(body[body.index(after: body.startIndex)..<close].utf8) != nil {
            body = body[body.index(after: close)...]
        }
        let tokens = body.split(whereSeparator: { $0 == " " || $0 == "\t" })
        var time: WallClockTime?
        var host: String?
        var i = tokens.startIndex
        while i < tokens.endIndex {
            if let (t, used) = syslog(tokens[i...]) {
                time = t
                i += used
                continue
            }
            var token = tokens[i]
            if token.hasSuffix(":") { token = token.dropLast() }
            if let t = iso8601(token) {
                time = t
            } else if !token.isEmpty, token != "-" {
                host = String(token)
            }
            i += 1
        }
        return (time, host)
    }
}
