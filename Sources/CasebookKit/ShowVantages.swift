import CaseFile
import Capture
import Diagnosis
import Foundation
import Packets

extension Casebook {
    /// `casebook show CASE --trace T --stream N --vantages`: one connection from every vantage point
    /// that saw it (the analysis's matches), interleaved by time corrected with the clock offsets.
    /// Each line starts with the corrected time since the first packet and the trace's name.
    public func showAcrossVantages(case reference: String, trace: String, stream: Int, colour: Bool,
                                   emit: (String) -> Void) throws(CasebookError) {
        let ws = try locate(reference)
        let doc = try analyze(case: reference)
        guard doc.traces.contains(where: { $0.name == trace }) else {
            throw CasebookError("case \(doc.case.id): no trace named \"\(trace)\"")
        }
        // The connection and its partners in other traces, with each trace's shift onto `trace`'s clock.
        var parts: [(trace: String, stream: Int, shift: Double, how: String)] = [(trace, stream, 0, "")]
        for m in doc.matches {
            let partner: (String, Int)?
            if m.traceA == trace && m.streamA == stream { partner = (m.traceB, m.streamB) }
            else if m.traceB == trace && m.streamB == stream { partner = (m.traceA, m.streamA) }
            else { partner = nil }
            guard let (t, s) = partner, !parts.contains(where: { $0.trace == t && $0.stream == s }) else { continue }
            var shift = 0.0
            if let o = doc.clockOffsets.first(where: { $0.traceA == trace && $0.traceB == t }) { shift = -o.offsetS }
            else if let o = doc.clockOffsets.first(where: { $0.traceA == t && $0.traceB == trace }) { shift = o.offsetS }
            parts.append((t, s, shift, m.method))
        }
        var lines: [(time: Double, text: String)] = []
        for part in parts {
            let file = try wrapped { try TraceFile(path: ws.evidenceDirectory.appendingPathComponent(part.trace).path) }
            var formatter = PacketListFormatter(format: file.format, colour: colour)
            var reader = file.makeReader()
            while let frame = reader.next() {
                let (text, s) = formatter.line(for: PacketDecoder.decode(frame))
                guard s == part.stream else { continue }
                lines.append((frame.timestamp.secondsSinceEpoch + part.shift, "\(part.trace) |\(text)"))
            }
        }
        lines.sort { $0.time < $1.time }
        let start = lines.first?.time ?? 0
        for p in parts.dropFirst() {
            emit("# \(p.trace) stream \(p.stream) is the same connection (\(p.how))\(p.shift != 0 ? String(format: ", shifted by %+.6f s", p.shift) : "")")
            let o = doc.clockOffsets.first { Set([$0.traceA, $0.traceB]) == Set([trace, p.trace]) }
            if let o {
                let how = o.stated == true ? "stated by the user" : "bounded by causality from \(o.samples) packets (\(o.basis ?? "same-segments"))"
                emit("#   clock of \(o.traceB) − \(o.traceA): " + String(format: "%+.6f s", o.offsetS) + (o.uncertaintyS.map { String(format: " ± %.6f s", $0) } ?? "") + ", \(how)")
            }
            if let d = doc.vantageDelays.first(where: { Set([$0.traceA, $0.traceB]) == Set([trace, p.trace]) }), let rt = d.roundTripMs {
                var line = "#   round trip \(d.traceA) ↔ \(d.traceB): " + String(format: "%.3f ms", rt)
                if let f = d.aToB?.oneWayMs, let b = d.bToA?.oneWayMs {
                    // Only the numbers go through the format: trace names may hold '%'.
                    line += " (one-way " + String(format: "%.3f", f) + " ms \(d.traceA) → \(d.traceB), " + String(format: "%.3f", b) + " ms back; clocks stated)"
                } else {
                    line += " (one-way delays unknown: the clocks' offset is only estimated)"
                }
                emit(line)
            }
        }
        for l in lines { emit(String(format: "%12.6f  ", l.time - start) + l.text) }
    }
}
