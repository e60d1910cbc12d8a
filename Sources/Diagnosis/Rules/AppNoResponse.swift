import Capture
import Flows
import Packets

/// app.no-response: TCP is healthy (data acknowledged, no loss, window open) but the application
/// did not answer the client's request before the close or the end of the trace: an SMTP command
/// (seed 002: the "." ending DATA), an HTTP request, a TLS ClientHello.
struct AppNoResponse: Rule {
    let id = "app.no-response"

    func findings(in t: DocumentBuilder.TraceResult, context: RuleContext) -> [Finding] {
        let name = t.entry.name
        // Connections whose server side, seen in another trace, did send an answer: then the
        // application answered and something in between lost it (close.by-middlebox tells that story).
        var answeredElsewhere = Set<Int>()
        for m in context.matches {
            let (mine, other, otherStream) = m.traceA == name ? (m.streamA, m.traceB, m.streamB) : (m.streamB, m.traceA, m.streamA)
            guard m.traceA == name || m.traceB == name, let oc = context.trace(other)?.connection(stream: otherStream) else { continue }
            if oc.application.lastServerDataFrame != nil || oc.application.tlsServerHelloFrame != nil { answeredElsewhere.insert(mine) }
        }
        return t.connections.having(.requestUnanswered).compactMap { c in
            guard !answeredElsewhere.contains(c.stream) else { return nil }
            let a = c.application
            // The trait says it: a request (SMTP command, HTTP request, ClientHello) and no server data
            // after it (no ServerHello for TLS).
            guard let kind = a.guess, let requestFrame = a.lastClientCommandFrame ?? a.tlsClientHelloFrame else { return nil }
            // TCP healthy: the request was acknowledged, nothing lost, no zero window.
            guard !c.toServer.unackedData, c.toServer.retransmissions == 0, c.toClient.retransmissions == 0,
                  c.toServer.zeroWindows == 0, c.toClient.zeroWindows == 0 else { return nil }
            // The server's data must all be in the capture: a client ACK beyond it means the answer was
            // sent but not captured.
            guard c.toClient.ackedUnseen == 0, c.toServer.ackedUnseen == 0, c.toClient.lostSegments == 0 else { return nil }
            // Only a connection that was given up, or stayed silent for a while, proves no answer came.
            let requestTime = c.application.lastClientCommandTime
            let waitedLongEnough = requestTime.map { Timestamp.interval(from: $0, to: c.endTime) >= 2 } ?? false
            guard c.closeFrame != nil || waitedLongEnough else { return nil }
            let request: String
            switch kind {
            case .smtp: request = a.lastClientCommand == "." ? "the \".\" that ends the DATA message" : "the SMTP command \"\(a.lastClientCommand ?? "")\""
            case .http: request = "the HTTP request \"\(a.lastClientCommand ?? "")\""
            case .tls: request = "the TLS ClientHello"
            }
            var waited = ""
            var waitSeconds = 0.0
            var end = "the trace ended"
            if let close = c.closeTime, let frame = c.closeFrame {
                end = "\(c.closedByServer == true ? "the server" : "the client") closed with \(c.closeKind?.rawValue.uppercased() ?? "") (frame \(frame))"
                if let sent = requestTime {
                    waitSeconds = Timestamp.interval(from: sent, to: close)
                    waited = " \(String(format: "%.3f", waitSeconds)) s after the request"
                }
            } else if let sent = requestTime {
                waitSeconds = Timestamp.interval(from: sent, to: c.endTime)
            }
            var evidence: [Finding.Evidence] = [.init(trace: name, frame: requestFrame, text: "client sends \(request)", fields: ["tcp.stream": "\(c.stream)"])]
            if let r = a.lastServerReplyFrame, let line = a.lastServerReply {
                evidence.insert(.init(trace: name, frame: r, text: "server's last reply: \"\(line)\"", fields: ["tcp.stream": "\(c.stream)"]), at: 0)
            }
            if let f = c.closeFrame { evidence.append(.init(trace: name, frame: f, text: "connection closed; no answer came before", fields: ["tcp.stream": "\(c.stream)"])) }
            return Finding(
                id: id, severity: .error, confidence: waitSeconds >= 1 ? .high : .medium,
                title: "\(c.server) never answered \(request) (\(kind.rawValue.uppercased()))",
                plain: "The network delivered everything: \(context.plainName(c.server.address, role: "server")) received the request and confirmed receipt at the network level. But the program on the server never replied, so \(end == "the trace ended" ? "the exchange stalled" : "the connection was given up"). The problem is in the application on the server, not in the network.",
                technical: "Stream \(c.stream) (\(context.name(c.client)) → \(context.name(c.server))): the client sent \(request) in frame \(requestFrame); the server acknowledged all client data at the TCP level (no unacknowledged bytes, no retransmissions, no zero window) but sent no application data after it; \(end)\(waited).",
                connections: [Evidence.ref(c, name)],
                evidence: evidence,
                displayFilter: "tcp.stream eq \(c.stream)",
                nextSteps: [
                    "Ask the owners of the \(kind.rawValue.uppercased()) service on \(c.server) why it did not answer at \(c.startTime.rfc3339): application logs, queue and backend health" + (kind == .smtp ? " (content filter, storage, next relay)." : kind == .tls ? " (certificate, TLS versions and ciphers offered in the ClientHello, SNI)." : " (upstream services, worker pool)."),
                    c.closedByServer == false ? "Check timeouts: the client gave up\(waited); the server may need longer or be blocked." : "Check the server's own timeouts and why it closed without answering.",
                ],
                wouldDisprove: [
                    "A server-side trace showing a reply leaving the server (then it was lost in between).",
                    "Data missing from this capture (snap length, capture drops) that contained the reply.",
                ])
        }
    }
}
