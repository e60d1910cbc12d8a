import Capture
import Correlation
import Flows
import Packets

/// close.by-middlebox: each side's trace says the other side closed (or reset) first, or a FIN/RST
/// follows the peer's last packet faster than the path's round trip allows: a device between the
/// vantage points closed the connection (seed 004: a FIN 0.27 ms after the Server Hello from a
/// client 3.6 ms away).
struct CloseByMiddlebox: CaseRule {
    let id = "close.by-middlebox"

    func findings(context: RuleContext) -> [Finding] {
        context.matches.enumerated().compactMap { i, m in
            guard let ((ct, c), (st, s)) = context.clientSide(m), c.closedByServer == true, let cf = c.closeFrame else { return nil }
            // Compared packet by packet: closes with no origin at the other capture point.
            let created = context.diffs[i]?.createdBetween ?? []
            let clientSideCreated = created.contains { $0.trace == ct.entry.name && $0.frame == cf }
            let serverSawClientClose = s.closedByServer == false && s.closeFrame != nil
            guard serverSawClientClose || clientSideCreated else { return nil }
            let sf = serverSawClientClose ? s.closeFrame : nil
            let serverSideCreated = sf.map { f in created.contains { $0.trace == st.entry.name && $0.frame == f } } ?? false
            let kind = c.closeKind?.rawValue.uppercased() ?? "close"
            // Timing at the server side: the "client's" close right after the server's last data.
            var timing = ""
            var fast = false
            if sf != nil, let closeT = s.closeTime, let lastData = s.lastDataTime, let rtt = c.handshake.rtt {
                let gap = Timestamp.interval(from: lastData, to: closeT)
                timing = " At the server side the \"client's\" \(s.closeKind?.rawValue.uppercased() ?? "close") comes \(Evidence.ms(gap)) after the server's last data (frame \(s.application.lastServerDataFrame ?? s.lastFrame)), but the client is \(Evidence.ms(rtt)) away (handshake RTT at the client side): it cannot be the client's answer."
                fast = gap < rtt / 2
            }
            var origin = ""
            if clientSideCreated {
                origin = " Compared packet by packet, the \(kind) in \(ct.entry.name) (frame \(cf)) has no origin in \(st.entry.name): the server sent no \(kind) at that point of the stream\(s.toClient.finFrame.map { " (its own FIN, frame \($0), comes at another stream position)" } ?? ""), so it was created between the capture points"
                origin += serverSideCreated ? "; nor has the client's \(s.closeKind?.rawValue.uppercased() ?? "close") in \(st.entry.name) (frame \(sf!)) an origin in \(ct.entry.name)." : "."
                let withheld = (context.diffs[i]?.lostBetween ?? []).filter { $0.trace == st.entry.name }.map(\.frame)
                if !withheld.isEmpty {
                    origin += " The server's data in \(st.entry.name) (frame\(withheld.count == 1 ? "" : "s") \(withheld.map(String.init).joined(separator: ", "))) never reached the client side."
                }
            }
            var position = ""
            if let ttl = s.handshake.synTTL {
                let hops = HostObservation.initialTTL(for: ttl) - Int(ttl)
                position = hops == 0 ? " The SYN reached the server with TTL \(ttl) (no router between): the device sits on the server's segment." : " The SYN reached the server \(Evidence.hops(hops)) from its sender."
            }
            let sides = sf.map { "; in \(st.entry.name) (stream \(s.stream)) it comes from the client side (frame \($0))" } ?? "; \(st.entry.name) (stream \(s.stream)) shows no such close from the server"
            var evidence: [Finding.Evidence] = [.init(trace: ct.entry.name, frame: cf, text: clientSideCreated ? "the client side sees the server close; no origin at the server side" : "the client side sees the server close", fields: ["tcp.stream": "\(c.stream)"])]
            if let sf { evidence.append(.init(trace: st.entry.name, frame: sf, text: serverSideCreated ? "the server side sees the client close; no origin at the client side" : "the server side sees the client close", fields: ["tcp.stream": "\(s.stream)"])) }
            if let f = s.application.lastServerDataFrame { evidence.append(.init(trace: st.entry.name, frame: f, text: "the server's last data before that close", fields: ["tcp.stream": "\(s.stream)"])) }
            return Finding(
                id: id, severity: .error, confidence: fast || clientSideCreated || m.method == .proxied ? .high : .medium,
                title: sf != nil ? "Neither side closed \(c.client) → \(c.server): a device between them did" : "The server did not close \(c.client) → \(c.server): a device between them did",
                plain: sf != nil ? "Each side believes the other one ended the conversation. The client's recording shows the server hanging up; the server's recording shows the client hanging up. Neither did: a device between them (a firewall or proxy) ended both halves."
                                 : "The client's recording shows the server hanging up, but the server's own recording shows it never did: a device between them (a firewall or proxy) ended the conversation.",
                technical: "In \(ct.entry.name) (stream \(c.stream)) the \(kind) comes from the server side (frame \(cf))\(sides). The two are the same connection (\(m.evidence)).\(timing)\(origin)\(position)",
                connections: [Evidence.ref(c, ct.entry.name), Evidence.ref(s, st.entry.name)],
                evidence: evidence,
                displayFilter: "tcp.port == \(c.client.port) && tcp.port == \(c.server.port) && (tcp.flags.fin == 1 || tcp.flags.reset == 1)",
                nextSteps: [
                    "Find the device between the two capture points (firewall, IPS, proxy) and read its log for \(c.client) → \(c.server) at \(c.startTime.rfc3339): look for a drop/reset/close decision, often for the reply direction.",
                    "Check its policies for the server's answer (TLS inspection, certificate or protocol checks, application-layer rules).",
                ],
                wouldDisprove: ["A trace directly on the client or the server showing that host sending the FIN/RST."])
        }
    }
}
