import Capture
import Flows
import Packets

/// path.icmp-error: ICMP/ICMPv6 errors that quote one of the trace's TCP connections.
struct PathICMPError: Rule {
    let id = "path.icmp-error"

    static func describe(_ e: ICMPErrorRecord) -> String {
        if e.isV6 {
            switch e.type {
            case 1:
                switch e.code {
                case 0: return "destination unreachable: no route to destination"
                case 1: return "destination unreachable: administratively prohibited"
                case 3: return "destination unreachable: address unreachable"
                case 4: return "destination unreachable: port unreachable"
                case 5, 6: return "destination unreachable: rejected by policy (code \(e.code))"
                default: return "destination unreachable (code \(e.code))"
                }
            case 2: return "packet too big (MTU \(e.mtu ?? 0))"
            case 3: return e.code == 1 ? "fragment reassembly time exceeded" : "hop limit exceeded in transit"
            default: return "ICMPv6 type \(e.type) code \(e.code)"
            }
        }
        switch (e.type, e.code) {
        case (3, 4): return "fragmentation needed (next-hop MTU \(e.mtu ?? 0))"
        case (3, 9), (3, 10), (3, 13): return "destination unreachable: administratively prohibited (code \(e.code))"
        case (3, 3): return "port unreachable"
        case (3, 1): return "host unreachable"
        case (3, 0): return "network unreachable"
        case (3, _): return "destination unreachable (code \(e.code))"
        case (11, 1): return "fragment reassembly time exceeded"
        case (11, _): return "TTL exceeded in transit"
        default: return "ICMP type \(e.type) code \(e.code)"
        }
    }

    func findings(in t: DocumentBuilder.TraceResult, context: RuleContext) -> [Finding] {
        let name = t.entry.name
        var groups: [String: [ICMPErrorRecord]] = [:]
        var order: [String] = []
        for e in t.events.icmpErrors {
            let k = "\(e.reporter)|\(e.type)|\(e.code)|\(e.quotedDestination)"
            if groups[k] == nil { order.append(k) }
            groups[k, default: []].append(e)
        }
        return order.map { k in
            let all = groups[k]!
            let e = all[0]
            let what = Self.describe(e)
            let conns = Set(all.compactMap(\.stream)).sorted().compactMap { s in t.connection(stream: s) }
            let failed = conns.contains { $0.handshake.synFrame != nil && $0.handshake.synAckFrame == nil }
            let fragNeeded = (e.isV6 && e.type == 2) || (!e.isV6 && e.type == 3 && e.code == 4)
            let prohibited = what.contains("prohibited")
            return Finding(
                id: id, severity: (failed || prohibited) && !fragNeeded ? .error : .warning, confidence: .high,
                title: "\(e.reporter) reports \(what) for \(e.quotedSource) → \(e.quotedDestination)",
                plain: "A device on the path (\(context.plainName(e.reporter, role: "router"))) sent back an error message about this connection: \(what). " + (prohibited ? "That usually means a firewall or router policy forbids it." : fragNeeded ? "It asks the sender to use smaller packets; that is normal when a link on the way has a smaller packet size, as long as the sender then adapts." : "It tells where along the path the traffic stops."),
                technical: "\(all.count) ICMP\(e.isV6 ? "v6" : "") error(s) from \(e.reporter) (TTL \(e.ttl)) quoting TCP \(e.quotedSource) → \(e.quotedDestination)\(e.quotedSeq.map { ", quoted seq \($0)" } ?? ""): \(what). First at frame \(e.frame).",
                connections: conns.map { Evidence.ref($0, name) },
                evidence: all.prefix(5).map { .init(trace: name, frame: $0.frame, text: "ICMP \(what) from \($0.reporter)", fields: [$0.isV6 ? "icmpv6.type" : "icmp.type": "\($0.type)", $0.isV6 ? "icmpv6.code" : "icmp.code": "\($0.code)", $0.isV6 ? "ipv6.src" : "ip.src": $0.reporter.description]) },
                displayFilter: e.isV6 ? "icmpv6.type == \(e.type) && ipv6.src == \(e.reporter)" : "icmp.type == \(e.type) && icmp.code == \(e.code) && ip.src == \(e.reporter)",
                nextSteps: [prohibited ? "Ask the owner of \(e.reporter) which rule rejects \(e.quotedDestination)." : "Check routing and MTU at \(e.reporter) towards \(e.quotedDestination.address)."],
                wouldDisprove: ["The quoted header not matching any packet the client sent (a spoofed ICMP)."])
        }
    }
}
