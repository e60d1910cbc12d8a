import Capture
import Packets

/// The live state of one TCP connection (one `tcp.stream`) while its packets are read:
/// Wireshark's two flows, Zeek's two endpoints, statistics and timing. Directions are indexed
/// by the canonical key: 0 = from `key.low`, 1 = from `key.high`.
final class Connection {
    let key: ConversationKey
    let stream: Int

    // Wireshark
    var flows = DirectionPair(WiresharkFlow(), WiresharkFlow())
    var tsMruSyn: Int64 = 0
    var firstRTT: Int64 = 0

    // Zeek
    var endpoints = DirectionPair(ZeekEndpoint(), ZeekEndpoint())
    /// Direction index of Zeek's originator.
    var origin = 0
    var history = ""
    /// History bits per role (0 originator, 1 responder); not swapped on a flip, as in Zeek.
    var seenBits = DirectionPair<UInt16>(repeating: 0)
    var startedWithSynAck = false

    // casebook
    var firstPureSYNDirection: Int?
    var lastPureSYNSeq = DirectionPair<UInt32?>(repeating: nil)
    var sentSynAck = DirectionPair(repeating: false)
    var sentSYN = DirectionPair(repeating: false)
    var lastWasPureSYN = DirectionPair(repeating: false)
    var stats = DirectionPair(DirectionSummary(), DirectionSummary())
    var handshake = ConnectionSummary.Handshake()
    var handshakeSYNDirection: Int?
    var firstFrame = 0
    var lastFrame = 0
    var packets = 0
    var startTime = Timestamp(nanoseconds: 0)
    var lastTime = Timestamp(nanoseconds: 0)
    /// The longest gap between two packets so far, in integer nanoseconds (a Double division per
    /// packet showed in profiles), and the packets around it; made seconds in ``summary()``.
    var maxIdleNanoseconds: Int64 = 0
    var maxIdleFrom = Timestamp(nanoseconds: 0), maxIdleTo = Timestamp(nanoseconds: 0)
    var maxIdleEndFrame: Int?
    var lastDataTime: Timestamp?
    var closeFrame: Int?
    var closeTime: Timestamp?
    var closeDirection: Int?
    var closeKind: ConnectionSummary.CloseKind?
    var ackRTT = RTTStats()
    var queuedForRelease = false
    var app = ApplicationObservation()
    var hostRecords = DirectionPair<HostRecord?>(repeating: nil)
    var lastIPID = DirectionPair<UInt16?>(repeating: nil)
    var checksumSamples = DirectionPair(repeating: 0)

    init(key: ConversationKey, stream: Int) {
        self.key = key
        self.stream = stream
    }

    /// Packet bookkeeping common to every segment (given the frame and headers, not the packet:
    /// passing the 620-byte packet along cost a copy of it).
    func count(_ f: Frame, _ ip: IPHeader, _ tcp: TCPHeader, direction d: Int, flags: AnalysisFlags, window: Int) {
        if packets == 0 {
            firstFrame = f.number
            startTime = f.timestamp
        } else {
            let gap = Timestamp.nanoseconds(from: lastTime, to: f.timestamp)
            if gap > maxIdleNanoseconds {
                maxIdleNanoseconds = gap
                maxIdleFrom = lastTime
                maxIdleTo = f.timestamp
                maxIdleEndFrame = f.number
            }
        }
        packets += 1
        lastFrame = f.number
        lastTime = f.timestamp
        if tcp.segmentLength > 0 { lastDataTime = f.timestamp }
        // Both directions' summaries in place, through one inlined access.
        stats.withBoth(d) { mine, peer in
            if tcp.flags.contains(.ack) && !tcp.flags.contains(.rst),
               peer.peerMaxAck.map({ Seq.gt(tcp.acknowledgementNumber, $0) }) ?? true {
                peer.peerMaxAck = tcp.acknowledgementNumber
            }
            Self.count(tcp, into: &mine, frame: f.number, flags: flags, window: window)
            if ip.version == 4 { mine.ipIDs.add(ip.identification, dontFragment: ip.dontFragment) }
        }
        let fl = tcp.flags
        if (fl.contains(.fin) || fl.contains(.rst)) && closeFrame == nil {
            closeFrame = f.number
            closeTime = f.timestamp
            closeDirection = d
            closeKind = fl.contains(.rst) ? .rst : .fin
        }
        // Handshake timing: first pure SYN, first SYN/ACK answering it, first ACK after that.
        if fl.contains(.syn) && !fl.contains(.ack) {
            if handshake.synFrame == nil {
                handshake.synFrame = f.number
                handshake.synTime = f.timestamp
                handshake.synTTL = ip.ttl
                handshake.synIPID = ip.version == 4 ? ip.identification : nil
                handshakeSYNDirection = d
            } else if d == handshakeSYNDirection && handshake.synAckFrame == nil {
                handshake.synRetransmissions += 1
            }
        } else if fl.contains(.syn) && fl.contains(.ack) {
            if handshake.synAckFrame == nil && (handshakeSYNDirection == nil || handshakeSYNDirection != d) {
                handshake.synAckFrame = f.number
                handshake.synAckTime = f.timestamp
                handshake.synAckTTL = ip.ttl
                handshake.synAckIPID = ip.version == 4 ? ip.identification : nil
            }
        } else if fl.contains(.ack) && !fl.contains(.rst) && handshake.synAckFrame != nil && handshake.ackFrame == nil
                    && d != (handshakeSYNDirection.map { 1 - $0 } ?? -1) {
            handshake.ackFrame = f.number
            handshake.ackTime = f.timestamp
        }
    }

    /// One direction's counters for a segment it sent (in place: no copy of the summary).
    private static func count(_ tcp: TCPHeader, into s: inout DirectionSummary, frame: Int, flags: AnalysisFlags, window: Int) {
        let fl = tcp.flags
        s.packets += 1
        s.payloadBytes += tcp.segmentLength
        if tcp.segmentLength > s.maxSegment { s.maxSegment = tcp.segmentLength }
        if tcp.segmentLength > 0 {
            let end = tcp.sequenceNumber &+ UInt32(truncatingIfNeeded: tcp.segmentLength)
            if s.dataEnd.map({ Seq.gt(end, $0) }) ?? true { s.dataEnd = end }
        }
        // Most segments carry no analysis flag: one test instead of fifteen.
        if flags.rawValue != 0 {
            if flags.isAnyRetransmission {
                s.retransmissions += 1
                s.retransmittedBytes += tcp.segmentLength
            }
            if flags.contains(.fastRetransmission) { s.fastRetransmissions += 1 }
            if flags.contains(.spuriousRetransmission) { s.spuriousRetransmissions += 1 }
            if flags.contains(.outOfOrder) { s.outOfOrder += 1 }
            if flags.contains(.duplicateAck) { s.duplicateAcks += 1 }
            if flags.contains(.lostSegment) { s.lostSegments += 1 }
            if flags.contains(.ackLostSegment) { s.ackedUnseen += 1 }
            if flags.contains(.zeroWindow) {
                s.zeroWindows += 1
                if s.firstZeroWindowFrame == nil { s.firstZeroWindowFrame = frame }
            }
            if flags.contains(.ackLostSegment) && s.firstAckedUnseenFrame == nil { s.firstAckedUnseenFrame = frame }
            if flags.contains(.lostSegment) && s.firstLostSegmentFrame == nil { s.firstLostSegmentFrame = frame }
            if flags.contains(.zeroWindowProbe) { s.zeroWindowProbes += 1 }
            if flags.contains(.keepAlive) { s.keepAlives += 1 }
            if flags.contains(.windowFull) { s.windowFull += 1 }
            if flags.contains(.challengeAck) { s.challengeAcks += 1 }
        }
        if window > s.maxWindow { s.maxWindow = window }
        if fl.contains(.syn) {
            let o = tcp.options
            s.isn = tcp.sequenceNumber
            s.mss = o.mss.map(Int.init)
            s.windowScale = o.windowScale.map(Int.init)
            s.sackPermitted = o.sackPermitted
            s.timestamps = o.timestampValue != nil
            s.ecnSetup = fl.contains(.ack) ? fl.contains(.ece) : (fl.contains(.ece) && fl.contains(.cwr))
        }
        if fl.contains(.fin) && s.finFrame == nil { s.finFrame = frame }
        if fl.contains(.rst) && s.rstFrame == nil { s.rstFrame = frame }
    }

    /// The finished record.
    func summary() -> ConnectionSummary {
        if startedWithSynAck { completeSynAckFlip() }
        // Client: the first pure SYN's sender; otherwise Zeek's originator.
        let clientDir = firstPureSYNDirection ?? origin
        let endpointsByDir = [key.low, key.high]
        let orig = endpoints[origin], resp = endpoints[1 - origin]
        for d in 0..<2 {
            if let end = stats[d].dataEnd {
                stats[d].unackedData = stats[d].peerMaxAck.map { Seq.lt($0, end) } ?? true
            }
        }
        return ConnectionSummary(
            stream: stream,
            client: endpointsByDir[clientDir],
            server: endpointsByDir[1 - clientDir],
            originator: endpointsByDir[origin],
            state: ConnState.derive(orig: orig, resp: resp, history: history),
            history: history,
            firstFrame: firstFrame,
            lastFrame: lastFrame,
            packets: packets,
            startTime: startTime,
            endTime: lastTime,
            toServer: stats[clientDir],
            toClient: stats[1 - clientDir],
            handshake: handshake,
            maxIdle: maxIdleEndFrame == nil ? 0 : Timestamp.interval(from: maxIdleFrom, to: maxIdleTo),
            maxIdleEndFrame: maxIdleEndFrame,
            lastDataTime: lastDataTime,
            closeFrame: closeFrame,
            closeTime: closeTime,
            closedByServer: closeDirection.map { $0 != clientDir },
            closeKind: closeKind,
            initialRTT: firstRTT > 0 ? Double(firstRTT) / 1e9 : nil,
            ackRTT: ackRTT,
            application: app)
    }
}
