import Flows
import Packets

/// perf.zero-window: the receiver advertised a zero window (it could not keep up), stalling the sender.
struct PerfZeroWindow: Rule {
    let id = "perf.zero-window"

    func findings(in t: DocumentBuilder.TraceResult, context: RuleContext) -> [Finding] {
        let name = t.entry.name
        return t.connections.compactMap { c in
            let (receiver, d) = c.toServer.zeroWindows >= c.toClient.zeroWindows ? (c.client, c.toServer) : (c.server, c.toClient)
            guard d.zeroWindows > 0 else { return nil }
            return Finding(
                id: id, severity: .warning, confidence: .high,
                title: "\(receiver) stopped the transfer with a zero window \(d.zeroWindows) time(s) (stream \(c.stream))",
                plain: "The receiving program (\(context.plainName(receiver.address, role: "receiver"))) could not take data as fast as it arrived and told the sender to pause. The network is not the bottleneck here; the receiving application or machine is.",
                technical: "Stream \(c.stream): \(context.name(receiver)) advertised window 0 in \(d.zeroWindows) segment(s); \(d.zeroWindowProbes) zero-window probe(s) from the peer.",
                connections: [Evidence.ref(c, name)],
                evidence: [.init(trace: name, frame: d.firstZeroWindowFrame ?? c.firstFrame, text: "first zero window from \(receiver)", fields: ["tcp.stream": "\(c.stream)", "tcp.window_size": "0"])],
                displayFilter: "tcp.stream eq \(c.stream) && (tcp.analysis.zero_window || tcp.analysis.zero_window_probe)",
                nextSteps: ["Check the receiving application on \(receiver.address): is it reading its socket (CPU, disk, blocked threads)?"],
                wouldDisprove: ["Window scaling lost in the capture (a SYN not captured) making small windows look like zero."])
        }
    }
}
