import Diagnosis
import Foundation

/// Geometry of the annotated timeline: every trace's connections as bars on its own row, log
/// entries and notes as markers on theirs, findings flagged where their connection starts; one
/// shared time axis in UTC.
enum TimelineLayout {
    struct Event { var time: Double; var label: String }

    static let width = 1000.0
    static let left = 150.0
    static let right = 930.0

    /// Seconds since the epoch from casebook's RFC 3339 strings (fraction optional).
    static func seconds(_ s: String) -> Double? {
        fastSeconds(s) ?? parsedSeconds(s)
    }

    /// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` read by hand: a formatter per call costs more
    /// than the rest of the timeline for thousands of connections.
    static func fastSeconds(_ s: String) -> Double? {
        let u = Array(s.utf8)
        guard u.count >= 20, u[4] == 45, u[7] == 45, u[10] == 84 || u[10] == 116, u[13] == 58, u[16] == 58 else { return nil }
        func number(_ from: Int, _ count: Int) -> Int? {
            var v = 0
            for i in from..<(from + count) { guard u[i] >= 48, u[i] <= 57 else { return nil }; v = v * 10 + Int(u[i] - 48) }
            return v
        }
        guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2), let hour = number(11, 2),
              let minute = number(14, 2), let second = number(17, 2), (1...12).contains(month), (1...31).contains(day) else { return nil }
        var i = 19, fraction = 0.0
        if u[i] == 46 {
            var scale = 0.1
            i += 1
            while i < u.count, u[i] >= 48, u[i] <= 57 { fraction += Double(u[i] - 48) * scale; scale /= 10; i += 1 }
        }
        guard i < u.count else { return nil }
        var zone = 0
        if u[i] == 90 || u[i] == 122 { guard i + 1 == u.count else { return nil } } else {
            guard u[i] == 43 || u[i] == 45, i + 6 == u.count, u[i + 3] == 58, let h = number(i + 1, 2), let m = number(i + 4, 2) else { return nil }
            zone = (u[i] == 43 ? 1 : -1) * (h * 3600 + m * 60)
        }
        // Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's days_from_civil).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let days = era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468
        return Double(days * 86400 + hour * 3600 + minute * 60 + second - zone) + fraction
    }

    static func parsedSeconds(_ s: String) -> Double? {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        let main = s.count >= 19 ? String(s.prefix(19)) + (s.hasSuffix("Z") ? "Z" : String(s.suffix(6))) : s
        guard let d = f.date(from: main) ?? f.date(from: s) else { return nil }
        var fraction = 0.0
        if let dot = s.firstIndex(of: "."), s.distance(from: s.startIndex, to: dot) == 19 {
            let digits = s[s.index(after: dot)...].prefix { $0.isNumber }
            fraction = Double("0." + digits) ?? 0
        }
        return d.timeIntervalSince1970 + fraction
    }

    static func layout(_ doc: AnalysisDocument, logs: [Event], notes: [Event]) -> [String: Any]? {
        var times: [Double] = []
        for t in doc.traces { for s in [t.firstTime, t.lastTime].compactMap({ $0 }) { if let v = seconds(s) { times.append(v) } } }
        times += logs.map(\.time) + notes.map(\.time)
        guard let lo = times.min(), let hi = times.max() else { return nil }
        let span = max(hi - lo, 0.001)
        func x(_ t: Double) -> String { String(format: "%.1f", left + (t - lo) / span * (right - left)) }
        var rows: [[String: Any]] = []
        var y = 12.0
        let flagged = Set(doc.findings.filter { $0.severity == "error" }.flatMap { $0.connections.map { "\($0.trace)#\($0.stream)" } })
        for t in doc.traces {
            let conns = doc.connections.filter { $0.trace == t.name }.prefix(ReportInput.timelineConnectionsPerTrace)
            let bars: [[String: Any]] = conns.compactMap { c in
                guard let s = seconds(c.startTime) else { return nil }
                let x1 = left + (s - lo) / span * (right - left)
                let w = max(2, c.durationS / span * (right - left))
                let bad = flagged.contains("\(c.trace)#\(c.stream)")
                return ["x": String(format: "%.1f", x1), "w": String(format: "%.1f", w), "cls": bad ? "bar bad" : (c.state == "SF" || c.state == "S1" ? "bar ok" : "bar odd"),
                        "title": Clean.text("stream \(c.stream) \(c.client) → \(c.server) \(c.state)")]
            }
            rows.append(["y": String(format: "%.1f", y), "labelY": String(format: "%.1f", y + 12), "label": Clean.text(t.name + (t.vantage.map { " (\($0))" } ?? ""), limit: 40), "bars": bars])
            y += 30
        }
        func markers(_ events: [Event], _ cls: String) -> [[String: Any]] {
            events.prefix(200).map { ["x": x($0.time), "cls": cls, "title": Clean.text($0.label, limit: 200)] }
        }
        let logY = y, noteY = y + 30
        let ticks: [[String: Any]] = (0...4).map { i in
            let t = lo + span * Double(i) / 4
            let d = Date(timeIntervalSince1970: t)
            let f = DateFormatter()
            f.timeZone = TimeZone(identifier: "UTC")
            f.dateFormat = span < 10 ? "HH:mm:ss.SSS" : "HH:mm:ss"
            return ["x": x(t), "label": f.string(from: d)]
        }
        return [
            "width": String(format: "%.0f", width), "height": String(format: "%.0f", noteY + 66), "rows": rows,
            "logY": String(format: "%.1f", logY), "logLabelY": String(format: "%.1f", logY + 12), "logs": markers(logs, "marker log"), "hasLogs": !logs.isEmpty,
            "noteY": String(format: "%.1f", noteY), "noteLabelY": String(format: "%.1f", noteY + 12), "notes": markers(notes, "marker note"), "hasNotes": !notes.isEmpty,
            "axisY": String(format: "%.1f", noteY + 30), "tickY": String(format: "%.1f", noteY + 44), "ticks": ticks,
            "left": String(format: "%.0f", left), "right": String(format: "%.0f", right),
            "span": span < 1 ? String(format: "%.1f ms", span * 1000) : String(format: "%.1f s", span),
        ]
    }
}
