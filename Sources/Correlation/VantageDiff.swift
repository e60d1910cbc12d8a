import Capture

/// One TCP segment as a capture point saw it, reduced to what identifies it on both sides of a
/// device that does not rewrite sequence numbers (`key`), or, through a TCP-terminating device
/// that relays the bytes, by its payload at its stream position (`payloadKey`).
public struct SegmentSighting: Sendable, Hashable {
    public var frame: Int
    public var time: Double
    public var fromClient: Bool
    public var seq: UInt32
    public var ack: UInt32
    public var flags: UInt16
    public var length: Int
    /// Sequence number relative to the sender's ISN (Wireshark's `tcp.seq`).
    public var relativeSeq: UInt32
    /// FNV-1a hash of the captured payload (0 without payload).
    public var payloadHash: UInt64
    /// IPv4 identification (nil for IPv6).
    public var ipID: UInt16?

    public init(frame: Int, time: Double, fromClient: Bool, seq: UInt32, ack: UInt32, flags: UInt16, length: Int,
                relativeSeq: UInt32 = 0, payloadHash: UInt64 = 0, ipID: UInt16? = nil) {
        self.frame = frame; self.time = time; self.fromClient = fromClient; self.seq = seq; self.ack = ack
        self.flags = flags; self.length = length; self.relativeSeq = relativeSeq; self.payloadHash = payloadHash; self.ipID = ipID
    }

    struct Key: Hashable { var fromClient: Bool; var seq: UInt32; var ack: UInt32; var flags: UInt16; var length: Int }
    var key: Key { Key(fromClient: fromClient, seq: seq, ack: ack, flags: flags, length: length) }

    struct PayloadKey: Hashable { var fromClient: Bool; var relativeSeq: UInt32; var length: Int; var hash: UInt64 }
    /// For segments with payload only.
    var payloadKey: PayloadKey? {
        length > 0 && payloadHash != 0 ? PayloadKey(fromClient: fromClient, relativeSeq: relativeSeq, length: length, hash: payloadHash) : nil
    }

    static let fin: UInt16 = 0x01, syn: UInt16 = 0x02, rst: UInt16 = 0x04, ackFlag: UInt16 = 0x10
    var isFinOrRst: Bool { flags & (Self.fin | Self.rst) != 0 }
    var isSynAck: Bool { flags & Self.syn != 0 && flags & Self.ackFlag != 0 }
    var isPureSyn: Bool { flags & Self.syn != 0 && flags & Self.ackFlag == 0 }

    /// FNV-1a over the payload bytes (never 0 for a non-empty payload in practice).
    public static func hash(_ p: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in p { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        return h
    }
}

/// Packets of one connection that one vantage point saw and the other did not.
public struct VantageDiff: Sendable, Equatable {
    /// Frames (in the upstream trace of their direction) that never reached the downstream capture
    /// point (through a TCP-terminating device: payload it never relayed).
    public var lostBetween: [(trace: String, frame: Int)]
    /// Frames (in the downstream trace) with no origin upstream: created between the capture points
    /// (through a TCP-terminating device: its own SYN, SYN/ACK, FINs and RSTs, and data it made up).
    public var createdBetween: [(trace: String, frame: Int)]
    /// The packets both capture points saw, paired (for timing and IP ID comparisons).
    public var pairing: SegmentPairing?

    public init(lostBetween: [(trace: String, frame: Int)], createdBetween: [(trace: String, frame: Int)], pairing: SegmentPairing? = nil) {
        self.lostBetween = lostBetween; self.createdBetween = createdBetween; self.pairing = pairing
    }

    public static func == (a: VantageDiff, b: VantageDiff) -> Bool {
        a.lostBetween.map { "\($0.trace)#\($0.frame)" } == b.lostBetween.map { "\($0.trace)#\($0.frame)" }
            && a.createdBetween.map { "\($0.trace)#\($0.frame)" } == b.createdBetween.map { "\($0.trace)#\($0.frame)" }
    }

    /// Compares the client-side and the server-side view of one connection. `shift` maps
    /// server-side times onto the client side's clock (known within ± `uncertainty`, nil when
    /// unknown); only the time both captures cover counts.
    public static func compute(clientSide: (trace: String, segments: [SegmentSighting]),
                               serverSide: (trace: String, segments: [SegmentSighting]), shift: Double,
                               uncertainty: Double? = nil, proxied: Bool = false, pairing known: SegmentPairing? = nil,
                               margin: Double = 1) -> VantageDiff {
        func window(_ s: [SegmentSighting], _ d: Double) -> ClosedRange<Double>? {
            guard let lo = s.map(\.time).min(), let hi = s.map(\.time).max() else { return nil }
            return (lo + d - margin)...(hi + d + margin)
        }
        let c = clientSide.segments, s = serverSide.segments
        let cWindow = window(c, 0), sWindow = window(s, shift)
        let pairing = known ?? SegmentPairing.pair(clientSide: c, serverSide: s, proxied: proxied)
        if proxied {
            return throughProxy(clientSide, serverSide, shift: shift, uncertainty: uncertainty, pairing: pairing,
                                cWindow: cWindow, sWindow: sWindow)
        }
        let cKeys = Set(c.map(\.key)), sKeys = Set(s.map(\.key))
        // Offload on either capturing host cuts the same bytes into other segments: compare bytes.
        let cSeen = SegmentCoverage(c), sSeen = SegmentCoverage(s)
        var lost: [(String, Int)] = [], created: [(String, Int)] = []
        for x in c {
            // Toward the server: lost if the server side never saw it; from the server: created if it has no origin there.
            guard let w = sWindow, w.contains(x.time) else { continue }
            if !sSeen.sawCounterpart(of: x, keys: sKeys) {
                if x.fromClient { lost.append((clientSide.trace, x.frame)) } else { created.append((clientSide.trace, x.frame)) }
            }
        }
        for x in s {
            guard let w = cWindow, w.contains(x.time + shift) else { continue }
            if !cSeen.sawCounterpart(of: x, keys: cKeys) {
                if x.fromClient { created.append((serverSide.trace, x.frame)) } else { lost.append((serverSide.trace, x.frame)) }
            }
        }
        return VantageDiff(lostBetween: lost, createdBetween: created, pairing: pairing)
    }

    /// Through a TCP-terminating device nothing is the same segment: the device's own handshake
    /// (the SYN at the server side, the SYN/ACK at the client side) is created between; a FIN or
    /// RST is created between unless its sender's side shows one at the same stream position early
    /// enough to be its origin; payload is compared by bytes at their stream position, when the
    /// device relays any verbatim (data it did not relay is lost between, data with no origin created).
    static func throughProxy(_ clientSide: (trace: String, segments: [SegmentSighting]),
                             _ serverSide: (trace: String, segments: [SegmentSighting]), shift: Double, uncertainty: Double?,
                             pairing: SegmentPairing, cWindow: ClosedRange<Double>?, sWindow: ClosedRange<Double>?) -> VantageDiff {
        let c = clientSide.segments, s = serverSide.segments
        let relays = !pairing.pairs.isEmpty
        let cData = Set(c.compactMap(\.payloadKey)), sData = Set(s.compactMap(\.payloadKey))
        // A close can only have an origin seen before it upstream: on the client's clock, origin
        // time < copy time, allowing for the clock uncertainty (no timing check when it is unknown).
        let slack = uncertainty ?? .infinity
        func hasOrigin(_ x: SegmentSighting, upstream: [SegmentSighting], upstreamToCopyClock: Double) -> Bool {
            upstream.contains { u in
                u.fromClient == x.fromClient && u.isFinOrRst && (u.flags & SegmentSighting.rst) == (x.flags & SegmentSighting.rst)
                    && u.relativeSeq == x.relativeSeq && u.time + upstreamToCopyClock < x.time + slack
            }
        }
        var lost: [(String, Int)] = [], created: [(String, Int)] = []
        for x in c {
            guard let w = sWindow, w.contains(x.time) else { continue }
            if !x.fromClient && x.isSynAck { created.append((clientSide.trace, x.frame)); continue }
            if !x.fromClient && x.isFinOrRst && !hasOrigin(x, upstream: s, upstreamToCopyClock: shift) {
                created.append((clientSide.trace, x.frame)); continue
            }
            guard relays, let k = x.payloadKey, !sData.contains(k) else { continue }
            if x.fromClient { lost.append((clientSide.trace, x.frame)) } else { created.append((clientSide.trace, x.frame)) }
        }
        for x in s {
            guard let w = cWindow, w.contains(x.time + shift) else { continue }
            if x.fromClient && x.isPureSyn { created.append((serverSide.trace, x.frame)); continue }
            if x.fromClient && x.isFinOrRst && !hasOrigin(x, upstream: c, upstreamToCopyClock: -shift) {
                created.append((serverSide.trace, x.frame)); continue
            }
            guard relays, let k = x.payloadKey, !cData.contains(k) else { continue }
            if x.fromClient { created.append((serverSide.trace, x.frame)) } else { lost.append((serverSide.trace, x.frame)) }
        }
        return VantageDiff(lostBetween: lost, createdBetween: created, pairing: pairing)
    }
}
