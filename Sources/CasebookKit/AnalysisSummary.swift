import Diagnosis
import Foundation

/// The readable summary `casebook analyze CASE` prints: traces, connections, hosts.
public enum AnalysisSummary {
    public static func render(_ doc: AnalysisDocument) -> String {
        var out = "case \(doc.case.id): \(doc.case.title)\n\n"
        out += findings(doc)
        out += "TRACES\n"
        var rows = [["TRACE", "VANTAGE", "FORMAT", "PACKETS", "CONNECTIONS", "FIRST", "LAST"]]
        for t in doc.traces {
            rows.append([t.name, t.vantage ?? "-", "\(t.format) \(t.linkTypes.joined(separator: "+"))", "\(t.packets)",
                         "\(t.tcpConnections)", t.firstTime ?? "-", t.lastTime ?? "-"])
        }
        out += TextTable.render(rows) + "\n"
        for t in doc.traces where !t.problems.isEmpty {
            for p in t.problems { out += "  problem in \(t.name): \(p)\n" }
        }
        out += vantages(doc)
        let aliases = Dictionary(doc.hosts.compactMap { h in h.alias.map { (h.address, $0) } }, uniquingKeysWith: { a, _ in a })
        func named(_ endpoint: String) -> String {
            let host = endpoint.hasPrefix("[") ? String(endpoint.dropFirst().prefix { $0 != "]" }) : String(endpoint.prefix { $0 != ":" })
            return aliases[host].map { "\(endpoint) (\($0))" } ?? endpoint
        }
        out += "\nCONNECTIONS\n"
        rows = [["TRACE", "STREAM", "CLIENT", "SERVER", "STATE", "HISTORY", "FRAMES", "PACKETS", "BYTES", "DURATION", "HANDSHAKE", "NOTES"]]
        let shown = doc.connections.prefix(200)
        for c in shown {
            var notes: [String] = []
            let rx = c.toServer.retransmissions + c.toClient.retransmissions - c.synRetransmissions
            if c.synRetransmissions > 0 { notes.append("SYN sent \(c.synRetransmissions + 1)×") }
            if rx > 0 { notes.append("\(rx) retransmissions") }
            let zw = c.toServer.zeroWindows + c.toClient.zeroWindows
            if zw > 0 { notes.append("\(zw) zero windows") }
            let ch = c.toServer.challengeAcks + c.toClient.challengeAcks
            if ch > 0 { notes.append("\(ch) challenge ACKs") }
            if let close = c.close { notes.append("\(close.kind.uppercased()) by \(close.by) (frame \(close.frame))") }
            rows.append([c.trace, "\(c.stream)", named(c.client), named(c.server), c.state, c.history,
                         "\(c.firstFrame)-\(c.lastFrame)", "\(c.packets)", "\(c.bytes)", String(format: "%.3fs", c.durationS),
                         c.handshakeRTTms.map { String(format: "%.3fms", $0) } ?? "-", notes.joined(separator: ", ")])
        }
        out += TextTable.render(rows) + "\n"
        if doc.connections.count > shown.count {
            out += "… \(doc.connections.count - shown.count) more connections (use --json)\n"
        }
        out += "\nHOSTS\n"
        rows = [["ADDRESS", "ALIAS", "TRACE", "TTL", "INITIAL", "HOPS", "OTHER TTLS", "IP ID"]]
        for h in doc.hosts {
            for s in h.seen {
                let others = s.ttls.filter { $0.key != "\(s.ttl)" }.sorted { $0.key < $1.key }.map { "\($0.key)×\($0.value)" }
                rows.append([h.address, h.alias ?? "-", s.trace, "\(s.ttl)", "\(s.initialTTL)", "\(s.hops)",
                             others.isEmpty ? "-" : others.joined(separator: " "), s.ipID ?? "-"])
            }
        }
        out += TextTable.render(rows) + "\n"
        return out
    }

    /// Per pair of traces: matched connections, the clocks' offset and what bounded it, the round
    /// trip between the two capture points, and the one-way delays when the clocks are known.
    static func vantages(_ doc: AnalysisDocument) -> String {
        var pairs: [[String]] = []
        for o in doc.clockOffsets { if !pairs.contains([o.traceA, o.traceB]) { pairs.append([o.traceA, o.traceB]) } }
        for d in doc.vantageDelays { if !pairs.contains([d.traceA, d.traceB]) { pairs.append([d.traceA, d.traceB]) } }
        guard !pairs.isEmpty else { return "" }
        func ms(_ v: Double) -> String { String(format: "%.3f ms", v) }
        var rows = [["TRACE A", "TRACE B", "MATCHED", "CLOCK B − A", "FROM", "ROUND TRIP A↔B", "ONE-WAY A→B", "ONE-WAY B→A"]]
        for p in pairs {
            let o = doc.clockOffsets.first { $0.traceA == p[0] && $0.traceB == p[1] }
            let d = doc.vantageDelays.first { $0.traceA == p[0] && $0.traceB == p[1] }
            let matched = doc.matches.filter { $0.traceA == p[0] && $0.traceB == p[1] }.count
            var clock = "-"
            if let o {
                clock = String(format: "%+.3f ms", o.offsetS * 1000) + (o.uncertaintyS.map { " ± " + ms($0 * 1000) } ?? (o.stated == true ? "" : " (one bound)"))
            }
            let from = o.map { $0.stated == true ? "stated" : "\($0.basis ?? "same-segments"), \($0.samples) packets" } ?? "-"
            let unknown = d == nil ? "-" : "unknown"
            rows.append([p[0], p[1], "\(matched)", clock, from, d?.roundTripMs.map(ms) ?? "-",
                         d?.aToB?.oneWayMs.map(ms) ?? unknown, d?.bToA?.oneWayMs.map(ms) ?? unknown])
        }
        return "\nVANTAGE POINTS\n" + TextTable.render(rows) + "\n"
    }

    /// Findings as an analyst's note: what, with which frames, what to do.
    static func findings(_ doc: AnalysisDocument) -> String {
        let order = ["error": 0, "warning": 1, "info": 2]
        let sorted = doc.findings.enumerated().sorted { a, b in
            (order[a.element.severity] ?? 3, a.offset) < (order[b.element.severity] ?? 3, b.offset)
        }.map(\.element)
        guard !sorted.isEmpty else { return "FINDINGS\nNo problem found in the traces.\n\n" }
        var out = "FINDINGS\n"
        for (i, f) in sorted.enumerated() {
            out += "\n\(i + 1). [\(f.severity), \(f.confidence) confidence] \(f.title)\n   id: \(f.id)\n"
            out += wrap(f.technical, indent: "   ") + "\n"
            for e in f.evidence.prefix(6) {
                out += "   - \(e.trace) \(e.fields["log.line"] != nil ? "line" : "frame") \(e.frame): \(e.text)\n"
            }
            out += "   Wireshark: \(f.displayFilter)\n"
            if let step = f.nextSteps.first { out += "   Next: \(step)\n" }
        }
        return out + "\n"
    }

    static func wrap(_ text: String, indent: String, width: Int = 100) -> String {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if line.count + word.count + 1 > width - indent.count && !line.isEmpty {
                lines.append(indent + line)
                line = ""
            }
            line += line.isEmpty ? String(word) : " " + word
        }
        if !line.isEmpty { lines.append(indent + line) }
        return lines.joined(separator: "\n")
    }
}
