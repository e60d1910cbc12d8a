import Diagnosis
import Foundation

/// Geometry of a ladder (bounce) diagram for one connection at one vantage point: two lanes,
/// arrows sloped by real time with long gaps compressed and marked, evidence frames highlighted.
/// Computes numbers only; the template places lines and labels.
enum LadderLayout {
    static let width = 760.0
    static let leftX = 150.0
    static let rightX = 610.0
    static let top = 56.0
    static let rowGap = 26.0
    /// Longest drawn silence; longer ones are compressed and labelled.
    static let maxGap = 48.0
    /// Extra room below a row whose analysis tags take a second line.
    static let tagGap = 10.0

    static func layout(_ e: AnalysisDocument.Exchange, evidence: Set<Int>, clientName: String, serverName: String) -> [String: Any] {
        var y = top
        var arrows: [[String: Any]] = []
        var gaps: [[String: Any]] = []
        var previousTime: Double?
        var previousTagged = false
        // One row per packet plus extra space growing with the log of the silence before it.
        for row in e.rows {
            if let p = previousTime {
                let dt = max(0, row.time - p)
                let extra = min(maxGap, dt <= 0 ? 0 : 8 * log10(1 + dt * 1000))
                if dt >= 1 || row.skippedBefore > 0 {
                    let label = (row.skippedBefore > 0 ? "\(row.skippedBefore) packets not drawn, " : "") + (dt >= 1 ? String(format: "%.1f s", dt) : String(format: "%.1f ms", dt * 1000))
                    gaps.append(["y": fmt(y + (rowGap + extra) / 2 - 4), "label": label])
                }
                y += rowGap + extra + (previousTagged ? tagGap : 0)
            }
            previousTime = row.time
            previousTagged = !row.tags.isEmpty
            let from = row.fromClient ? leftX : rightX, to = row.fromClient ? rightX : leftX
            let slope = 10.0
            var label = "#\(row.frame) \(row.flags)"
            label += " seq=\(row.seq)"
            if let a = row.ack { label += " ack=\(a)" }
            if row.length > 0 { label += " len=\(row.length)" }
            label += " ttl=\(row.ttl)"
            let cls = row.flags.contains("RST") ? "rst" : row.flags.contains("SYN") ? "syn" : row.flags.contains("FIN") ? "fin" : row.length > 0 ? "data" : "ack"
            arrows.append([
                "x1": fmt(from), "y1": fmt(y), "x2": fmt(to + (row.fromClient ? -6 : 6)), "y2": fmt(y + slope),
                "tx": fmt((leftX + rightX) / 2), "ty": fmt(y - 3), "label": Clean.text(label),
                "tags": Clean.text(row.tags.joined(separator: " ")), "cls": evidence.contains(row.frame) ? "\(cls) evidence" : cls,
                "time": String(format: "%.6f", row.time), "tyTime": fmt(y + 4), "evidence": evidence.contains(row.frame),
                "head": arrowHead(x: to, y: y + slope, pointingRight: row.fromClient),
            ])
        }
        let height = y + 40
        return [
            "width": fmt(width), "height": fmt(height), "leftX": fmt(leftX), "rightX": fmt(rightX),
            "laneBottom": fmt(height - 10), "clientName": Clean.text(clientName, limit: 60), "serverName": Clean.text(serverName, limit: 60),
            "arrows": arrows, "gaps": gaps, "omitted": e.omitted, "hasOmitted": e.omitted > 0,
            "trace": Clean.text(e.trace), "stream": e.stream,
        ]
    }

    static func arrowHead(x: Double, y: Double, pointingRight: Bool) -> String {
        let d = pointingRight ? -8.0 : 8.0
        return "\(fmt(x)),\(fmt(y)) \(fmt(x + d)),\(fmt(y - 4)) \(fmt(x + d)),\(fmt(y + 4))"
    }

    static func fmt(_ v: Double) -> String { String(format: "%.1f", v) }
}
