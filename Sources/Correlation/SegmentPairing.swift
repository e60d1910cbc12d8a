/// The packets of one matched connection that both capture points saw, paired: the same segment
/// (same sequence and acknowledgement numbers, flags and length) for a same-segment or translated
/// match, or the same payload bytes at the same stream position for a proxied one (a
/// TCP-terminating device that relays the bytes verbatim). Each side's first sighting of a key is
/// used: whatever was retransmitted, the first copy downstream left upstream after the first there.
///
/// `lag` = server-side time − client-side time = delay on the way + the clocks' offset
/// (server-side clock − client-side clock) for packets toward the server, and the offset − the
/// delay for packets toward the client. So the offset is at most the smallest lag toward the server
/// and at least the largest lag toward the client (causality), and the difference of the two is
/// the round trip between the capture points, whatever the clocks say.
public struct SegmentPairing: Sendable {
    public struct Pair: Sendable {
        public var client: SegmentSighting
        public var server: SegmentSighting
        public var lag: Double { server.time - client.time }
        public var towardServer: Bool { client.fromClient }
    }
    /// Every pair, in client-side order.
    public var pairs: [Pair]
    public var proxied: Bool
    /// The pair toward the server with the smallest lag, and the pair toward the client with the largest.
    public var towardServer: Pair?
    public var towardClient: Pair?
    public var towardServerCount = 0
    public var towardClientCount = 0

    /// Both directions paired: the orientation (which side is nearer the client) can be checked.
    public var settlesOrientation: Bool { towardServer != nil && towardClient != nil }
    /// Causality is violated as oriented (a packet toward the server took less time than one toward
    /// the client took negatively): the two capture points are the other way round for this connection.
    public var inverted: Bool {
        guard let f = towardServer, let b = towardClient else { return false }
        return f.lag < b.lag
    }

    public static func pair(clientSide: [SegmentSighting], serverSide: [SegmentSighting], proxied: Bool) -> SegmentPairing {
        var out = SegmentPairing(pairs: [], proxied: proxied)
        var first: [AnyHashable: SegmentSighting] = [:]
        func key(_ x: SegmentSighting) -> AnyHashable? { proxied ? x.payloadKey.map(AnyHashable.init) : AnyHashable(x.key) }
        for x in serverSide {
            guard let k = key(x) else { continue }
            if let y = first[k], y.time <= x.time { continue }
            first[k] = x
        }
        var seen = Set<AnyHashable>()
        for x in clientSide.sorted(by: { $0.time < $1.time }) {
            guard let k = key(x), seen.insert(k).inserted, let y = first[k] else { continue }
            let p = Pair(client: x, server: y)
            out.pairs.append(p)
            if p.towardServer {
                out.towardServerCount += 1
                if out.towardServer.map({ p.lag < $0.lag }) ?? true { out.towardServer = p }
            } else {
                out.towardClientCount += 1
                if out.towardClient.map({ p.lag > $0.lag }) ?? true { out.towardClient = p }
            }
        }
        return out
    }
}
