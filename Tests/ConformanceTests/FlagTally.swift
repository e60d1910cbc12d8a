import Flows
import Foundation

/// Per-flag agreement between casebook's segment analysis and tshark's `tcp.analysis.*` fields.
struct FlagTally {
    struct Count { var frames = 0; var agree = 0; var ours = 0; var theirs = 0; var both = 0 }
    var counts: [String: Count] = [:]
    var disagreements: [String] = []

    mutating func compare(_ a: SegmentAnalysis, _ row: [Substring], _ b: TsharkBaseline, capture: String, frame: Int) {
        for (flag, field) in AnalysisFlags.fieldNames {
            var ours = a.flags.contains(flag)
            // tshark sets tcp.analysis.retransmission for fast and spurious retransmissions too.
            if flag == .retransmission { ours = a.flags.isAnyRetransmission }
            let theirField = flag == .duplicateAck ? "tcp.analysis.duplicate_ack_num" : field
            let theirs = !b.first(row, theirField).isEmpty
            var c = counts[field, default: Count()]
            c.frames += 1
            if ours == theirs { c.agree += 1 } else {
                disagreements.append("\(field)\t\(capture) frame \(frame): casebook \(ours ? "sets" : "does not set") it, tshark \(theirs ? "does" : "does not")")
            }
            if ours { c.ours += 1 }
            if theirs { c.theirs += 1 }
            if ours && theirs { c.both += 1 }
            counts[field] = c
        }
        if a.flags.contains(.duplicateAck), !b.first(row, "tcp.analysis.duplicate_ack_num").isEmpty {
            var c = counts["tcp.analysis.duplicate_ack_num (value)", default: Count()]
            c.frames += 1
            let theirs = "\(b.first(row, "tcp.analysis.duplicate_ack_frame"))#\(b.first(row, "tcp.analysis.duplicate_ack_num"))"
            let ours = "\(a.dupAckFrame)#\(a.dupAckNumber)"
            if ours == theirs { c.agree += 1 } else { disagreements.append("dup ack number\t\(capture) frame \(frame): casebook \(ours), tshark \(theirs)") }
            counts["tcp.analysis.duplicate_ack_num (value)"] = c
        }
    }

    /// Per-frame agreement, the table, and every disagreement.
    func report() -> (summary: String, details: String, agreement: [(String, Double)]) {
        var lines = ["| flag | frames | agree | per-frame agreement | tshark sets | casebook sets | both |", "|---|---|---|---|---|---|---|"]
        var agreement: [(String, Double)] = []
        for name in counts.keys.sorted() {
            let c = counts[name]!
            let pct = c.frames == 0 ? 100 : Double(c.agree) * 100 / Double(c.frames)
            agreement.append((name, pct))
            lines.append("| \(name) | \(c.frames) | \(c.agree) | \(String(format: "%.3f", pct))% | \(c.theirs) | \(c.ours) | \(c.both) |")
        }
        let worst = agreement.min { $0.1 < $1.1 }
        let summary = "analysis flags: \(counts.count) fields, lowest per-frame agreement \(worst.map { "\($0.0) \(String(format: "%.3f", $0.1))%" } ?? "-"), \(disagreements.count) disagreements"
        return (summary, lines.joined(separator: "\n") + "\n" + disagreements.map { "FLAG\t" + $0 }.joined(separator: "\n") + "\n", agreement)
    }
}
