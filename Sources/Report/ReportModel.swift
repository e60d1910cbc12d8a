import Diagnosis
import Foundation

/// Turns the analysis document into the flat, already-formatted values the templates show.
/// Strings are cleaned here; escaping stays on in the templates ({{value}}), so text from traces,
/// logs, notes and aliases can never become markup.
enum ReportModel {
    static func build(_ input: ReportInput) -> [String: Any] {
        let doc = input.document
        let aliases = input.aliases
        func name(_ endpoint: String) -> String {
            let host = endpoint.hasPrefix("[") ? String(endpoint.dropFirst().prefix { $0 != "]" }) : String(endpoint.prefix { $0 != ":" })
            return aliases[host].map { "\(endpoint) (\($0))" } ?? endpoint
        }
        let findings = LadderPlan.ordered(doc.findings)
        let plans = LadderPlan.plan(doc)
        let exchanges = Dictionary(doc.exchanges.map { (LadderPlan.Key(trace: $0.trace, stream: $0.stream), $0) }, uniquingKeysWith: { a, _ in a })
        let drawn = Set(plans.flatMap { $0.diagrams.flatMap(\.members) })
        var entries: [LadderPlan.Key: AnalysisDocument.ConnectionEntry] = [:]
        for c in doc.connections where drawn.contains(LadderPlan.Key(trace: c.trace, stream: c.stream)) { entries[LadderPlan.Key(trace: c.trace, stream: c.stream)] = c }

        let technical: [[String: Any]] = findings.enumerated().map { i, f in
            var evidenceFrames: [String: Set<Int>] = [:]
            for e in f.evidence { evidenceFrames[e.trace, default: []].insert(e.frame) }
            var ladders: [[String: Any]] = [], vantageLadders: [[String: Any]] = []
            for d in plans[i].diagrams {
                let members = d.members.compactMap { k in entries[k].flatMap { c in exchanges[k].map { VantageLadderLayout.Member(entry: c, exchange: $0) } } }
                if Set(members.map(\.entry.trace)).count >= 2,
                   let v = VantageLadderLayout.layout(members, methods: d.methods, doc: doc, evidence: evidenceFrames, aliases: aliases) {
                    vantageLadders.append(v)
                } else if let e = exchanges[d.members[0]] {
                    ladders.append(LadderLayout.layout(e, evidence: evidenceFrames[e.trace] ?? [], clientName: name(e.client), serverName: name(e.server)))
                }
            }
            let notDrawn = plans[i].notDrawn
            return [
                "number": i + 1, "anchor": "finding-\(i + 1)", "id": f.id, "severity": f.severity, "confidence": f.confidence,
                "title": Clean.text(f.title), "plain": Clean.text(f.plain), "technical": Clean.text(f.technical),
                "filter": Clean.text(f.displayFilter),
                "evidence": f.evidence.map { e in [
                    "trace": Clean.text(e.trace), "where": e.fields["log.line"] != nil ? "line \(e.frame)" : "frame \(e.frame)",
                    "text": Clean.text(e.text, limit: 400),
                    "fields": Clean.text(e.fields.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "  "), limit: 400),
                ] as [String: Any] },
                "nextSteps": f.nextSteps.map { Clean.text($0) }, "disprove": f.wouldDisprove.map { Clean.text($0) },
                "ladders": ladders, "hasLadders": !ladders.isEmpty, "vantageLadders": vantageLadders,
                "notDrawn": notDrawn, "hasNotDrawn": notDrawn > 0,
                "notDrawnNote": plans[i].diagrams.isEmpty
                    ? "The \(notDrawn) connection(s) this finding cites are not drawn: the report draws at most \(LadderPlan.perReport) diagrams, for the findings above. The display filter shows them."
                    : "\(notDrawn) more connection(s) this finding cites are not drawn (at most \(LadderPlan.perFinding) diagrams per finding); the display filter shows them all.",
            ]
        }
        // The meeting hears about the problems that explain failures; warnings only when there is no error.
        let errorsOnly = findings.filter { $0.severity == "error" }
        let forMeeting = errorsOnly.isEmpty ? findings.filter { $0.severity == "warning" } : errorsOnly
        let executive: [[String: Any]] = forMeeting.prefix(8).enumerated().map { i, f in
            [
                "number": i + 1, "title": Clean.text(f.title), "plain": Clean.text(f.plain),
                "who": Clean.text(f.nextSteps.first ?? ""), "severity": f.severity,
                "picture": ExecutivePicture.model(for: f, name: name),
            ]
        }
        let connections: [[String: Any]] = doc.connections.prefix(ReportInput.listedConnections).map { c in [
            "trace": Clean.text(c.trace), "stream": c.stream, "client": Clean.text(name(c.client)), "server": Clean.text(name(c.server)),
            "state": c.state, "history": c.history, "frames": "\(c.firstFrame)–\(c.lastFrame)", "packets": c.packets, "bytes": c.bytes,
            "duration": String(format: "%.3f s", c.durationS), "rtt": c.handshakeRTTms.map { String(format: "%.3f ms", $0) } ?? "–",
        ] as [String: Any] }
        let hosts: [[String: Any]] = doc.hosts.prefix(300).flatMap { h in h.seen.map { s in [
            "address": h.address, "alias": Clean.text(h.alias ?? "–"), "trace": Clean.text(s.trace), "ttl": s.ttl,
            "initial": s.initialTTL, "hops": s.hops,
            "others": s.ttls.filter { $0.key != "\(s.ttl)" }.sorted { $0.key < $1.key }.map { "\($0.key)×\($0.value)" }.joined(separator: " "),
            "ipid": s.ipID ?? "–",
        ] as [String: Any] } }
        let traces: [[String: Any]] = doc.traces.map { t in [
            "name": Clean.text(t.name), "vantage": Clean.text(t.vantage ?? "–"), "format": t.format,
            "links": t.linkTypes.joined(separator: ", "), "packets": t.packets, "first": t.firstTime ?? "–", "last": t.lastTime ?? "–",
            "sha256": t.sha256, "problems": t.problems.map { Clean.text($0) }, "connections": t.tcpConnections,
        ] as [String: Any] }
        let attachments: [[String: Any]] = input.attachments.map { a in [
            "name": Clean.text(a.name), "kind": a.kind, "vantage": Clean.text(a.vantage ?? "–"), "sha256": a.sha256, "size": a.size,
        ] as [String: Any] }
        let notes: [[String: Any]] = input.notes.map { n in [
            "time": Clean.text(n.time), "blocks": NoteMarkdown.nodes(Clean.text(n.text, limit: 20_000)),
        ] as [String: Any] }
        let errors = findings.filter { $0.severity == "error" }.count
        let timeline = TimelineLayout.layout(
            doc, logs: input.logEvents.map { .init(time: $0.time, label: $0.text) },
            notes: input.notes.compactMap { n in TimelineLayout.seconds(n.time).map { .init(time: $0, label: n.text) } })
        return [
            "caseID": Clean.text(doc.case.id), "title": Clean.text(doc.case.title), "generated": input.generatedAt,
            "version": doc.casebookVersion,
            "showExecutive": input.audience != .technical, "showTechnical": input.audience != .executive,
            "summary": errors == 0 ? "casebook found no error in the evidence." : "casebook found \(errors) problem(s) that explain failures, and \(findings.count - errors) other observation(s).",
            "executive": executive, "hasExecutive": !executive.isEmpty,
            "findings": technical, "hasFindings": !technical.isEmpty,
            "connections": connections, "moreConnections": max(0, input.connectionCount - connections.count),
            "hasMoreConnections": input.connectionCount > connections.count,
            "hosts": hosts, "moreHosts": max(0, doc.hosts.count - 300), "hasMoreHosts": doc.hosts.count > 300, "traces": traces, "attachments": attachments, "notes": notes, "hasNotes": !notes.isEmpty,
            "timeline": timeline ?? [:], "hasTimeline": timeline != nil,
        ]
    }
}
