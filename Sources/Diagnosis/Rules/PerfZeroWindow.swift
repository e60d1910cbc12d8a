import Flows
import Packets

/// perf.zero-window: the receiver advertised a zero window (it could not keep up), stalling the sender.
struct PerfZeroWindow: Rule {
    let id = "perf.zero-window"

    func findings(in t: DocumentBuilder.TraceResult, context: RuleContext) -> [Finding] {
        let name = t.entry.name
        return t.connections.compactMap { c in
            let (receiver, d, peer) = c.toServer.zeroWindows >= c.toClient.zeroWindows
                ? (c.client, c.toServer, c.toClient) : (c.server, c.toClient, c.toServer)
            guard d.zeroWindows > 0 else { return nil }
            return Finding(
                id: id, severity: .warning, confidence: .high,
                title: "\(receiver) advertised a zero window in \(d.zeroWindows) segment(s) (stream \(c.stream)): the receiver could not keep up",
                plain: "The receiving program (\(context.plainName(receiver.address, role: "receiver"))) could not take data as fast as it arrived and told the sender to pause. While it did, the transfer waited for the receiver, not for the network.",
                technical: "Stream \(c.stream): \(context.name(receiver)) advertised window 0 in \(d.zeroWindows) segment(s) (first at frame \(d.firstZeroWindowFrame ?? c.firstFrame)); the peer sent \(peer.zeroWindowProbes) zero-window probe(s).",
                connections: [Evidence.ref(c, name)],
                evidence: [.init(trace: name, frame: d.firstZeroWindowFrame ?? c.firstFrame, text: "first zero window from \(receiver)", fields: ["tcp.stream": "\(c.stream)", "tcp.window_size": "0"])],
                displayFilter: "tcp.stream eq \(c.stream) && (tcp.analysis.zero_window || tcp.analysis.zero_window_probe)",
                nextSteps: ["Check the receiving application on \(receiver.address): is it reading its socket (CPU, disk, blocked threads)?"],
                wouldDisprove: ["The zero window lasting only as long as one round trip (a brief pause, not a stall)."])
        }
    }
}
