import Foundation

/// A date and time as written on a log line. BSD syslog (RFC 3164) and the Cisco ASA
/// `logging timestamp` print local wall-clock time without a zone, and kern.log lines have no
/// year either; ISO 8601 / RFC 3339 times (`2026-11-20T09:14:03+01:00`) carry their offset.
public struct WallClockTime: Sendable, Hashable, CustomStringConvertible {
    /// Nil when the line has no year (BSD syslog `Nov 20 09:14:03`).
    public var year: Int?
    public var month: Int
    public var day: Int
    public var hour: Int
    public var minute: Int
    public var second: Int
    public var nanosecond: Int
    /// Offset from UTC written on the line, in seconds (`Z` = 0); nil when the line has no zone.
    public var utcOffset: Int?

    /// Nil when a component is out of range (month 13, 31 November, 24:00:00 …).
    public init?(year: Int?, month: Int, day: Int, hour: Int, minute: Int, second: Int,
                 nanosecond: Int = 0, utcOffset: Int? = nil) {
        guard (1...12).contains(month), (0...23).contains(hour), (0...59).contains(minute),
              (0...60).contains(second), (0..<1_000_000_000).contains(nanosecond),
              day >= 1, day <= WallClockTime.daysIn(month: month, year: year),
              abs(utcOffset ?? 0) < 24 * 3600 else { return nil }
        if let year, !(1...9999).contains(year) { return nil }
        self.year = year; self.month = month; self.day = day
        self.hour = hour; self.minute = minute; self.second = second
        self.nanosecond = nanosecond; self.utcOffset = utcOffset
    }

    /// The UTC wall clock of `seconds` since 1970-01-01T00:00:00Z (Check Point epoch `time`).
    public init?(epochSeconds seconds: Int64) {
        guard (-62_135_596_800...253_402_300_799).contains(seconds) else { return nil }
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secs = Int(seconds - days * 86_400)
        let (y, m, d) = WallClockTime.civil(fromDays: days)
        self.init(year: y, month: m, day: d, hour: secs / 3600, minute: secs / 60 % 60,
                  second: secs % 60, utcOffset: 0)
    }

    /// The instant, when the line gave both a year and a zone.
    public var absoluteDate: Date? {
        guard let year, let utcOffset else { return nil }
        let days = WallClockTime.days(fromYear: year, month: month, day: day)
        let local = days * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        return Date(timeIntervalSince1970: TimeInterval(local - Int64(utcOffset)) + TimeInterval(nanosecond) / 1e9)
    }

    /// The instant this wall-clock time names in `timeZone` (the line's own offset wins when it
    /// has one). `fallbackYear` stands in for a missing year; nil when the year is still unknown
    /// or the local time does not exist in that zone.
    public func date(in timeZone: TimeZone, fallbackYear: Int? = nil) -> Date? {
        if let absoluteDate { return absoluteDate }
        guard let y = year ?? fallbackYear else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = utcOffset.flatMap { TimeZone(secondsFromGMT: $0) } ?? timeZone
        let parts = DateComponents(year: y, month: month, day: day, hour: hour, minute: minute,
                                   second: second, nanosecond: nanosecond)
        guard let date = calendar.date(from: parts),
              calendar.component(.day, from: date) == day, calendar.component(.hour, from: date) == hour else { return nil }
        return date
    }

    /// `2026-11-20 09:14:03`, `Nov 20 09:14:03` without a year, then `+01:00` / `Z` when zoned.
    public var description: String {
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let time = "\(two(hour)):\(two(minute)):\(two(second))"
        var out: String
        if let year {
            out = "\(year)-\(two(month))-\(two(day)) \(time)"
        } else {
            out = "\(WallClockTime.monthNames[month - 1]) \(two(day)) \(time)"
        }
        if let utcOffset {
            let m = abs(utcOffset) / 60
            out += utcOffset == 0 ? "Z" : "\(utcOffset < 0 ? "-" : "+")\(two(m / 60)):\(two(m % 60))"
        }
        return out
    }

    static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    static func daysIn(month: Int, year: Int?) -> Int {
        switch month {
        case 2:
            // Without a year, 29 February is allowed (it exists in some year).
            guard let y = year else { return 29 }
            return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant, "chrono-Compatible
    /// Low-Level Date Algorithms", days_from_civil).
    static func days(fromYear year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = Int64((month + 9) % 12)
        let doy = (153 * mp + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The inverse of `days(fromYear:month:day:)` (civil_from_days).
    static func civil(fromDays days: Int64) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = Int(doy - (153 * mp + 2) / 5 + 1)
        let m = Int(mp < 10 ? mp + 3 : mp - 9)
        return (Int(yoe + era * 400) + (m <= 2 ? 1 : 0), m, d)
    }
}
