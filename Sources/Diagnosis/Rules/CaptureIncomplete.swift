import Flows
import Packets

/// capture.incomplete: the trace does not hold everything that happened: data acknowledged but
/// never captured, connections that start mid-stream, or only one direction recorded.
struct CaptureIncomplete: Rule {
    let id = "capture.incomplete"

    func findings(in t: DocumentBuilder.TraceResult, context: RuleContext) -> [Finding] {
        let name = t.entry.name
        var unseen: [ConnectionSummary] = [], midstream: [ConnectionSummary] = [], oneWay: [ConnectionSummary] = []
        for c in t.connections.having([.ackedUnseen, .midstream]) {
            // Challenge ACKs carry an older connection's numbers: the "unseen" data is that connection's.
            let stale = c.toServer.challengeAcks + c.toClient.challengeAcks > 0
            if c.toServer.ackedUnseen + c.toClient.ackedUnseen > 0 && !stale { unseen.append(c) }
            if c.handshake.synFrame == nil && c.handshake.synAckFrame == nil && c.payloadBytes > 0 { midstream.append(c) }
            if (c.toServer.packets == 0 || c.toClient.packets == 0) && c.payloadBytes > 0 && (c.toServer.ackedUnseen + c.toClient.ackedUnseen) > 0 { oneWay.append(c) }
        }
        func streams(_ cs: [ConnectionSummary]) -> String { cs.prefix(20).map { String($0.stream) }.joined(separator: ", ") }
        func finding(_ cs: [ConnectionSummary], confidence: Finding.Confidence, title: String, plain: String, technical: String,
                     evidence: [Finding.Evidence], filter: String, next: String, disprove: String) -> Finding {
            Finding(id: id, severity: .info, confidence: confidence, title: title, plain: plain, technical: technical,
                    connections: cs.prefix(20).map { Evidence.ref($0, name) }, evidence: evidence,
                    displayFilter: filter, nextSteps: [next], wouldDisprove: [disprove])
        }
        func firstFrames(_ cs: [ConnectionSummary], _ text: String) -> [Finding.Evidence] {
            cs.prefix(5).map { .init(trace: name, frame: $0.firstFrame, text: text, fields: ["tcp.stream": "\($0.stream)"]) }
        }
        var out: [Finding] = []
        if !unseen.isEmpty {
            let frames = unseen.compactMap { $0.toServer.firstAckedUnseenFrame ?? $0.toClient.firstAckedUnseenFrame }
            out.append(finding(
                unseen, confidence: .high,
                title: "\(unseen.count) connection(s) acknowledge data this capture never saw",
                plain: "The recording missed some packets: the machines confirmed receiving data that is not in the file. Conclusions about loss in those connections must be drawn carefully.",
                technical: "ACKed unseen segments (Wireshark's [TCP ACKed unseen segment]) in stream(s) \(streams(unseen)): the peer acknowledged bytes that were not captured (capture drops, snap length, or a capture point that sees only one path).",
                evidence: frames.prefix(5).map { .init(trace: name, frame: $0, text: "ACK for data not in the capture", fields: ["tcp.analysis.ack_lost_segment": "1"]) },
                filter: "tcp.analysis.ack_lost_segment",
                next: "Check the capture tool's drop counters; capture with a larger buffer or a filter.",
                disprove: "Capture statistics showing no drops and a capture point on the only path."))
        }
        if !midstream.isEmpty {
            out.append(finding(
                midstream, confidence: .high,
                title: "\(midstream.count) connection(s) were already open when the capture started",
                plain: "Some conversations began before the recording did, so their start (and the settings agreed on then) is not visible.",
                technical: "No SYN or SYN/ACK for stream(s) \(streams(midstream)): window scaling and options are unknown, and client/server roles are guessed from the ports.",
                evidence: firstFrames(midstream, "first packet, mid-connection"),
                filter: Evidence.streamFilter(midstream.prefix(20).map(\.stream)),
                next: "Start the capture before the connection is opened to see its handshake.",
                disprove: "A SYN for these connections in an earlier capture file."))
        }
        if !oneWay.isEmpty {
            out.append(finding(
                oneWay, confidence: .medium,
                title: "\(oneWay.count) connection(s) are seen in one direction only",
                plain: "For some conversations only one side's packets were recorded; the other direction takes another path or was not captured.",
                technical: "Stream(s) \(streams(oneWay)) carry packets from one side only, while that side acknowledges the other's data: asymmetric routing past the capture point, or a one-way SPAN.",
                evidence: firstFrames(oneWay, "one-directional connection"),
                filter: Evidence.streamFilter(oneWay.prefix(20).map(\.stream)),
                next: "Capture where both directions pass (on a host, or both links of an asymmetric path).",
                disprove: "The other direction present in another trace of the same time."))
        }
        return out
    }
}
