import Flows
import Packets

/// capture.offload-artifact: segments larger than any Ethernet MTU (TSO/GSO on send, LRO/GRO on
/// receive) or TCP checksums left unfinished, on the capturing host's own packets: the NIC finishes
/// them after the capture point. Not a network fault (seed 004's 5929-byte frames).
struct CaptureOffloadArtifact: Rule {
    let id = "capture.offload-artifact"

    func findings(in t: DocumentBuilder.TraceResult, context: RuleContext) -> [Finding] {
        let name = t.entry.name
        var out: [Finding] = []
        let first = t.events.oversized
        if !first.isEmpty {
            let biggest = first.map(\.length).max() ?? 0
            let senders = Set(first.map { $0.source.address }).sorted()
            out.append(Finding(
                id: id, severity: .info, confidence: .high,
                title: "\(t.events.oversizedCount) segments larger than the MTU (up to \(biggest) bytes): segmentation offload on the capturing host",
                plain: "Some recorded packets are bigger than the network can carry. That happens when the capturing computer records data before its network card splits it into normal-size packets. It is a feature of the recording, not a problem in the network.",
                technical: "\(t.events.oversizedCount) TCP segments in \(name) have an IP length above 1500 bytes (largest payload \(biggest) bytes), all sent by \(senders.map { context.name($0) }.joined(separator: ", ")). On the wire they were cut into MSS-sized segments by the NIC (TSO/GSO), or merged on receive (LRO/GRO). Do not read them as jumbo frames or as loss; sequence analysis is unaffected.",
                connections: [],
                evidence: first.prefix(5).map { Evidence.segment($0, trace: name, "\($0.length)-byte segment in one frame") },
                displayFilter: "ip.len > 1500 || tcp.len > 1460",
                nextSteps: ["To capture what is on the wire, disable offload on the capture interface (`ethtool -K IFACE tso off gso off gro off lro off`) or capture on a switch port / TAP."],
                wouldDisprove: ["The capture taken on a TAP or SPAN port (then oversized frames really crossed the link: jumbo frames)."]))
        }
        let cleanSenders = t.events.checksums.filter { $0.value.checked >= 2 && $0.value.bad == 0 }.count
        for (host, sample) in t.events.checksums.sorted(by: { $0.key < $1.key }) where !host.isLoopback && sample.bad > 0 && sample.bad * 2 >= sample.checked && sample.checked >= 4 {
            out.append(Finding(
                id: id, severity: .info, confidence: cleanSenders > 0 ? .high : .medium,
                title: "TCP checksums of \(host)'s segments are unfinished: checksum offload on the capturing host",
                plain: "The recording shows broken checksums on the packets this machine sends. Its network card fills in the checksum after the recording point, so this is normal for captures taken on the sender and does not mean the packets were damaged.",
                technical: "\(sample.bad) of \(sample.checked) sampled TCP segments from \(context.name(host)) have a wrong checksum (first at frames \(sample.firstBadFrames.map(String.init).joined(separator: ", ")))\(cleanSenders > 0 ? ", while other senders' checksums in the same trace are correct" : ""): typical of a capture taken on \(host) with transmit checksum offload. Wireshark shows them as [TCP CHECKSUM INCORRECT] only when checksum validation is enabled.",
                connections: [],
                evidence: sample.firstBadFrames.map { .init(trace: name, frame: $0, text: "segment from \(host) with an unfinished checksum", fields: ["ip.src": host.description, "tcp.checksum.status": "Bad"]) },
                displayFilter: "ip.src == \(host) && tcp.checksum.status == \"Bad\"",
                nextSteps: ["Ignore these checksum errors, or capture with offload disabled (`ethtool -K IFACE tx off`)."],
                wouldDisprove: ["The same frames with bad checksums in a capture on the receiving side."]))
        }
        return out
    }
}
