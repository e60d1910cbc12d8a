import Flows
import Packets

/// capture.incomplete: the trace does not hold everything that happened: data acknowledged but
/// never captured, connections that start mid-stream, or only one direction recorded.
struct CaptureIncomplete: Rule {
    let id = "capture.incomplete"

    func findings(in t: DocumentBuilder.TraceResult, context: RuleContext) -> [Finding] {
        let name = t.entry.name
        var unseen: [ConnectionSummary] = [], midstream: [ConnectionSummary] = [], oneWay: [ConnectionSummary] = []
        for c in t.connections {
            // Challenge ACKs carry an older connection's numbers: the "unseen" data is that connection's.
            let stale = c.toServer.challengeAcks + c.toClient.challengeAcks > 0
            if c.toServer.ackedUnseen + c.toClient.ackedUnseen > 0 && !stale { unseen.append(c) }
            if c.handshake.synFrame == nil && c.handshake.synAckFrame == nil && c.payloadBytes > 0 { midstream.append(c) }
            if (c.toServer.packets == 0 || c.toClient.packets == 0) && c.payloadBytes > 0 && (c.toServer.ackedUnseen + c.toClient.ackedUnseen) > 0 { oneWay.append(c) }
        }
        var out: [Finding] = []
        if !unseen.isEmpty {
            let frames = unseen.compactMap { $0.toServer.firstAckedUnseenFrame ?? $0.toClient.firstAckedUnseenFrame }
            out.append(Finding(
                id: id, severity: .info, confidence: .high,
                title: "\(unseen.count) connection(s) acknowledge data this capture never saw",
                plain: "The recording missed some packets: the machines confirmed receiving data that is not in the file. Conclusions about loss in those connections must be drawn carefully.",
                technical: "ACKed unseen segments (Wireshark's [TCP ACKed unseen segment]) in stream(s) \(unseen.prefix(20).map { String($0.stream) }.joined(separator: ", ")): the peer acknowledged bytes that were not captured (capture drops, snap length, or a capture point that sees only one path).",
                connections: unseen.prefix(20).map { Evidence.ref($0, name) },
                evidence: frames.prefix(5).map { .init(trace: name, frame: $0, text: "ACK for data not in the capture", fields: ["tcp.analysis.ack_lost_segment": "1"]) },
                displayFilter: "tcp.analysis.ack_lost_segment",
                nextSteps: ["Check the capture tool's drop counters; capture with a larger buffer or a filter."],
                wouldDisprove: ["Capture statistics showing no drops and a capture point on the only path."]))
        }
        if !midstream.isEmpty {
            out.append(Finding(
                id: id, severity: .info, confidence: .high,
                title: "\(midstream.count) connection(s) were already open when the capture started",
                plain: "Some conversations began before the recording did, so their start (and the settings agreed on then) is not visible.",
                technical: "No SYN or SYN/ACK for stream(s) \(midstream.prefix(20).map { String($0.stream) }.joined(separator: ", ")): window scaling and options are unknown, and client/server roles are guessed from the ports.",
                connections: midstream.prefix(20).map { Evidence.ref($0, name) },
                evidence: midstream.prefix(5).map { .init(trace: name, frame: $0.firstFrame, text: "first packet, mid-connection", fields: ["tcp.stream": "\($0.stream)"]) },
                displayFilter: Evidence.streamFilter(midstream.prefix(20).map(\.stream)),
                nextSteps: ["Start the capture before the connection is opened to see its handshake."],
                wouldDisprove: ["A SYN for these connections in an earlier capture file."]))
        }
        if !oneWay.isEmpty {
            out.append(Finding(
                id: id, severity: .info, confidence: .medium,
                title: "\(oneWay.count) connection(s) are seen in one direction only",
                plain: "For some conversations only one side's packets were recorded; the other direction takes another path or was not captured.",
                technical: "Stream(s) \(oneWay.prefix(20).map { String($0.stream) }.joined(separator: ", ")) carry packets from one side only, while that side acknowledges the other's data: asymmetric routing past the capture point, or a one-way SPAN.",
                connections: oneWay.prefix(20).map { Evidence.ref($0, name) },
                evidence: oneWay.prefix(5).map { .init(trace: name, frame: $0.firstFrame, text: "one-directional connection", fields: ["tcp.stream": "\($0.stream)"]) },
                displayFilter: Evidence.streamFilter(oneWay.prefix(20).map(\.stream)),
                nextSteps: ["Capture where both directions pass (on a host, or both links of an asymmetric path)."],
                wouldDisprove: ["The other direction present in another trace of the same time."]))
        }
        return out
    }
}
