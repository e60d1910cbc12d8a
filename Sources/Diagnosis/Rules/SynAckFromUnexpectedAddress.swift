import Capture
import Flows
import Foundation
import Packets

/// handshake.synack-from-unexpected-address: a SYN/ACK whose ports and ack number (ISN + 1)
/// answer a SYN, sent from another address than the SYN's destination; the client resets it
/// (seed 000: one-way static NAT). tcp.stream splits the two; this rule joins them.
struct SynAckFromUnexpectedAddress: Rule {
    let id = "handshake.synack-from-unexpected-address"

    func findings(in t: DocumentBuilder.TraceResult, context: RuleContext) -> [Finding] {
        let name = t.entry.name
        // Group repeats of the same story (retries) into one finding per address pair.
        var groups: [String: [UnexpectedSynAck]] = [:]
        var order: [String] = []
        for u in t.events.unexpectedSynAcks {
            let k = "\(u.syn.source.address)>\(u.syn.destination)<\(u.synAck.source.address)"
            if groups[k] == nil { order.append(k) }
            groups[k, default: []].append(u)
        }
        return order.map { k in
            let all = groups[k]!
            let u = all[0]
            let client = u.syn.source, target = u.syn.destination, answerer = u.synAck.source.address
            var evidence = [
                Evidence.segment(u.syn, trace: name, "SYN from \(context.name(client)) to \(context.name(target)), seq \(u.syn.seq)"),
                Evidence.segment(u.synAck, trace: name, "SYN/ACK from \(context.name(answerer)) — not \(target.address) — with ack \(u.synAck.ack) = client ISN + 1, \(Evidence.ms(Capture.Timestamp.interval(from: u.syn.time, to: u.synAck.time))) after the SYN"),
            ]
            var story = "SYN from \(context.name(client)) to \(context.name(target)) (frame \(u.syn.frame)) was answered from \(context.name(answerer)) (frame \(u.synAck.frame), ack = ISN+1, TTL \(u.synAck.ttl))"
            if let r = u.clientReset {
                evidence.append(Evidence.segment(r, trace: name, "the client resets the SYN/ACK it never asked \(answerer) for"))
                story += "; the client reset it (frame \(r.frame))"
            }
            story += "."
            // Another vantage point with the same SYN/ACK (same server ISN) from the untranslated address.
            var seenUntranslated = false
            for m in context.matches where m.method == .translated && ((m.traceA == name && m.streamA == u.synAck.stream) || (m.traceB == name && m.streamB == u.synAck.stream)) {
                let (other, stream) = m.traceA == name ? (m.traceB, m.streamB) : (m.traceA, m.streamA)
                if let oc = context.trace(other)?.connection(stream: stream), let frame = oc.handshake.synAckFrame {
                    story += " \(other) shows the same SYN/ACK (\(m.evidence), frame \(frame)) leaving from \(oc.server.address): the address is translated between the two capture points."
                    evidence.append(.init(trace: other, frame: frame, text: "the same SYN/ACK before translation, from \(oc.server.address)", fields: ["tcp.stream": "\(stream)"]))
                    seenUntranslated = true
                }
            }
            // A static NAT rule in an attached config that maps the two addresses explains it.
            if let rule = context.natRules.first(where: { Set([$0.realAddress, $0.translatedAddress]) == Set([target.address, answerer]) }) {
                story += " The attached config has the translation: \(rule.sourceFile) line \(rule.lineNumber) `\(rule.rawLine.trimmingCharacters(in: .whitespaces))` maps \(rule.realAddress) to \(rule.translatedAddress) (\(rule.side.rawValue) source static NAT), so replies from the server leave with \(answerer) while the client addressed \(target.address) directly."
                evidence.append(.init(trace: rule.sourceFile, frame: rule.lineNumber, text: rule.rawLine.trimmingCharacters(in: .whitespaces),
                                      fields: ["log.line": "\(rule.lineNumber)"]))
            }
            let synAcks = all.flatMap(\.synAckFrames)
            if synAcks.count > 1 {
                story += " The same happened \(synAcks.count) times: every SYN/ACK (frames \(synAcks.map(String.init).joined(separator: ", "))) came from \(answerer)."
            }
            let streams = all.flatMap { [$0.syn.stream, $0.synAck.stream] }
            return Finding(
                id: id, severity: .error, confidence: u.clientReset != nil ? .high : .medium,
                title: "SYN/ACK came back from \(answerer) instead of \(target.address): the handshake cannot complete",
                plain: "\(context.plainName(client.address, role: "client")) asked \(context.plainName(target.address, role: "server")) for a connection, but the answer came back from a different address (\(answerer)). The client does not recognise that answer and rejects it, so the connection never starts. Something between them translates the address on the way back but not on the way in.",
                technical: story + " The SYN/ACK's ports and acknowledgement number match the SYN exactly, so the server did answer; its source address was changed on the way back. That is one-way (static) NAT or asymmetric routing through a NAT: the translation applies to the reply but the client addressed the untranslated \(target.address). Wireshark shows the SYN and the SYN/ACK as different tcp.streams because the addresses differ.",
                connections: all.flatMap { u in
                    [Finding.ConnectionRef(trace: name, stream: u.syn.stream, client: client.description, server: target.description),
                     Finding.ConnectionRef(trace: name, stream: u.synAck.stream, client: client.description, server: u.synAck.source.description)]
                },
                evidence: evidence,
                displayFilter: "tcp.port == \(client.port) && tcp.port == \(target.port) && (\(target.address.isIPv6 ? "ipv6.addr" : "ip.addr") == \(target.address) || \(answerer.isIPv6 ? "ipv6.addr" : "ip.addr") == \(answerer))",
                nextSteps: [
                    "Find the device that translates \(target.address) and \(answerer) (router or firewall NAT rules: a static NAT for \(target.address) ↔ \(answerer)).",
                    "Either make the client connect to \(answerer) (the translated address), or make the translation symmetric so replies to \(target.address) keep that source.",
                ] + (seenUntranslated ? [] : ["Capture on the server side too: the server's own trace should show the SYN/ACK leaving from \(target.address)."]),
                wouldDisprove: [
                    "A server-side trace showing the SYN/ACK already leaving with source \(answerer) (then the server itself answers from the wrong address, e.g. a multi-homed server).",
                    "A SYN to \(answerer) earlier in the trace with the same ports and ISN (then this is an ordinary connection).",
                ] + (streams.isEmpty ? [] : []))
        }
    }
}
