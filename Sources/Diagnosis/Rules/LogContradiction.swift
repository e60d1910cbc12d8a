import Capture
import Flows
import Foundation
import Logs
import Packets

/// log.contradiction: a firewall log entry and the traces disagree (the log says accept while
/// the connection fails), or a log entry explains the failure (a drop/deny/reject — often for the
/// reply direction, as in seed 004). Quotes the entries with their file and line.
struct LogContradiction: CaseRule {
    let id = "log.contradiction"
    /// How far a log time may be from the connection's start and still be about it.
    static let window: TimeInterval = 300

    static func endpointMatches(_ e: Endpoint?, _ a: IPAddress?, _ p: UInt16?) -> Bool {
        guard let e, let a else { return false }
        return e.address == a && (p == nil || p == e.port)
    }

    func findings(context: RuleContext) -> [Finding] {
        guard !context.logEntries.isEmpty else { return [] }
        var out: [Finding] = []
        var seen = Set<String>()
        var citedLines = Set<String>()
        let failedStates: Set<ConnState> = [.REJ, .S0, .RSTO, .RSTR, .RSTOS0, .RSTRH, .SH, .SHR, .OTH, .S2, .S3]
        let middleboxClosed = Set(context.matches.flatMap { m -> [String] in
            guard let ((ct, c), (st, s)) = context.clientSide(m), c.closedByServer == true, s.closedByServer == false else { return [] }
            return ["\(ct.entry.name)#\(c.stream)", "\(st.entry.name)#\(s.stream)"]
        })
        for t in context.traces {
            for c in t.connections {
                let failed = failedStates.contains(c.state) || middleboxClosed.contains("\(t.entry.name)#\(c.stream)")
                guard failed, !seen.contains("\(c.client)>\(c.server)") else { continue }
                let start = Date(timeIntervalSince1970: c.startTime.secondsSinceEpoch)
                func near(_ e: LogEntry) -> Bool { e.time.map { abs($0.timeIntervalSince(start)) <= Self.window } ?? true }
                // A log entry names the connection by its real or its translated (NAT) addresses.
                func from(_ e: LogEntry, _ ep: Endpoint) -> Bool {
                    Self.endpointMatches(ep, e.sourceAddress, e.sourcePort) || Self.endpointMatches(ep, e.translatedSourceAddress, e.translatedSourcePort)
                }
                func to(_ e: LogEntry, _ ep: Endpoint) -> Bool {
                    Self.endpointMatches(ep, e.destinationAddress, e.destinationPort) || Self.endpointMatches(ep, e.translatedDestinationAddress, e.translatedDestinationPort)
                }
                func forward(_ e: LogEntry) -> Bool { from(e, c.client) && to(e, c.server) }
                func reply(_ e: LogEntry) -> Bool { from(e, c.server) && to(e, c.client) }
                let related = context.logEntries.filter { near($0) && (forward($0) || reply($0)) }
                guard !related.isEmpty else { continue }
                let accepts = related.filter { forward($0) && ($0.action == .accept || $0.action == .built) }
                let blocks = related.filter { [.drop, .deny, .reject].contains($0.action) }
                guard !accepts.isEmpty || !blocks.isEmpty else { continue }
                // One finding per log story: streams Wireshark splits (NAT) cite the same lines.
                let cited = Set((accepts + blocks).map { "\($0.sourceFile):\($0.lineNumber)" })
                guard !cited.isSubset(of: citedLines) else { continue }
                citedLines.formUnion(cited)
                seen.insert("\(c.client)>\(c.server)")
                func quote(_ e: LogEntry) -> String { "\(e.sourceFile) line \(e.lineNumber): \(e.action) \(e.source.map { "\($0)" } ?? e.sourceAddress.map { "\($0)" } ?? "?") → \(e.destination.map { "\($0)" } ?? e.destinationAddress.map { "\($0)" } ?? "?")\(e.reason.map { " (\($0))" } ?? "")" }
                var technical = "Stream \(c.stream) of \(t.entry.name) (\(context.name(c.client)) → \(context.name(c.server))) failed (\(c.state.rawValue) \(c.history)\(middleboxClosed.contains("\(t.entry.name)#\(c.stream)") ? ", closed by a device in between" : ""))."
                if let a = accepts.first {
                    technical += " The firewall log says it was allowed: \(quote(a))."
                }
                // The log's clock against the trace's, from the entries about this connection.
                let deltas = related.compactMap { $0.time?.timeIntervalSince(start) }.sorted()
                if !deltas.isEmpty {
                    let median = deltas[deltas.count / 2]
                    technical += abs(median) < 1
                        ? " The log's time agrees with the trace's within a second."
                        : String(format: " The log's clock reads %.1f s %@ the trace's (median of %d entries).", abs(median), median > 0 ? "ahead of" : "behind", deltas.count)
                }
                if !blocks.isEmpty {
                    technical += " But the log also holds the entry that explains the failure: " + blocks.prefix(3).map(quote).joined(separator: "; ") + "."
                    if blocks.contains(where: reply) { technical += " It is for the reply direction (server → client): the rule that allowed the request did not cover the answer." }
                } else {
                    technical += " No drop or reject for this connection is in the log: look at the device's other logs (IPS, proxy, application control)."
                }
                let evidence = (accepts.prefix(1) + blocks.prefix(3)).map { e in
                    Finding.Evidence(trace: e.sourceFile, frame: e.lineNumber, text: String(e.rawLine.prefix(240)),
                                     fields: ["log.line": "\(e.lineNumber)", "log.action": e.action.description])
                } + (c.closeFrame.map { [Finding.Evidence(trace: t.entry.name, frame: $0, text: "the connection ends here", fields: ["tcp.stream": "\(c.stream)"])] } ?? [])
                out.append(Finding(
                    id: id, severity: .error, confidence: blocks.isEmpty ? .medium : .high,
                    title: blocks.isEmpty ? "The firewall log says \(c.client) → \(c.server) was accepted, but it failed"
                                          : "The firewall log explains the failure of \(c.client) → \(c.server): \(blocks[0].action) \(blocks.contains(where: reply) ? "for the reply direction" : "")",
                    plain: blocks.isEmpty
                        ? "The firewall's log claims this connection was allowed, yet the recordings show it failing. The log alone would mislead: the firewall (or something behind its 'accept') is still the place to look."
                        : "The firewall's log shows the connection being allowed on the way in, and its answer being blocked on the way back. That explains the failure: the firewall rule needs to allow the reply as well (or the feature that blocked it must be changed).",
                    technical: technical,
                    connections: [Evidence.ref(c, t.entry.name)],
                    evidence: evidence,
                    displayFilter: "tcp.port == \(c.client.port) && tcp.port == \(c.server.port)",
                    nextSteps: blocks.isEmpty
                        ? ["Ask the firewall team for all log types (IPS, application control, TLS inspection) for \(c.client) → \(c.server) around \(c.startTime.rfc3339)."]
                        : ["Ask the firewall team about the rule/feature in \(blocks[0].sourceFile) line \(blocks[0].lineNumber)\(blocks[0].ruleName.map { " (\($0))" } ?? blocks[0].rule.map { " (rule \($0))" } ?? "") and why it blocks this traffic."],
                    wouldDisprove: ["The log's clock being more than a few minutes off the traces' (then the entries may be about another connection on the same ports)."]))
            }
        }
        return out
    }
}
