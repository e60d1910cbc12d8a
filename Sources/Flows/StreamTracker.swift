import Packets

/// Wireshark's `tcp.stream` numbering and default relative sequence numbers, frame by frame.
///
/// A conversation is the pair of endpoints. As in tshark 4.0.17 (docs/research/tcp-analysis-rules.md §1):
/// only a pure SYN whose sequence number differs from the base already recorded for its
/// direction starts a new stream ("TCP Port numbers reused"), whether or not the old connection
/// closed; a SYN/ACK with a new sequence number stays in the stream and resets its direction's
/// base. The base of a direction is the SYN's sequence number, or `seq - 1` for a first segment
/// that is not a SYN (so it shows as Seq=1); when the reverse direction is still unknown, its
/// base is taken from the ACK number. An ICMP error quoting a whole TCP header also finds or
/// creates the conversation (and so uses up a stream number), without touching sequence state.
public struct StreamTracker {
    struct Direction {
        var base: UInt32?
        var synSeen = false
        var windowScale: UInt8?
    }

    struct Conversation {
        var stream: Int
        var dirs = (Direction(), Direction())
    }

    /// What the tracker says about one TCP segment.
    public struct Assignment: Sendable {
        public var stream: Int
        /// 0: from the conversation's lower endpoint; 1: from the higher.
        public var direction: Int
        public var relativeSeq: UInt32
        public var relativeAck: UInt32?
        /// Window multiplier Wireshark applies (nil: unknown, the raw value is shown).
        public var windowMultiplier: Int?
        /// Base sequence number of the reverse direction (for relative SACK edges).
        public var reverseBase: UInt32?
        /// True when this SYN reused the ports of an earlier stream.
        public var reusedPorts: Bool
    }

    private var conversations: [ConversationKey: Conversation] = [:]
    public private(set) var streamCount = 0

    public init() {}

    /// Stream of a TCP header quoted in full by an ICMP error (created if new).
    public mutating func assignQuoted(source: Endpoint, destination: Endpoint) -> Int {
        let key = ConversationKey(source, destination)
        if let existing = conversations[key] { return existing.stream }
        conversations[key] = Conversation(stream: streamCount)
        streamCount += 1
        return streamCount - 1
    }

    /// Assigns a TCP segment. `lengthKnown` is false for a "short segment" whose header claims
    /// more than the IP payload holds: Wireshark then runs no sequence analysis for it.
    public mutating func assign(_ tcp: TCPHeader, source: Endpoint, destination: Endpoint,
                                lengthKnown: Bool = true) -> Assignment {
        let key = ConversationKey(source, destination)
        let d = key.direction(from: source)
        let isSYN = tcp.flags.contains(.syn)
        let pureSYN = isSYN && !tcp.flags.contains(.ack)
        var reused = false
        var conv: Conversation
        if let existing = conversations[key] {
            conv = existing
            let fwdBase = d == 0 ? conv.dirs.0.base : conv.dirs.1.base
            if pureSYN, let base = fwdBase, base != tcp.sequenceNumber {
                conv = Conversation(stream: streamCount)
                streamCount += 1
                reused = true
            } else if isSYN, let base = fwdBase, base != tcp.sequenceNumber {
                // SYN/ACK with a new ISN: same stream, its direction starts again from here.
                if d == 0 { conv.dirs.0.base = tcp.sequenceNumber } else { conv.dirs.1.base = tcp.sequenceNumber }
                reused = true
            }
        } else {
            conv = Conversation(stream: streamCount)
            streamCount += 1
        }
        guard lengthKnown else {
            conversations[key] = conv
            return Assignment(stream: conv.stream, direction: d, relativeSeq: tcp.sequenceNumber,
                              relativeAck: tcp.flags.contains(.ack) ? tcp.acknowledgementNumber : nil,
                              windowMultiplier: nil, reverseBase: nil, reusedPorts: reused)
        }
        var fwd = d == 0 ? conv.dirs.0 : conv.dirs.1
        var rev = d == 0 ? conv.dirs.1 : conv.dirs.0
        if fwd.base == nil {
            fwd.base = isSYN ? tcp.sequenceNumber : tcp.sequenceNumber &- 1
        }
        if isSYN {
            fwd.synSeen = true
            fwd.windowScale = tcp.options.windowScale
        }
        if tcp.flags.contains(.ack) && rev.base == nil {
            rev.base = tcp.acknowledgementNumber &- 1
        }
        let multiplier: Int?
        if isSYN {
            multiplier = 1
        } else if fwd.synSeen && rev.synSeen {
            if let ws = fwd.windowScale, rev.windowScale != nil { multiplier = 1 << Int(min(ws, 14)) } else { multiplier = 1 }
        } else {
            multiplier = nil
        }
        let assignment = Assignment(
            stream: conv.stream, direction: d,
            relativeSeq: tcp.sequenceNumber &- (fwd.base ?? 0),
            relativeAck: tcp.flags.contains(.ack) ? tcp.acknowledgementNumber &- (rev.base ?? 0) : nil,
            windowMultiplier: multiplier,
            reverseBase: rev.base,
            reusedPorts: reused)
        if d == 0 { conv.dirs = (fwd, rev) } else { conv.dirs = (rev, fwd) }
        conversations[key] = conv
        return assignment
    }
}
