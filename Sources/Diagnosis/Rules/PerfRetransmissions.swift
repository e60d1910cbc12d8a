import Flows
import Packets

/// perf.retransmissions: data retransmitted often enough to slow the transfer down (loss).
struct PerfRetransmissions: Rule {
    let id = "perf.retransmissions"

    func findings(in t: DocumentBuilder.TraceResult, context: RuleContext) -> [Finding] {
        let name = t.entry.name
        let blackholes = Set(PathMTUBlackhole().findings(in: t, context: context).flatMap { $0.connections.map(\.stream) })
        // Resending smaller segments after "fragmentation needed" is path MTU discovery at work.
        let pmtud = Set(t.events.icmpErrors.filter { ($0.isV6 && $0.type == 2) || (!$0.isV6 && $0.type == 3 && $0.code == 4) }.compactMap(\.stream))
        return t.connections.having(.retransmissions).compactMap { c in
            guard !blackholes.contains(c.stream), !pmtud.contains(c.stream) else { return nil }
            var worst: (String, DirectionSummary, Endpoint, Endpoint)?
            for (label, d, from, to) in [("client → server", c.toServer, c.client, c.server), ("server → client", c.toClient, c.server, c.client)] {
                let dataRx = d.retransmissions - (from == c.client ? c.handshake.synRetransmissions : 0)
                guard dataRx >= 3, d.payloadBytes > 0, Double(d.retransmittedBytes) / Double(d.payloadBytes) >= 0.01 else { continue }
                if worst == nil || d.retransmittedBytes > worst!.1.retransmittedBytes { worst = (label, d, from, to) }
            }
            guard let (label, d, from, to) = worst else { return nil }
            let pct = Double(d.retransmittedBytes) * 100 / Double(d.payloadBytes)
            let frames = t.events.retransmissions.filter { $0.stream == c.stream && $0.source == from }.prefix(5)
            return Finding(
                id: id, severity: .warning, confidence: .medium,
                title: String(format: "%d retransmissions (%.1f%% of the bytes) %@ in stream %d", d.retransmissions, pct, label, c.stream),
                plain: "Part of the data had to be sent again because it was lost on the way. That slows the transfer down; it points to congestion or a faulty link, not to a refusal.",
                technical: String(format: "Stream %d %@ (%@ → %@): %d retransmitted segments (%d fast, %d spurious), %d of %d payload bytes (%.1f%%); %d out-of-order, %d duplicate ACKs from the receiver.",
                                  c.stream, label, context.name(from), context.name(to), d.retransmissions, d.fastRetransmissions, d.spuriousRetransmissions,
                                  d.retransmittedBytes, d.payloadBytes, pct, d.outOfOrder, (from == c.client ? c.toClient : c.toServer).duplicateAcks),
                connections: [Evidence.ref(c, name)],
                evidence: frames.map { Evidence.segment($0, trace: name, "retransmitted \($0.length) bytes") },
                displayFilter: "tcp.stream eq \(c.stream) && tcp.analysis.retransmission",
                nextSteps: ["Capture nearer the receiver to see where the segments are lost; check interface error counters and queue drops on the path."],
                wouldDisprove: ["The same segments present twice in a trace at the sender (capture duplication rather than loss)."])
        }
    }
}
