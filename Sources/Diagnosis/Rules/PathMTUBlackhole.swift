import Capture
import Flows
import Packets

/// path.mtu-blackhole: full-size segments with Don't Fragment set are retransmitted without
/// progress while small ones get through, and no ICMP "fragmentation needed" / "packet too big"
/// appears: a link with a smaller MTU drops them and the ICMP that would say so is lost or filtered.
struct PathMTUBlackhole: Rule {
    let id = "path.mtu-blackhole"
    static let largeSegment = 1200

    func findings(in t: DocumentBuilder.TraceResult, context: RuleContext) -> [Finding] {
        let name = t.entry.name
        let fragNeededStreams = Set(t.events.icmpErrors.filter { ($0.isV6 && $0.type == 2) || (!$0.isV6 && $0.type == 3 && $0.code == 4) }.compactMap(\.stream))
        struct Key: Hashable { var stream: Int; var source: Endpoint }
        var bySender: [Key: [SegmentRecord]] = [:]
        for r in t.events.retransmissions { bySender[Key(stream: r.stream, source: r.source), default: []].append(r) }
        return bySender.keys.sorted { ($0.stream, $0.source) < ($1.stream, $1.source) }.compactMap { key in
            let stream = key.stream
            let rx = bySender[key]!
            guard rx.count >= 2, rx.allSatisfy({ $0.length >= Self.largeSegment && ($0.dontFragment || $0.source.address.isIPv6) }),
                  !fragNeededStreams.contains(stream),
                  let c = t.connection(stream: stream) else { return nil }
            let fromClient = rx[0].source == c.client
            let dir = fromClient ? c.toServer : c.toClient
            guard dir.unackedData else { return nil }
            // Some of this direction's data was acknowledged: the path works for smaller segments.
            let acked = dir.isn.flatMap { isn in dir.peerMaxAck.map { Int(Int32(bitPattern: $0 &- isn &- 1)) } } ?? 0
            let smallDelivered = acked > 0
            let sender = rx[0].source, receiver = rx[0].destination
            return Finding(
                id: id, severity: .error, confidence: smallDelivered ? .high : .medium,
                title: "Full-size segments from \(sender.address) never get through (path MTU black hole)",
                plain: "Small messages between the two machines get through, but every full-size packet is lost on the way and resent again and again. A link on the path carries smaller packets than the sender assumes, and the warning that should tell the sender to use smaller packets never arrives.",
                technical: "Stream \(stream): \(rx.count) retransmissions from \(context.name(sender)) to \(context.name(receiver)), every one \(rx.map(\.length).min()!)–\(rx.map(\.length).max()!) bytes with DF set, the first at frame \(rx[0].frame); the peer never acknowledged them (data left unacknowledged)\(smallDelivered ? ", while the \(acked) bytes sent before them were acknowledged" : ""). No ICMP fragmentation-needed / packet-too-big for this connection is in the trace.\(c.closeKind == .rst ? " The connection ended with a RST (frame \(c.closeFrame ?? 0))." : "")",
                connections: [Evidence.ref(c, name)],
                evidence: rx.prefix(5).map { Evidence.segment($0, trace: name, "retransmitted \($0.length)-byte segment, DF set") },
                displayFilter: "tcp.stream eq \(stream) && tcp.len >= \(Self.largeSegment)",
                nextSteps: [
                    "Find the link with the smaller MTU between \(sender.address) and \(receiver.address) (tunnels, VPN, PPPoE) and the device that drops ICMP type 3 code 4 (or ICMPv6 packet too big).",
                    "Allow those ICMP messages, or clamp the TCP MSS on the tunnel router, or lower the interface MTU.",
                ],
                wouldDisprove: [
                    "An ICMP fragmentation-needed in a trace nearer the sender (then it is only filtered before this capture point).",
                    "Large segments being acknowledged elsewhere in the same connection.",
                ])
        }
    }
}
