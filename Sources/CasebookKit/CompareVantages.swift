import Capture
import Correlation
import Diagnosis
import Flows
import Packets

extension Casebook {
    /// Matched connections compared packet by packet across vantage points.
    public struct VantageComparison: Sendable {
        public var matches: [ConnectionMatch]
        /// The correlation's offsets, narrowed by every packet both sides saw (or, for a pair of
        /// traces whose only matches are proxied, bounded by the relayed payload); stated ones kept.
        public var offsets: [ClockOffset]
        /// Per match index: what one side saw and the other did not, and the packets both saw.
        public var diffs: [Int: VantageDiff]
        /// Per pair of traces: lags that bound the offset and give the round trip between them.
        public var timings: [VantageTiming]
    }

    /// One extra pass over each trace involved in a match, up to its last matched frame: every
    /// segment of the matched streams (sequence numbers, flags, IP ID, payload hash), then pairs,
    /// timings, offsets and differences. `path` gives a trace's file from its name.
    public static func compareVantages(results: [DocumentBuilder.TraceResult],
                                       correlation: (matches: [ConnectionMatch], offsets: [ClockOffset]),
                                       path: (String) -> String) throws -> VantageComparison {
        var out = VantageComparison(matches: correlation.matches, offsets: correlation.offsets, diffs: [:], timings: [])
        let context = RuleContext(aliases: [:], traces: results, matches: correlation.matches, offsets: correlation.offsets)
        var wanted: [String: Set<Int>] = [:]
        var last: [String: Int] = [:]
        for m in correlation.matches {
            for (t, s) in [(m.traceA, m.streamA), (m.traceB, m.streamB)] {
                wanted[t, default: []].insert(s)
                if let c = context.trace(t)?.connection(stream: s) { last[t] = max(last[t] ?? 0, c.lastFrame) }
            }
        }
        guard !wanted.isEmpty else { return out }
        // Times in seconds since one common instant (a Double of epoch seconds keeps only ~0.2 µs).
        let base = results.compactMap { $0.connections.first?.startTime.nanoseconds }.min() ?? 0
        var sightings: [String: [Int: [SegmentSighting]]] = [:]
        for (trace, streams) in wanted {
            guard let c0 = context.trace(trace) else { continue }
            let clients = Dictionary(streams.compactMap { s in c0.connection(stream: s).map { (s, $0.client) } }, uniquingKeysWith: { a, _ in a })
            try walk(path(trace), streams: streams, stopAfter: last[trace] ?? Int.max) { frame, p, s in
                guard let ip = p.ip, let tcp = p.tcp, let client = clients[s.stream] else { return }
                let hash = tcp.segmentLength > 0 && p.capturedPayloadLength > 0 ? SegmentSighting.hash(p.payload) : 0
                sightings[trace, default: [:]][s.stream, default: []].append(SegmentSighting(
                    frame: frame.number, time: Double(frame.timestamp.nanoseconds &- base) / 1e9, fromClient: Endpoint(ip.source, tcp.sourcePort) == client,
                    seq: tcp.sequenceNumber, ack: tcp.acknowledgementNumber, flags: tcp.flags.rawValue, length: tcp.segmentLength,
                    relativeSeq: s.relativeSeq, payloadHash: hash, ipID: ip.version == 4 ? ip.identification : nil))
            }
        }
        // Group client-side streams by the server-side stream they match: a translated handshake can be
        // split by tcp.stream into a SYN stream and a SYN/ACK stream (one-way NAT), one connection here.
        struct Group: Hashable { var clientTrace: String; var serverTrace: String; var serverStream: Int; var proxied: Bool }
        var groups: [Group: (clientStreams: Set<Int>, matches: [Int])] = [:]
        for (i, m) in correlation.matches.enumerated() {
            guard let ((ct, c), (st, s)) = context.clientSide(m) else { continue }
            let g = Group(clientTrace: ct.entry.name, serverTrace: st.entry.name, serverStream: s.stream, proxied: m.method == .proxied)
            groups[g, default: ([], [])].clientStreams.insert(c.stream)
            groups[g, default: ([], [])].matches.append(i)
        }
        let ordered = groups.sorted { ($0.key.clientTrace, $0.key.serverTrace, $0.key.serverStream) < ($1.key.clientTrace, $1.key.serverTrace, $1.key.serverStream) }
        func segments(_ g: Group, _ v: (clientStreams: Set<Int>, matches: [Int])) -> (client: [SegmentSighting], server: [SegmentSighting]) {
            (v.clientStreams.sorted().flatMap { sightings[g.clientTrace]?[$0] ?? [] }, sightings[g.serverTrace]?[g.serverStream] ?? [])
        }
        // Pair each group's packets; where causality says the sides are the other way round for this
        // connection (a connection opened from the server's side on a short path), swap them.
        var compared: [(clientTrace: String, serverTrace: String, client: [SegmentSighting], server: [SegmentSighting],
                        pairing: SegmentPairing, proxied: Bool, matches: [Int])] = []
        for (g, v) in ordered {
            var (c, s) = segments(g, v)
            var ct = g.clientTrace, st = g.serverTrace
            var p = SegmentPairing.pair(clientSide: c, serverSide: s, proxied: g.proxied)
            if p.inverted {
                swap(&c, &s)
                swap(&ct, &st)
                p = SegmentPairing.pair(clientSide: c, serverSide: s, proxied: g.proxied)
            }
            if p.settlesOrientation && !p.inverted { for i in v.matches { out.matches[i].clientSideTrace = ct } }
            compared.append((ct, st, c, s, p, g.proxied, v.matches))
        }
        out.timings = VantageTiming.combine(compared.map { ($0.clientTrace, $0.serverTrace, $0.pairing) }, order: results.map(\.entry.name))
        for t in out.timings {
            guard var o = t.offset else { continue }
            if let i = out.offsets.firstIndex(where: { $0.traceA == t.traceA && $0.traceB == t.traceB }) {
                if out.offsets[i].stated { continue }
                o.clientSide = out.offsets[i].clientSide
                out.offsets[i] = o
            } else {
                out.offsets.append(o)
            }
        }
        for x in compared {
            let o = out.offsets.first { ($0.traceA == x.clientTrace && $0.traceB == x.serverTrace) || ($0.traceA == x.serverTrace && $0.traceB == x.clientTrace) }
            let shift = o.map { $0.traceA == x.clientTrace ? -$0.offset : $0.offset } ?? 0
            let diff = VantageDiff.compute(clientSide: (x.clientTrace, x.client), serverSide: (x.serverTrace, x.server), shift: shift,
                                           uncertainty: o.map { $0.uncertainty ?? ($0.stated ? 0 : .infinity) }, proxied: x.proxied,
                                           pairing: x.pairing)
            for i in x.matches { out.diffs[i] = diff }
        }
        return out
    }
}
