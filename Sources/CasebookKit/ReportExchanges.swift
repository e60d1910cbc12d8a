import CaseFile
import Capture
import Diagnosis
import Flows
import Foundation
import Packets
import Report

extension Casebook {
    /// Packet rows of every connection the report draws (`LadderPlan`): first packets, every
    /// evidence frame and the last packets, with the elided counts. One pass over each trace
    /// concerned, from the first to the last frame drawn; only the drawn connections' packets are
    /// followed (a tracker of their own gives Wireshark's relative numbers and analysis tags).
    static func exchanges(for doc: AnalysisDocument, in ws: CaseWorkspace, manifest: Manifest) throws -> [AnalysisDocument.Exchange] {
        let drawn = LadderPlan.connections(doc)
        guard !drawn.isEmpty else { return [] }
        var evidence: [String: Set<Int>] = [:]
        for f in doc.findings { for e in f.evidence { evidence[e.trace, default: []].insert(e.frame) } }
        var ranges: [LadderPlan.Key: ClosedRange<Int>] = [:]
        for c in doc.connections where drawn[LadderPlan.Key(trace: c.trace, stream: c.stream)] != nil {
            ranges[LadderPlan.Key(trace: c.trace, stream: c.stream)] = c.firstFrame...max(c.firstFrame, c.lastFrame)
        }
        var out: [AnalysisDocument.Exchange] = []
        for trace in Set(drawn.keys.map(\.trace)).sorted() {
            guard let a = manifest.attachments.first(where: { $0.stored == trace }) else { continue }
            // The connections of this trace by their (unordered) pair of endpoints.
            var byPair: [Pair: [(stream: Int, client: Endpoint?, frames: ClosedRange<Int>)]] = [:]
            var spans: [ClosedRange<Int>] = []
            for (key, ref) in drawn where key.trace == trace {
                guard let c = endpoint(ref.client), let s = endpoint(ref.server) else { continue }
                let frames = ranges[key] ?? 1...Int.max
                byPair[Pair(c, s), default: []].append((key.stream, c, frames))
                spans.append(frames)
            }
            guard !byPair.isEmpty else { continue }
            // Frames outside every drawn connection's first…last frame are skipped undecoded.
            let wanted = merged(spans)
            var next = 0
            var rows: [Int: [AnalysisDocument.Exchange.Row]] = [:]
            var starts: [Int: Timestamp] = [:]
            let file = try TraceFile(path: ws.evidenceDirectory.appendingPathComponent(a.stored).path)
            var reader = file.makeReader()
            var tracker = ConnectionTracker()
            while let frame = reader.next() {
                while next < wanted.count, frame.number > wanted[next].upperBound { next += 1 }
                if next == wanted.count { break }
                guard frame.number >= wanted[next].lowerBound else { continue }
                let p = PacketDecoder.decode(frame)
                guard let (src, dst) = p.tcpEndpoints, let candidates = byPair[Pair(src, dst)],
                      let mine = candidates.first(where: { $0.frames.contains(frame.number) }),
                      let s = tracker.process(p), let ip = p.ip, let tcp = p.tcp else { continue }
                if rows[mine.stream, default: []].count >= 5000 { continue }
                let start = starts[mine.stream] ?? frame.timestamp
                starts[mine.stream] = start
                var tags = s.tags
                if s.flags.contains(.challengeAck) { tags.insert("TCP Challenge ACK", at: 0) }
                rows[mine.stream, default: []].append(.init(
                    frame: frame.number, time: Timestamp.interval(from: start, to: frame.timestamp),
                    fromClient: Endpoint(ip.source, tcp.sourcePort) == mine.client,
                    flags: InfoColumn.flags(tcp.flags), seq: s.relativeSeq, ack: s.relativeAck, length: tcp.segmentLength,
                    ttl: Int(ip.ttl), tags: tags, skippedBefore: 0))
            }
            for (key, ref) in drawn.sorted(by: { $0.key.stream < $1.key.stream }) where key.trace == trace {
                let all = rows[key.stream] ?? []
                let keep = Set(all.prefix(14).map(\.frame)).union(all.suffix(6).map(\.frame)).union(evidence[trace] ?? [])
                var chosen: [AnalysisDocument.Exchange.Row] = []
                var skipped = 0
                for var r in all {
                    if keep.contains(r.frame) {
                        r.skippedBefore = skipped
                        skipped = 0
                        chosen.append(r)
                    } else {
                        skipped += 1
                    }
                }
                out.append(.init(trace: trace, stream: key.stream, client: ref.client, server: ref.server, rows: chosen,
                                 omitted: all.count - chosen.count))
            }
        }
        return out
    }

    /// Frame ranges sorted and merged where they overlap or touch.
    static func merged(_ spans: [ClosedRange<Int>]) -> [ClosedRange<Int>] {
        var out: [ClosedRange<Int>] = []
        for r in spans.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = out.last, r.lowerBound <= last.upperBound &+ 1 {
                out[out.count - 1] = last.lowerBound...max(last.upperBound, r.upperBound)
            } else {
                out.append(r)
            }
        }
        return out
    }

    /// Two endpoints in either order.
    struct Pair: Hashable {
        var a: Endpoint, b: Endpoint
        init(_ x: Endpoint, _ y: Endpoint) { (a, b) = x < y ? (x, y) : (y, x) }
    }

    /// "10.1.1.1:80" or "[2001:db8::1]:443" as an endpoint.
    static func endpoint(_ text: String) -> Endpoint? {
        let host: Substring, port: Substring
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            host = text[text.index(after: text.startIndex)..<close]
            port = text[close...].dropFirst(2)
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            host = text[..<colon]
            port = text[text.index(after: colon)...]
        }
        guard let address = IPAddress(String(host)), let p = UInt16(port) else { return nil }
        return Endpoint(address, p)
    }
}
