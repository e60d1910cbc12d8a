import Capture
import Correlation
import Flows
import Packets

/// middlebox.tcp-terminating: the same connection seen at two vantage points with different
/// ISNs — and usually different options, TTL family and RTT — on each side: a device between them
/// terminates TCP and opens its own connection (seed 004: ISN, window scale 256 → 8, ECN, TTL 255,
/// RTT 3.6 ms vs 0.3 ms).
struct MiddleboxTCPTerminating: CaseRule {
    let id = "middlebox.tcp-terminating"

    func findings(context: RuleContext) -> [Finding] {
        context.matches.enumerated().filter { $0.element.method == .proxied }.compactMap { i, m in
            guard let ((ct, c), (st, s)) = context.clientSide(m) else { return nil }
            var diffs: [(String, String, String)] = []
            func cmp(_ what: String, _ a: String?, _ b: String?) {
                let x = a ?? "none", y = b ?? "none"
                if x != y { diffs.append((what, x, y)) }
            }
            cmp("client ISN", c.toServer.isn.map { "\($0)" }, s.toServer.isn.map { "\($0)" })
            cmp("server ISN", c.toClient.isn.map { "\($0)" }, s.toClient.isn.map { "\($0)" })
            cmp("client window scale", c.toServer.windowScale.map { "\($0) (×\(1 << $0))" }, s.toServer.windowScale.map { "\($0) (×\(1 << $0))" })
            cmp("server window scale", c.toClient.windowScale.map { "\($0) (×\(1 << $0))" }, s.toClient.windowScale.map { "\($0) (×\(1 << $0))" })
            cmp("client MSS", c.toServer.mss.map { "\($0)" }, s.toServer.mss.map { "\($0)" })
            cmp("server MSS", c.toClient.mss.map { "\($0)" }, s.toClient.mss.map { "\($0)" })
            cmp("client SACK permitted", "\(c.toServer.sackPermitted)", "\(s.toServer.sackPermitted)")
            cmp("client timestamps", "\(c.toServer.timestamps)", "\(s.toServer.timestamps)")
            cmp("ECN on the SYN", "\(c.toServer.ecnSetup)", "\(s.toServer.ecnSetup)")
            cmp("ECN on the SYN/ACK", "\(c.toClient.ecnSetup)", "\(s.toClient.ecnSetup)")
            cmp("IP ID of the SYN", c.handshake.synIPID.map { Evidence.hex($0) }, s.handshake.synIPID.map { Evidence.hex($0) })
            cmp("IP ID of the SYN/ACK", c.handshake.synAckIPID.map { Evidence.hex($0) }, s.handshake.synAckIPID.map { Evidence.hex($0) })
            // The IP ID sequence over the whole connection, per direction, at each side.
            for (what, a, b) in [("client→server IP IDs", c.toServer.ipIDs, s.toServer.ipIDs), ("server→client IP IDs", c.toClient.ipIDs, s.toClient.ipIDs)]
                where a.count > 0 && b.count > 0 && (a.first != b.first || a.last != b.last) {
                diffs.append((what, "\(Self.describe(a)) at the client side", "\(Self.describe(b)) at the server side"))
            }
            let relayed = context.diffs[i]?.pairing?.pairs.first { $0.client.ipID != nil && $0.server.ipID != nil }
            func ttl(_ t: UInt8?) -> String? { t.map { "\($0) (initial \(HostObservation.initialTTL(for: $0)))" } }
            cmp("SYN/ACK TTL at the client side", ttl(c.handshake.synAckTTL), nil)
            cmp("SYN TTL at the server side", nil, ttl(s.handshake.synTTL))
            diffs.removeAll { $0.0.hasSuffix("side") } // shown separately below
            let rttC = c.handshake.rtt, rttS = s.handshake.rtt
            var technical = "Stream \(c.stream) of \(ct.entry.name) (\(context.name(c.client)) → \(context.name(c.server))) and stream \(s.stream) of \(st.entry.name) are the same connection (\(m.evidence)), but the two sides do not share their TCP parameters:"
            technical += diffs.map { " \($0.0) \($0.1) vs \($0.2);" }.joined()
            if let a = c.handshake.synAckTTL, let b = s.handshake.synTTL {
                technical += " the SYN/ACK reaches the client side with TTL \(a) (initial \(HostObservation.initialTTL(for: a))) and the SYN reaches the server with TTL \(b) (initial \(HostObservation.initialTTL(for: b)), \(Evidence.hops(HostObservation.initialTTL(for: b) - Int(b))) away)"
                technical += HostObservation.initialTTL(for: b) == Int(b) ? " — the device sits on the server's own segment;" : ";"
            }
            if let a = rttC, let b = rttS {
                technical += " handshake RTT \(Evidence.ms(a)) on the client side vs \(Evidence.ms(b)) on the server side."
            }
            // With the clocks related: the SYN/ACK the client got came before the server made its own.
            if let o = context.offsets.first(where: { Set([$0.traceA, $0.traceB]) == Set([ct.entry.name, st.entry.name]) }),
               let u = o.uncertainty ?? (o.stated ? 0 : nil), let a = c.handshake.synAckTime, let b = s.handshake.synAckTime,
               let fa = c.handshake.synAckFrame, let fb = s.handshake.synAckFrame {
                // Server-side time on the client side's clock.
                let lead = Timestamp.interval(from: a, to: b) - (o.traceA == ct.entry.name ? o.offset : -o.offset)
                if lead > u {
                    technical += " The SYN/ACK reached the client side (\(ct.entry.name) frame \(fa)) \(Evidence.ms(lead)) before the server sent its own (\(st.entry.name) frame \(fb); clocks related within ± \(Evidence.ms(u))\(o.basis == .proxied ? ", from the relayed payload" : "")): the device answered the client before the server had."
                }
            }
            if let p = relayed, let a = p.client.ipID, let b = p.server.ipID {
                technical += " The same \(p.client.length) payload bytes (\(p.client.fromClient ? "from the client" : "from the server")) carry IP ID \(Evidence.hex(a)) at the client side (\(ct.entry.name) frame \(p.client.frame)) and \(Evidence.hex(b)) at the server side (\(st.entry.name) frame \(p.server.frame))\(a == b ? "." : ": the device sends its own packets, it does not forward the sender's (a router leaves the IP ID alone).")"
            }
            technical += " A host does not change its ISN, options and TTL between two links: a device between the vantage points answers the client itself and opens its own connection to the server (a TCP proxy, TLS inspection, or a firewall in proxy mode)."
            let evidence: [Finding.Evidence] = [
                c.handshake.synFrame.map { .init(trace: ct.entry.name, frame: $0, text: "client's SYN as the client side sees it: ISN \(c.toServer.isn ?? 0), WS \(c.toServer.windowScale.map(String.init) ?? "none"), ECN \(c.toServer.ecnSetup ? "yes" : "no")", fields: ["tcp.stream": "\(c.stream)", "tcp.seq_raw": "\(c.toServer.isn ?? 0)"]) },
                s.handshake.synFrame.map { .init(trace: st.entry.name, frame: $0, text: "the SYN that reaches the server: ISN \(s.toServer.isn ?? 0), WS \(s.toServer.windowScale.map(String.init) ?? "none"), TTL \(s.handshake.synTTL.map(String.init) ?? "?")", fields: ["tcp.stream": "\(s.stream)", "tcp.seq_raw": "\(s.toServer.isn ?? 0)"]) },
                c.handshake.synAckFrame.map { .init(trace: ct.entry.name, frame: $0, text: "SYN/ACK at the client side: server ISN \(c.toClient.isn ?? 0), TTL \(c.handshake.synAckTTL.map(String.init) ?? "?")", fields: ["tcp.stream": "\(c.stream)"]) },
                s.handshake.synAckFrame.map { .init(trace: st.entry.name, frame: $0, text: "the server's real SYN/ACK: ISN \(s.toClient.isn ?? 0)", fields: ["tcp.stream": "\(s.stream)"]) },
            ].compactMap { $0 } + (relayed.map { p in [
                Finding.Evidence(trace: ct.entry.name, frame: p.client.frame, text: "payload relayed by the device, as the client side sees it: IP ID \(Evidence.hex(p.client.ipID ?? 0))",
                                 fields: ["tcp.stream": "\(c.stream)", "ip.id": Evidence.hex(p.client.ipID ?? 0), "tcp.len": "\(p.client.length)"]),
                Finding.Evidence(trace: st.entry.name, frame: p.server.frame, text: "the same payload at the server side: IP ID \(Evidence.hex(p.server.ipID ?? 0))",
                                 fields: ["tcp.stream": "\(s.stream)", "ip.id": Evidence.hex(p.server.ipID ?? 0), "tcp.len": "\(p.server.length)"]),
            ] } ?? [])
            return Finding(
                id: id, severity: .warning, confidence: diffs.count >= 3 ? .high : .medium,
                title: "A device between \(ct.entry.name) and \(st.entry.name) terminates TCP for \(c.client) → \(c.server)",
                plain: "The client and the server are not talking to each other directly: a device in between (a firewall or proxy) accepts the client's connection itself and makes a second, separate connection to the server. What happens on one side is decided by that device, so it must be part of the investigation.",
                technical: technical,
                connections: [Evidence.ref(c, ct.entry.name), Evidence.ref(s, st.entry.name)],
                evidence: evidence,
                displayFilter: "tcp.port == \(c.client.port) && tcp.port == \(c.server.port)",
                nextSteps: [
                    "Identify the device: a firewall with TLS/SSL inspection or application proxy for port \(c.server.port), a load balancer in full-proxy mode.",
                    "Read that device's logs for this connection: it decides when each side is closed.",
                ],
                wouldDisprove: ["The two streams being different connections that happen to share ports (check the payload: the same ClientHello should appear on both sides)."])
        }
    }

    /// "0xd8c6, 0xd8c7, 0xd8c8, 0xd8c9, …, 0xd8cb (6 packets, +1 per packet, DF)".
    static func describe(_ s: IPIDSeries) -> String {
        var values = s.first.map(Evidence.hex)
        if s.count > UInt32(IPIDSeries.kept) {
            if s.count > UInt32(IPIDSeries.kept + 1) { values.append("…") }
            values.append(Evidence.hex(s.last))
        }
        var notes = ["\(s.count) packet\(s.count == 1 ? "" : "s")"]
        if let b = s.behaviour { notes.append(b) }
        if s.zeros > 0 && s.zeros < s.count { notes.append("\(s.zeros) zero") }
        if s.dontFragment == s.count { notes.append("DF") } else if s.dontFragment > 0 { notes.append("DF on \(s.dontFragment)") }
        return values.joined(separator: ", ") + " (" + notes.joined(separator: ", ") + ")"
    }
}
