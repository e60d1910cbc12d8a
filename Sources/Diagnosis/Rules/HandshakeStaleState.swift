import Capture
import Flows
import Packets

/// handshake.stale-state: a SYN answered by a plain ACK whose ack number is not the SYN's ISN + 1
/// (a challenge ACK, RFC 5961 §4): the answering side still holds an older connection on the same
/// ports. Names that connection when the trace has it, and says whether the client recovered.
struct HandshakeStaleState: Rule {
    let id = "handshake.stale-state"

    func findings(in t: DocumentBuilder.TraceResult, context: RuleContext) -> [Finding] {
        let name = t.entry.name
        var byStream: [Int: [SegmentRecord]] = [:]
        for r in t.events.challengeAcks { byStream[r.stream, default: []].append(r) }
        return byStream.keys.sorted().compactMap { stream in
            guard let c = t.connection(stream: stream) else { return nil }
            let acks = byStream[stream]!
            let first = acks[0]
            let synFrame = c.handshake.synFrame
            // The older connection on the same endpoints.
            let olderIndex = t.connections.indices.last { i in
                let h = t.connections.head(i)
                return h.stream < stream && Set([h.client, h.server]) == Set([c.client, c.server])
            }
            let older = olderIndex.map { t.connections[$0] }
            let recovered = c.handshake.synAckFrame != nil
            var technical = "SYN from \(context.name(c.client)) to \(context.name(c.server))"
            if let f = synFrame { technical += " (frame \(f), ISN \(c.toServer.isn ?? 0))" }
            technical += " was answered by a plain ACK (frame \(first.frame)) with ack \(first.ack), not ISN + 1 = \((c.toServer.isn ?? 0) &+ 1): the answering side still has state for an older connection on these ports and acknowledges that connection's numbers (a challenge ACK). It happened \(acks.count) time(s)."
            var evidence: [Finding.Evidence] = []
            if let f = synFrame { evidence.append(.init(trace: name, frame: f, text: "new SYN, ISN \(c.toServer.isn ?? 0)", fields: ["tcp.stream": "\(stream)", "tcp.seq_raw": "\(c.toServer.isn ?? 0)"])) }
            evidence += acks.prefix(3).map { Evidence.segment($0, trace: name, "plain ACK with the old connection's numbers (ack \($0.ack))") }
            if let o = older {
                let idle = Timestamp.interval(from: o.endTime, to: c.startTime)
                technical += " The older connection is stream \(o.stream) (frames \(o.firstFrame)–\(o.lastFrame), \(o.state.rawValue) \(o.history)); its last packet is frame \(o.lastFrame)"
                if o.closeFrame == nil { technical += ", it never closed (no FIN or RST)" } else { technical += ", closed with \(o.closeKind?.rawValue.uppercased() ?? "") at frame \(o.closeFrame!)" }
                technical += ", and it was idle \(String(format: "%.3f", idle)) s before the new SYN."
                evidence.append(.init(trace: name, frame: o.lastFrame, text: "last packet of the older connection on the same ports (stream \(o.stream))", fields: ["tcp.stream": "\(o.stream)"]))
            } else {
                technical += " The older connection is not in this trace; look in earlier traces or flow records."
            }
            if recovered {
                technical += c.toServer.rstFrame != nil
                    ? " The client answered with RST (frame \(c.toServer.rstFrame!)), and the next SYN got a proper SYN/ACK (frame \(c.handshake.synAckFrame!)): recovered."
                    : " A later SYN got a proper SYN/ACK (frame \(c.handshake.synAckFrame!)): recovered."
                if let rst = c.toServer.rstFrame { evidence.append(.init(trace: name, frame: rst, text: "client RST answering the challenge ACK", fields: ["tcp.stream": "\(stream)"])) }
            } else {
                technical += " No SYN/ACK followed: every retry met the same stale state (stuck)."
                let lost = context.lostBetween(trace: name, stream: stream).filter { $0.trace == name }
                if !lost.isEmpty {
                    technical += " The client's answers (frames \(lost.map { String($0.frame) }.joined(separator: ", "))) never reached the other capture point: a device in between drops them, so the stale state is never cleared."
                    evidence += lost.prefix(3).map { .init(trace: $0.trace, frame: $0.frame, text: "client RST that never reached the other vantage point", fields: ["tcp.stream": "\(stream)"]) }
                }
            }
            return Finding(
                id: id, severity: recovered ? .warning : .error, confidence: .high,
                title: recovered ? "Stale connection state on \(c.server) answered the SYN; cleared by the client's RST"
                                 : "Stale connection state on \(c.server) blocks new connections from port \(c.client.port)",
                plain: (older?.closeFrame == nil ? "An earlier connection from the same client port was never properly closed. " : "An earlier connection from the same client port left state behind. ") + "The server side (or a firewall in between) still remembers it, so when the client reuses that port, the reply belongs to the old connection and the new one cannot start." + (recovered ? " Here the client cleared it after one attempt." : " Every retry fails the same way until that old state times out."),
                technical: technical,
                connections: [Evidence.ref(c, name)] + (older.map { [Evidence.ref($0, name)] } ?? []),
                evidence: evidence,
                displayFilter: "tcp.port == \(c.client.port) && ip.addr == \(c.server.address)",
                nextSteps: [
                    "Find who holds the old connection: capture on both sides of any stateful firewall/NAT; the side that sends the plain ACK holds it (compare its TTL with the server's).",
                    "Check idle timers: a firewall that drops idle state earlier than the hosts (or hosts that never close) leaves half-open connections.",
                    "Ask why the older connection ended without FIN or RST (client crash, link loss) and whether the client reuses fixed source ports (e.g. LPD 721–731).",
                ],
                wouldDisprove: [
                    "The plain ACK's ack number equal to the new SYN's ISN + 1 (then it is a normal, if odd, answer).",
                    "A server-side trace showing a SYN/ACK leaving the server (then a device in between answered).",
                ])
        }
    }
}
