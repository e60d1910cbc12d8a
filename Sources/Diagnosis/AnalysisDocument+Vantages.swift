import Correlation
import Flows

extension AnalysisDocument {
    /// The path between two vantage points of the same (not proxied) path, from packets both saw:
    /// the round trip A → B → A (lowest delay each way; no clock offset changes it) and, only when
    /// the clocks are known (`clock` = `stated`), the one-way delays.
    public struct VantageDelay: Codable, Sendable, Equatable {
        public var traceA: String
        public var traceB: String
        public var roundTripMs: Double?
        /// `stated`: the user gave the clocks' offset (`attach --clock-offset`), one-way delays are
        /// known; `estimated`: the offset is only bounded by causality, one-way delays are not.
        public var clock: String
        public var aToB: Way?
        public var bToA: Way?

        /// Packets seen at one capture point and then at the other: how many, the frames of the
        /// fastest one (in A and in B), and its one-way delay when the clocks are known.
        public struct Way: Codable, Sendable, Equatable {
            public var samples: Int
            public var frameA: Int
            public var frameB: Int
            public var oneWayMs: Double?
            enum CodingKeys: String, CodingKey { case samples, frameA = "frame_a", frameB = "frame_b", oneWayMs = "one_way_ms" }
        }

        enum CodingKeys: String, CodingKey {
            case traceA = "trace_a", traceB = "trace_b", roundTripMs = "round_trip_ms", clock, aToB = "a_to_b", bToA = "b_to_a"
        }
    }

    /// The IPv4 identification values of one direction of a matched connection at one capture point.
    public struct IPIDs: Codable, Sendable, Equatable {
        public var trace: String
        public var stream: Int
        /// `to_server` or `to_client`.
        public var direction: String
        public var packets: Int
        /// The first values (up to 4) and the last one.
        public var first: [Int]
        public var last: Int
        public var zeros: Int
        public var dontFragment: Int
        /// `zero`, `+1 per packet`, `incrementing`, `random`, or absent (too few values).
        public var behaviour: String?
        enum CodingKeys: String, CodingKey {
            case trace, stream, direction, packets, first, last, zeros, dontFragment = "dont_fragment", behaviour
        }
    }
}

extension AnalysisDocument.VantageDelay {
    func write(to out: inout JSONOutput) throws {
        func way(_ o: inout JSONOutput, _ k: StaticString, _ w: Way?) throws {
            guard let w else { return }
            o.key(k)
            try o.object { o in o.field("frame_a", w.frameA); o.field("frame_b", w.frameB); o.field("one_way_ms", w.oneWayMs); o.field("samples", w.samples) }
        }
        try out.object { o in
            try way(&o, "a_to_b", aToB)
            try way(&o, "b_to_a", bToA)
            o.field("clock", clock)
            o.field("round_trip_ms", roundTripMs)
            o.field("trace_a", traceA)
            o.field("trace_b", traceB)
        }
    }
}

extension AnalysisDocument.IPIDs {
    func write(to out: inout JSONOutput) throws {
        try out.object { o in
            o.field("behaviour", behaviour)
            o.field("direction", direction)
            o.field("dont_fragment", dontFragment)
            o.key("first")
            try o.array(first) { $0.int($1) }
            o.field("last", last)
            o.field("packets", packets)
            o.field("stream", stream)
            o.field("trace", trace)
            o.field("zeros", zeros)
        }
    }
}

extension DocumentBuilder {
    /// The document's entry for a pair of traces' timing; nil through a proxy (no common packets).
    public static func vantageDelay(_ t: VantageTiming, offsets: [ClockOffset]) -> AnalysisDocument.VantageDelay? {
        guard !t.proxied, t.aToB != nil || t.bToA != nil else { return nil }
        let stated = offsets.first { $0.traceA == t.traceA && $0.traceB == t.traceB && $0.stated }
        let oneWay = stated.map { t.oneWay(offset: $0.offset) }
        func ms(_ s: Double?) -> Double? { s.map { round3($0 * 1000) } }
        return .init(traceA: t.traceA, traceB: t.traceB, roundTripMs: ms(t.roundTrip), clock: stated == nil ? "estimated" : "stated",
                     aToB: t.aToB.map { .init(samples: $0.samples, frameA: $0.frameA, frameB: $0.frameB, oneWayMs: ms(oneWay?.aToB)) },
                     bToA: t.bToA.map { .init(samples: $0.samples, frameA: $0.frameA, frameB: $0.frameB, oneWayMs: ms(oneWay?.bToA)) })
    }

    /// Both sides' IP ID series of a match, per direction.
    public static func ipIDs(_ m: ConnectionMatch, traces: [TraceResult]) -> [AnalysisDocument.IPIDs]? {
        var out: [AnalysisDocument.IPIDs] = []
        for (name, stream) in [(m.traceA, m.streamA), (m.traceB, m.streamB)] {
            guard let c = traces.first(where: { $0.entry.name == name })?.connection(stream: stream) else { continue }
            for (dir, s) in [("to_server", c.toServer.ipIDs), ("to_client", c.toClient.ipIDs)] where s.count > 0 {
                out.append(.init(trace: name, stream: stream, direction: dir, packets: Int(s.count), first: s.first.map(Int.init),
                                 last: Int(s.last), zeros: Int(s.zeros), dontFragment: Int(s.dontFragment), behaviour: s.behaviour))
            }
        }
        return out.isEmpty ? nil : out
    }
}
