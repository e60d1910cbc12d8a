/// What the packets two capture points both saw say about their clocks and the path between them,
/// over every matched connection of the pair of traces. Times: `lag` = time in B − time in A.
///
/// A packet seen at A then at B has lag = delay A→B + offset; one seen at B then at A has
/// lag = offset − delay B→A. So the offset lies between the largest B→A lag and the smallest A→B
/// lag (causality), and their difference is the round trip A → B → A between the capture points
/// (lowest delay each way), which no clock offset changes. One-way delays need the offset itself:
/// known only when the user stated the clocks.
public struct VantageTiming: Sendable, Equatable {
    public var traceA: String
    public var traceB: String
    /// The bounds come from payload relayed by a TCP-terminating device (the device's own
    /// processing time is inside them: no round trip is given).
    public var proxied: Bool
    public var aToB: Bound?
    public var bToA: Bound?

    /// The extreme lag one way: smallest A→B, largest B→A, its frames, and how many packets gave one.
    public struct Bound: Sendable, Equatable {
        public var lag: Double
        public var frameA: Int
        public var frameB: Int
        public var samples: Int
    }

    /// Round trip A → B → A between the capture points (seconds); nil through a proxy or with one direction only.
    public var roundTrip: Double? {
        guard !proxied, let f = aToB, let b = bToA else { return nil }
        return f.lag - b.lag
    }

    /// The clocks' offset (B − A) bounded by causality.
    public var offset: ClockOffset? {
        let basis: ClockOffset.Basis = proxied ? .proxied : .sameSegments
        let samples = (aToB?.samples ?? 0) + (bToA?.samples ?? 0)
        switch (aToB, bToA) {
        case let (f?, b?):
            let lo = min(b.lag, f.lag), hi = max(b.lag, f.lag)
            return ClockOffset(traceA: traceA, traceB: traceB, offset: (lo + hi) / 2, uncertainty: (hi - lo) / 2,
                               samples: samples, clientSide: nil, basis: basis)
        case let (f?, nil):
            return ClockOffset(traceA: traceA, traceB: traceB, offset: f.lag, uncertainty: nil, samples: samples, clientSide: nil, basis: basis)
        case let (nil, b?):
            return ClockOffset(traceA: traceA, traceB: traceB, offset: b.lag, uncertainty: nil, samples: samples, clientSide: nil, basis: basis)
        default:
            return nil
        }
    }

    /// One-way delays A→B and B→A given the offset B − A (only meaningful for a known offset).
    public func oneWay(offset: Double) -> (aToB: Double?, bToA: Double?) {
        guard !proxied else { return (nil, nil) }
        return (aToB.map { $0.lag - offset }, bToA.map { offset - $0.lag })
    }

    /// One timing per pair of traces, from the pairings of their matched connections. Same-segment
    /// pairings are used when a pair has any; proxied ones otherwise.
    public static func combine(_ pairings: [(clientTrace: String, serverTrace: String, pairing: SegmentPairing)],
                               order: [String]) -> [VantageTiming] {
        struct PairKey: Hashable { var a: String; var b: String; var proxied: Bool }
        var out: [PairKey: VantageTiming] = [:]
        func ordered(_ x: String, _ y: String) -> Bool {
            (order.firstIndex(of: x) ?? Int.max, x) < (order.firstIndex(of: y) ?? Int.max, y)
        }
        for (ct, st, p) in pairings {
            let clientIsA = ordered(ct, st)
            let key = PairKey(a: clientIsA ? ct : st, b: clientIsA ? st : ct, proxied: p.proxied)
            var t = out[key] ?? VantageTiming(traceA: key.a, traceB: key.b, proxied: p.proxied)
            // A pair's lag is server side − client side; flip it when the client side is B.
            for (pair, count, towardServer) in [(p.towardServer, p.towardServerCount, true), (p.towardClient, p.towardClientCount, false)] {
                guard let pair else { continue }
                let lag = clientIsA ? pair.lag : -pair.lag
                let fa = clientIsA ? pair.client.frame : pair.server.frame, fb = clientIsA ? pair.server.frame : pair.client.frame
                // Toward the server from the client side = A→B when the client side is A.
                if towardServer == clientIsA {
                    if t.aToB.map({ lag < $0.lag }) ?? true { t.aToB = Bound(lag: lag, frameA: fa, frameB: fb, samples: (t.aToB?.samples ?? 0) + count) }
                    else { t.aToB!.samples += count }
                } else {
                    if t.bToA.map({ lag > $0.lag }) ?? true { t.bToA = Bound(lag: lag, frameA: fa, frameB: fb, samples: (t.bToA?.samples ?? 0) + count) }
                    else { t.bToA!.samples += count }
                }
            }
            out[key] = t
        }
        let sameSegmentPairs = Set(out.keys.filter { !$0.proxied }.map { [$0.a, $0.b] })
        return out.filter { !$0.key.proxied || !sameSegmentPairs.contains([$0.key.a, $0.key.b]) }
            .sorted { ($0.key.a, $0.key.b) < ($1.key.a, $1.key.b) }.map(\.value)
    }
}
