import Flows
import Packets

/// perf.zero-window: a receiver advertised a zero window (it could not keep up), stalling its
/// senders. One finding per receiving host, however many of its connections stalled, as
/// Wireshark's expert info groups one message: the connections are cited (the first
/// ``citedLimit``) with the first zero window of each.
struct PerfZeroWindow: Rule {
    let id = "perf.zero-window"
    static let citedLimit = 20

    private struct Stall {
        var connection: ConnectionSummary
        var receiver: Endpoint
        var zeroWindows: Int
        var probes: Int
        var firstFrame: Int
    }

    func findings(in t: DocumentBuilder.TraceResult, context: RuleContext) -> [Finding] {
        let name = t.entry.name
        var byReceiver: [IPAddress: [Stall]] = [:]
        for c in t.connections.having(.zeroWindow) {
            let (receiver, d, peer) = c.toServer.zeroWindows >= c.toClient.zeroWindows
                ? (c.client, c.toServer, c.toClient) : (c.server, c.toClient, c.toServer)
            guard d.zeroWindows > 0 else { continue }
            byReceiver[receiver.address, default: []].append(Stall(
                connection: c, receiver: receiver, zeroWindows: d.zeroWindows, probes: peer.zeroWindowProbes,
                firstFrame: d.firstZeroWindowFrame ?? c.firstFrame))
        }
        return byReceiver.keys.sorted().map { host in
            let stalls = byReceiver[host]!
            let windows = stalls.reduce(0) { $0 + $1.zeroWindows }, probes = stalls.reduce(0) { $0 + $1.probes }
            let cited = stalls.prefix(Self.citedLimit)
            let streams = cited.map { "\($0.connection.stream)" }.joined(separator: ", ")
                + (stalls.count > cited.count ? " and \(stalls.count - cited.count) more" : "")
            let one = stalls.count == 1 ? stalls[0] : nil
            let ipField = host.isIPv6 ? "ipv6.src" : "ip.src"
            return Finding(
                id: id, severity: .warning, confidence: .high,
                title: one.map { "\($0.receiver) advertised a zero window in \($0.zeroWindows) segment(s) (stream \($0.connection.stream)): the receiver could not keep up" }
                    ?? "\(host) advertised a zero window in \(stalls.count) connections (\(windows) segments): the receiver could not keep up",
                plain: "The receiving program on \(context.plainName(host, role: "host")) could not take data as fast as it arrived and told the sender to pause\(stalls.count > 1 ? ", in \(stalls.count) connections" : ""). While it did, the transfer waited for the receiver, not for the network.",
                technical: "\(context.name(host)) advertised window 0 in \(windows) segment(s) of \(stalls.count) connection(s) (streams \(streams)); first at frame \(stalls[0].firstFrame). Its peers sent \(probes) zero-window probe(s).",
                connections: cited.map { Evidence.ref($0.connection, name) },
                evidence: cited.prefix(5).map { s in
                    .init(trace: name, frame: s.firstFrame, text: "first zero window from \(s.receiver)",
                          fields: ["tcp.stream": "\(s.connection.stream)", "tcp.window_size": "0"])
                },
                displayFilter: one.map { "tcp.stream eq \($0.connection.stream) && (tcp.analysis.zero_window || tcp.analysis.zero_window_probe)" }
                    ?? "\(ipField) == \(host) && tcp.analysis.zero_window",
                nextSteps: ["Check the receiving application on \(host): is it reading its socket (CPU, disk, blocked threads)?"],
                wouldDisprove: ["The zero window lasting only as long as one round trip (a brief pause, not a stall)."])
        }
    }
}
