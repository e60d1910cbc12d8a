import Capture
import Flows
import Packets

/// handshake.no-response: SYNs sent (and retried with back-off) with nothing coming back in this
/// trace: no SYN/ACK, no RST, no ICMP error.
struct HandshakeNoResponse: Rule {
    let id = "handshake.no-response"

    func findings(in t: DocumentBuilder.TraceResult, context: RuleContext) -> [Finding] {
        let name = t.entry.name
        // SYNs answered from another address are the NAT story, not silence.
        let answeredElsewhere = Set(t.events.unexpectedSynAcks.map(\.syn.stream))
        let icmpStreams = Set(t.events.icmpErrors.compactMap(\.stream))
        var byServer: [Endpoint: [ConnectionSummary]] = [:]
        for c in t.connections.having(.unanswered) where !answeredElsewhere.contains(c.stream) && !icmpStreams.contains(c.stream) {
            byServer[c.server, default: []].append(c)
        }
        guard !byServer.isEmpty else { return [] }
        // Connections that got an answer, by server address (first one per port and overall).
        let answers = context.serverAnswers(t)
        let answeredByAddress = answers.firstByAddress, answeredByEndpoint = answers.firstByEndpoint
        return byServer.keys.sorted().map { server in
            let conns = byServer[server]!
            let c = conns.max { $0.handshake.synRetransmissions < $1.handshake.synRetransmissions }!
            let tries = c.handshake.synRetransmissions + 1
            let span = c.duration
            let retried = conns.contains { $0.handshake.synRetransmissions > 0 }
            var technical = conns.count == 1
                ? "\(context.name(c.client)) sent its SYN to \(context.name(server)) \(tries) time(s) over \(String(format: "%.3f", span)) s (frames \(c.firstFrame)–\(c.lastFrame))"
                : "\(conns.count) connection attempts to \(context.name(server)); the longest sent its SYN \(tries) time(s) over \(String(format: "%.3f", span)) s (frames \(c.firstFrame)–\(c.lastFrame))"
            if tries > 1 && span >= 0.5 { technical += ", retransmitting with back-off as the client's TCP stack does when nothing answers" }
            technical += ". No SYN/ACK, RST or ICMP error came back in this trace."
            if let stream = answeredByEndpoint[server] {
                technical += " The same server answered other connections to this port (stream \(stream)), so these SYNs were lost or ignored (a full listen backlog, SYN-flood protection, a load balancer)."
            } else if let ok = answeredByAddress[server.address] {
                technical += " The same server did answer on port \(ok.port) (stream \(ok.stream)), so the host is up and the path works: this port's SYNs are dropped (a firewall rule) or ignored."
            }
            // Another vantage point nearer the server: did the SYNs get there?
            for other in context.traces where other.entry.name != t.entry.name {
                let seen = other.connections.heads.contains { $0.client == c.client && $0.server == server }
                technical += seen
                    ? " \(other.entry.name)\(other.entry.vantage.map { " (vantage \($0))" } ?? "") does show these SYNs: they arrive there, so look beyond that point or at the answers' way back."
                    : " \(other.entry.name)\(other.entry.vantage.map { " (vantage \($0))" } ?? "") has no packet of this connection: the SYNs were lost between the two capture points."
            }
            return Finding(
                id: id, severity: retried ? .error : .warning, confidence: retried ? .high : .medium,
                title: "No answer to SYNs for \(server): \(tries) tries over \(String(format: "%.1f", span)) s",
                plain: "\(context.plainName(c.client.address, role: "client")) tried to connect to \(context.plainName(server.address, role: "server")) on port \(server.port) and got no answer at all, not even a refusal. Either the request is lost or blocked on the way (typically a firewall that silently drops it), or the answer is lost on the way back.",
                technical: technical,
                connections: conns.map { Evidence.ref($0, name) },
                evidence: [.init(trace: name, frame: c.firstFrame, text: "first SYN to \(server)", fields: ["tcp.stream": "\(c.stream)", "tcp.flags.syn": "1"]),
                           .init(trace: name, frame: c.lastFrame, text: "last SYN, \(String(format: "%.3f", span)) s later; nothing after it", fields: ["tcp.stream": "\(c.stream)"])],
                displayFilter: Evidence.streamFilter(conns.map(\.stream)),
                nextSteps: [
                    "Capture on \(server.address) (or just before it): if the SYNs do not arrive, find the device that drops them (firewall logs for port \(server.port)).",
                    "If they arrive there, check the server's own firewall and whether its SYN/ACKs leave and are lost on the way back.",
                ],
                wouldDisprove: [
                    "A trace nearer the server showing SYN/ACKs that never reached this capture point (then the loss is on the return path).",
                    "The capture ending right after the SYN (a single SYN with no retries may just be the end of the trace).",
                ])
        }
    }
}
