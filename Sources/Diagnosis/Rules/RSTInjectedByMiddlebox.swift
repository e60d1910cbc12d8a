import Capture
import Flows
import Packets

/// rst.injected-by-middlebox: a RST that claims to come from a host whose genuine packets look
/// different — another initial-TTL family or hop count — or that arrives faster than the path's
/// round trip allows (seed 001: TTL 64 among the server's 127s, 0.5 ms after the SYN).
struct RSTInjectedByMiddlebox: Rule {
    let id = "rst.injected-by-middlebox"

    /// Genuine TTL of every host that sent RSTs: its most common TTL among packets that are not
    /// RSTs, with that count. One pass over the hosts and resets of the trace.
    static func genuineTTLs(in t: DocumentBuilder.TraceResult) -> [IPAddress: (ttl: UInt8, count: Int)] {
        var resetTTLs: [IPAddress: [UInt8: Int]] = [:]
        for r in t.events.resets { resetTTLs[r.source.address, default: [:]][r.ttl, default: 0] += 1 }
        var out: [IPAddress: (ttl: UInt8, count: Int)] = [:]
        for h in t.hosts {
            guard let minus = resetTTLs[h.address] else { continue }
            var counts = h.ttlCounts
            for (ttl, n) in minus { counts[ttl, default: 0] -= n }
            if let best = counts.filter({ $0.value > 0 }).max(by: { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }) {
                out[h.address] = (best.key, best.value)
            }
        }
        return out
    }

    /// Whether this RST's TTL is inconsistent with the host's genuine packets.
    static func inconsistent(_ r: SegmentRecord, genuine: UInt8) -> Bool {
        let a = HostObservation.initialTTL(for: r.ttl), b = HostObservation.initialTTL(for: genuine)
        if a != b { return true }
        return abs((a - Int(r.ttl)) - (b - Int(genuine))) >= 2
    }

    func findings(in t: DocumentBuilder.TraceResult, context: RuleContext) -> [Finding] {
        let name = t.entry.name
        var out: [Finding] = []
        var byHost: [IPAddress: [SegmentRecord]] = [:]
        let genuine = Self.genuineTTLs(in: t)
        for r in t.events.resets {
            guard let g = genuine[r.source.address], g.count >= 2, Self.inconsistent(r, genuine: g.ttl) else { continue }
            byHost[r.source.address, default: []].append(r)
        }
        for host in byHost.keys.sorted() {
            let resets = byHost[host]!
            let g = genuine[host]!
            let r = resets[0]
            let rInit = HostObservation.initialTTL(for: r.ttl), gInit = HostObservation.initialTTL(for: g.ttl)
            var evidence = resets.prefix(5).map {
                Evidence.segment($0, trace: name, "RST claiming to be from \(host): TTL \($0.ttl) (initial \(HostObservation.initialTTL(for: $0.ttl)), \(Evidence.hops(HostObservation.initialTTL(for: $0.ttl) - Int($0.ttl))))")
            }
            var timing = ""
            let conn = t.connection(stream: r.stream)
            // Timing against the path only makes sense for a RST answering the SYN.
            if let c = conn, c.handshake.synAckFrame == nil, let synTime = c.handshake.synTime {
                let delay = Timestamp.interval(from: synTime, to: r.time)
                let rtts = t.connections.compactMap { $0.server.address == host ? $0.handshake.synToSynAck : nil }
                timing = " It arrived \(Evidence.ms(delay)) after the SYN"
                if let best = rtts.min() {
                    timing += "; genuine answers from \(host) take \(Evidence.ms(best)) (SYN → SYN/ACK)"
                    if delay < best / 2 { timing += ", so this RST came from something closer than the server" }
                }
                timing += "."
                if let synFrame = c.handshake.synFrame {
                    evidence.insert(.init(trace: name, frame: synFrame, text: "the SYN the RST answers", fields: ["tcp.stream": "\(c.stream)"]), at: 0)
                }
            }
            let genuineFrame = t.connections.first { $0.server.address == host && $0.handshake.synAckFrame != nil }?.handshake.synAckFrame
            if let f = genuineFrame {
                evidence.append(.init(trace: name, frame: f, text: "a genuine packet from \(host): TTL \(g.ttl) (initial \(gInit), \(Evidence.hops(gInit - Int(g.ttl))))",
                                      fields: [host.isIPv6 ? "ipv6.src" : "ip.src": host.description, host.isIPv6 ? "ipv6.hlim" : "ip.ttl": "\(g.ttl)"]))
            }
            // A second vantage point: the forged RST should be missing there.
            var confirmation = ""
            for other in context.traces where other.entry.name != name {
                let present = other.events.resets.contains { $0.source == r.source && $0.destination == r.destination && $0.seq == r.seq }
                let sawConnection = other.connections.contains { Set([$0.client, $0.server]) == Set([r.source, r.destination]) }
                if !present {
                    confirmation += " \(other.entry.name)\(other.entry.vantage.map { " (vantage \($0))" } ?? "") has no such RST\(sawConnection ? "" : ", nor any packet of this connection"): confirmed, it was created between the capture points."
                }
            }
            let streams = resets.map(\.stream)
            out.append(Finding(
                id: id, severity: .error, confidence: rInit != gInit || !confirmation.isEmpty ? .high : .medium,
                title: rInit != gInit ? "RST from \(host) was not sent by \(host): TTL \(r.ttl) among its genuine \(g.ttl)s"
                                      : "RST from \(host) looks forged: TTL \(r.ttl) among its genuine \(g.ttl)s",
                plain: "A connection was cut by a 'reset' message that pretends to come from \(context.plainName(host, role: "host")). Its fingerprints do not match the real machine: a device in between (a firewall or proxy) sent it." + (conn?.handshake.synAckFrame == nil ? " \(context.plainName(host, role: "host")) itself probably never saw the connection attempt." : ""),
                technical: "\(resets.count) RST(s) carry source \(host) with TTL \(r.ttl) (initial TTL family \(rInit), \(Evidence.hops(rInit - Int(r.ttl)))), while \(g.count) other packets from \(host) in this trace have TTL \(g.ttl) (family \(gInit), \(Evidence.hops(gInit - Int(g.ttl)))). A host does not change its initial TTL per packet; a device \(rInit == Int(r.ttl) ? "with no router between it and the capture point" : Evidence.hops(rInit - Int(r.ttl)) + " from the capture point") and initial TTL \(rInit) forged the reset.\(timing) This is not a refusal by the server.\(confirmation)",
                connections: streams.compactMap { s in t.connection(stream: s).map { Evidence.ref($0, name) } },
                evidence: evidence,
                displayFilter: host.isIPv6 ? "ipv6.src == \(host) && tcp.flags.reset == 1 && ipv6.hlim == \(r.ttl)"
                                           : "ip.src == \(host) && tcp.flags.reset == 1 && ip.ttl == \(r.ttl)",
                nextSteps: [
                    "Look for a firewall, IPS or proxy \(rInit - Int(r.ttl)) hop(s) from the capture point that rejects this traffic with TCP resets (e.g. 'reject with tcp-reset', IPS block, policy deny).",
                    "Capture on \(host) itself: if the RST is absent there, the device in between sent it.",
                    "Check that device's logs for the port \(r.source.port) at \(r.time.rfc3339).",
                ],
                wouldDisprove: [
                    "The same RST present in a trace taken on \(host) with TTL \(gInit) at the source.",
                    "\(host) being several hosts behind one address (a load balancer pool with different operating systems).",
                ]))
        }
        return out
    }
}
