import Capture

/// One TCP segment as a capture point saw it, reduced to what identifies it on both sides of a
/// device that does not rewrite sequence numbers.
public struct SegmentSighting: Sendable, Hashable {
    public var frame: Int
    public var time: Double
    public var fromClient: Bool
    public var seq: UInt32
    public var ack: UInt32
    public var flags: UInt16
    public var length: Int

    public init(frame: Int, time: Double, fromClient: Bool, seq: UInt32, ack: UInt32, flags: UInt16, length: Int) {
        self.frame = frame; self.time = time; self.fromClient = fromClient; self.seq = seq; self.ack = ack
        self.flags = flags; self.length = length
    }

    struct Key: Hashable { var fromClient: Bool; var seq: UInt32; var ack: UInt32; var flags: UInt16; var length: Int }
    var key: Key { Key(fromClient: fromClient, seq: seq, ack: ack, flags: flags, length: length) }
}

/// Packets of one connection that one vantage point saw and the other did not.
public struct VantageDiff: Sendable, Equatable {
    /// Frames (in the upstream trace of their direction) that never reached the downstream capture point.
    public var lostBetween: [(trace: String, frame: Int)]
    /// Frames (in the downstream trace) with no origin upstream: created between the capture points.
    public var createdBetween: [(trace: String, frame: Int)]

    public static func == (a: VantageDiff, b: VantageDiff) -> Bool {
        a.lostBetween.map { "\($0.trace)#\($0.frame)" } == b.lostBetween.map { "\($0.trace)#\($0.frame)" }
            && a.createdBetween.map { "\($0.trace)#\($0.frame)" } == b.createdBetween.map { "\($0.trace)#\($0.frame)" }
    }

    /// Compares the client-side and the server-side view of one connection. `shift` maps
    /// server-side times onto the client side's clock; only the time both captures cover counts.
    public static func compute(clientSide: (trace: String, segments: [SegmentSighting]),
                               serverSide: (trace: String, segments: [SegmentSighting]), shift: Double,
                               margin: Double = 1) -> VantageDiff {
        func window(_ s: [SegmentSighting], _ d: Double) -> ClosedRange<Double>? {
            guard let lo = s.map(\.time).min(), let hi = s.map(\.time).max() else { return nil }
            return (lo + d - margin)...(hi + d + margin)
        }
        let c = clientSide.segments, s = serverSide.segments
        let cKeys = Set(c.map(\.key)), sKeys = Set(s.map(\.key))
        let cWindow = window(c, 0), sWindow = window(s, shift)
        var lost: [(String, Int)] = [], created: [(String, Int)] = []
        for x in c {
            // Toward the server: lost if the server side never saw it; from the server: created if it has no origin there.
            guard let w = sWindow, w.contains(x.time) else { continue }
            if !sKeys.contains(x.key) {
                if x.fromClient { lost.append((clientSide.trace, x.frame)) } else { created.append((clientSide.trace, x.frame)) }
            }
        }
        for x in s {
            guard let w = cWindow, w.contains(x.time + shift) else { continue }
            if !cKeys.contains(x.key) {
                if x.fromClient { created.append((serverSide.trace, x.frame)) } else { lost.append((serverSide.trace, x.frame)) }
            }
        }
        return VantageDiff(lostBetween: lost, createdBetween: created)
    }
}
