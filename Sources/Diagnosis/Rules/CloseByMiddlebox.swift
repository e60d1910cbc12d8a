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
        context.matches.compactMap { m in
            guard let ((ct, c), (st, s)) = context.clientSide(m),
                  c.closedByServer == true, s.closedByServer == false,
                  let cf = c.closeFrame, let sf = s.closeFrame else { return nil }
            // Timing at the server side: the "client's" close right after the server's last data.
            var timing = ""
            var fast = false
            if let closeT = s.closeTime, let lastData = s.lastDataTime, let rtt = c.handshake.rtt {
                let gap = Timestamp.interval(from: lastData, to: closeT)
                timing = " At the server side the \"client's\" \(s.closeKind?.rawValue.uppercased() ?? "close") comes \(Evidence.ms(gap)) after the server's last data (frame \(s.application.lastServerDataFrame ?? s.lastFrame)), but the client is \(Evidence.ms(rtt)) away (handshake RTT at the client side): it cannot be the client's answer."
                fast = gap < rtt / 2
            }
            var position = ""
            if let ttl = s.handshake.synTTL {
                let hops = HostObservation.initialTTL(for: ttl) - Int(ttl)
                position = hops == 0 ? " The SYN reached the server with TTL \(ttl) (no router between): the device sits on the server's segment." : " The SYN reached the server \(Evidence.hops(hops)) from its sender."
            }
            return Finding(
                id: id, severity: .error, confidence: fast || m.method == .proxied ? .high : .medium,
                title: "Neither side closed \(c.client) → \(c.server): a device between them did",
                plain: "Each side believes the other one ended the conversation. The client's recording shows the server hanging up; the server's recording shows the client hanging up. Neither did: a device between them (a firewall or proxy) ended both halves.",
                technical: "In \(ct.entry.name) (stream \(c.stream)) the \(c.closeKind?.rawValue.uppercased() ?? "close") comes from the server side (frame \(cf)); in \(st.entry.name) (stream \(s.stream)) it comes from the client side (frame \(sf)). The two are the same connection (\(m.evidence)).\(timing)\(position)",
                connections: [Evidence.ref(c, ct.entry.name), Evidence.ref(s, st.entry.name)],
                evidence: [
                    .init(trace: ct.entry.name, frame: cf, text: "the client side sees the server close", fields: ["tcp.stream": "\(c.stream)"]),
                    .init(trace: st.entry.name, frame: sf, text: "the server side sees the client close", fields: ["tcp.stream": "\(s.stream)"]),
                ] + (s.application.lastServerDataFrame.map { [.init(trace: st.entry.name, frame: $0, text: "the server's last data before that close", fields: ["tcp.stream": "\(s.stream)"])] } ?? []),
                displayFilter: "tcp.port == \(c.client.port) && tcp.port == \(c.server.port) && (tcp.flags.fin == 1 || tcp.flags.reset == 1)",
                nextSteps: [
                    "Find the device between the two capture points (firewall, IPS, proxy) and read its log for \(c.client) → \(c.server) at \(c.startTime.rfc3339): look for a drop/reset/close decision, often for the reply direction.",
                    "Check its policies for the server's answer (TLS inspection, certificate or protocol checks, application-layer rules).",
                ],
                wouldDisprove: ["A trace directly on the client or the server showing that host sending the FIN/RST."])
        }
    }
}
