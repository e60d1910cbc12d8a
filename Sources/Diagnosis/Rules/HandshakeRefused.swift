import Capture
import Flows
import Packets

/// handshake.refused: the SYN was answered by RST/ACK from the server itself (its TTL and hop
/// count match the server's other packets, ack = ISN + 1; its delay is reported next to the path's): nothing
/// accepts connections on that port. A RST whose TTL gives it away as forged is left to
/// rst.injected-by-middlebox.
struct HandshakeRefused: Rule {
    let id = "handshake.refused"

    func findings(in t: DocumentBuilder.TraceResult, context: RuleContext) -> [Finding] {
        let name = t.entry.name
        var byServer: [Endpoint: [(ConnectionSummary, SegmentRecord)]] = [:]
        let genuineTTLs = RSTInjectedByMiddlebox.genuineTTLs(in: t)
        let resetsByFrame = Dictionary(t.events.resets.map { ($0.frame, $0) }, uniquingKeysWith: { a, _ in a })
        for c in t.connections.having(.refused) {
            guard let rstFrame = c.toClient.rstFrame,
                  let rst = resetsByFrame[rstFrame], rst.flags.contains(.ack),
                  let isn = c.toServer.isn, rst.ack == isn &+ 1 else { continue }
            if let g = genuineTTLs[rst.source.address], g.count >= 2,
               RSTInjectedByMiddlebox.inconsistent(rst, genuine: g.ttl) { continue }
            byServer[c.server, default: []].append((c, rst))
        }
        guard !byServer.isEmpty else { return [] }
        let bestRTT = context.serverAnswers(t).fastestSynAck
        return byServer.keys.sorted().map { server in
            let items = byServer[server]!
            let (c, rst) = items[0]
            let genuine = genuineTTLs[server.address]
            let delay = c.handshake.synTime.map { Timestamp.interval(from: $0, to: rst.time) } ?? 0
            var checks = "The RST/ACK has TTL \(rst.ttl) (initial \(HostObservation.initialTTL(for: rst.ttl)), \(Evidence.hops(HostObservation.initialTTL(for: rst.ttl) - Int(rst.ttl))))"
            let confidence: Finding.Confidence
            if let g = genuine, g.count >= 2 {
                checks += ", the same as the server's \(g.count) other packets (TTL \(g.ttl)), so the server's own stack sent it"
                confidence = .high
            } else {
                checks += "; the trace has no other packets from \(server.address) to compare it with"
                confidence = .medium
            }
            checks += ". It came \(Evidence.ms(delay)) after the first SYN"
            if let best = bestRTT[server.address] { checks += " (a SYN/ACK from the same server takes \(Evidence.ms(best)))" }
            checks += "."
            var evidence: [Finding.Evidence] = []
            if let f = c.handshake.synFrame {
                evidence.append(.init(trace: name, frame: f, text: "SYN from \(context.name(c.client)) to \(context.name(server))", fields: ["tcp.stream": "\(c.stream)", "tcp.dstport": "\(server.port)", "tcp.flags.syn": "1"]))
            }
            evidence.append(Evidence.segment(rst, trace: name, "RST/ACK from \(server.address), ack = SYN's ISN + 1"))
            var text = "SYN from \(context.name(c.client)) to \(context.name(server)) (frame \(c.handshake.synFrame ?? 0)) was answered by RST/ACK (frame \(rst.frame)). \(checks)"
            if items.count > 1 { text += " \(items.count) attempts to this port were refused the same way." }
            return Finding(
                id: id, severity: .error, confidence: confidence,
                title: "\(server) refused the connection: nothing accepts connections on port \(server.port)",
                plain: "\(context.plainName(server.address, role: "server")) is reachable, but it answered the connection request with an immediate 'no': no program is accepting connections on port \(server.port) (or the server's own firewall rejects them). The network delivered the request; the problem is on the server (service stopped, wrong port, bound to another address, or a local reject rule).",
                technical: text,
                connections: items.map { Evidence.ref($0.0, name) },
                evidence: evidence,
                displayFilter: Evidence.streamFilter(items.map { $0.0.stream }),
                nextSteps: [
                    "On \(server.address): check that the service is running and listening on port \(server.port) (`ss -ltnp`, `netstat -ano`).",
                    "Check that it listens on the right address (not only 127.0.0.1) and that the client uses the right port.",
                    "If a service does listen: look for a host firewall rule rejecting with TCP reset, or a load balancer on that address with no healthy backend.",
                ],
                wouldDisprove: [
                    "A trace on \(server.address) without this SYN or RST (then a device in between answered).",
                    "The service listening on \(server.port) at \(c.startTime.rfc3339).",
                ])
        }
    }
}
