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
            let conns = doc.connections.filter { $0.trace == t.name }.prefix(400)
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
