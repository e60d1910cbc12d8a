import Capture

/// Pieces of one `tcp.stream` (a connection released and continued by late packets) made into
/// one summary: counts added, first occurrences from the earlier piece, latest positions from the
/// later one.
extension ConnectionSummary {
    static func merged(_ a: ConnectionSummary, _ b: ConnectionSummary) -> ConnectionSummary {
        var b = b
        let swapped = b.client != a.client
        if swapped {
            // The later piece chose its roles from its own first packet: take the earlier piece's.
            swap(&b.toServer, &b.toClient)
            b.closedByServer = b.closedByServer.map { !$0 }
        }
        var m = b.packets > 0 ? b : a
        // Zeek's state: a connection released after it settled (closed, or reset after its
        // handshake) keeps its state, as one pass would (late segments of a closed or reset
        // endpoint change no state); the later piece of an attempt released while unanswered
        // goes on with the handshake, and its state is the connection's.
        if a.handshake.synAckFrame != nil || a.handshake.ackFrame != nil { m.state = a.state }
        m.firstFrame = min(a.firstFrame, b.firstFrame)
        m.lastFrame = max(a.lastFrame, b.lastFrame)
        m.startTime = min(a.startTime, b.startTime)
        m.endTime = max(a.endTime, b.endTime)
        m.packets = a.packets + b.packets
        m.client = a.client
        m.server = a.server
        m.originator = a.originator
        m.handshake = a.handshake
        if a.handshake.synAckFrame == nil, b.handshake.synFrame != nil {
            // The later piece's SYNs repeat the attempt; its answer, if any, completes it.
            m.handshake.synRetransmissions += 1 + b.handshake.synRetransmissions
            if let f = b.handshake.synAckFrame {
                m.handshake.synAckFrame = f
                m.handshake.synAckTime = b.handshake.synAckTime
                m.handshake.synAckTTL = b.handshake.synAckTTL
                m.handshake.synAckIPID = b.handshake.synAckIPID
            }
            if m.handshake.ackFrame == nil, let f = b.handshake.ackFrame {
                m.handshake.ackFrame = f
                m.handshake.ackTime = b.handshake.ackTime
            }
        }
        // The later piece's letters are in its own roles: upper case is its originator's.
        m.history = mergedHistory(a.history, b.originator == a.originator ? b.history : swappedCase(b.history))
        m.toServer = a.toServer.merged(with: b.toServer)
        m.toClient = a.toClient.merged(with: b.toClient)
        m.closeFrame = a.closeFrame ?? b.closeFrame
        m.closeTime = a.closeTime ?? b.closeTime
        m.closedByServer = a.closedByServer ?? b.closedByServer
        m.closeKind = a.closeKind ?? b.closeKind
        let gap = Timestamp.interval(from: a.endTime, to: b.startTime)
        m.maxIdle = max(a.maxIdle, b.maxIdle, gap)
        m.maxIdleEndFrame = gap > max(a.maxIdle, b.maxIdle) ? b.firstFrame
            : (a.maxIdle >= b.maxIdle ? a.maxIdleEndFrame : b.maxIdleEndFrame)
        m.initialRTT = a.initialRTT ?? b.initialRTT
        m.ackRTT = a.ackRTT.merged(with: b.ackRTT)
        m.lastDataTime = b.lastDataTime ?? a.lastDataTime
        m.application = swapped ? a.application.merged(withSwapped: b.application) : a.application.merged(with: b.application)
        return m
    }

    /// Zeek records a history letter once per direction: the later piece adds only letters the
    /// earlier one does not have (its own '^' flip marker dropped).
    static func mergedHistory(_ a: String, _ b: String) -> String {
        a + b.filter { $0 != "^" && !a.contains($0) }
    }

    /// A history with originator's and responder's letters exchanged (upper ↔ lower case).
    static func swappedCase(_ h: String) -> String {
        String(h.map { $0.isUppercase ? Character($0.lowercased()) : Character($0.uppercased()) })
    }
}

extension ApplicationObservation {
    /// The earlier piece's observation followed by the later one's: first occurrences from the
    /// earlier, last ones (commands, replies, data frames, the latest guess) from the later.
    func merged(with o: ApplicationObservation) -> ApplicationObservation {
        var m = self
        m.guess = o.guess ?? guess
        if o.lastClientCommandFrame != nil {
            m.lastClientCommand = o.lastClientCommand
            m.lastClientCommandFrame = o.lastClientCommandFrame
        }
        m.lastClientCommandTime = o.lastClientCommandTime ?? lastClientCommandTime
        m.dataTerminatorFrame = o.dataTerminatorFrame ?? dataTerminatorFrame
        if o.lastServerReplyFrame != nil {
            m.lastServerReply = o.lastServerReply
            m.lastServerReplyFrame = o.lastServerReplyFrame
        }
        m.tlsClientHelloFrame = tlsClientHelloFrame ?? o.tlsClientHelloFrame
        m.tlsServerHelloFrame = tlsServerHelloFrame ?? o.tlsServerHelloFrame
        m.lastClientDataFrame = o.lastClientDataFrame ?? lastClientDataFrame
        m.lastServerDataFrame = o.lastServerDataFrame ?? lastServerDataFrame
        return m
    }

    /// The same when the later piece took the roles the other way round: only its data frames
    /// are used (its "client" payload came from the server).
    func merged(withSwapped o: ApplicationObservation) -> ApplicationObservation {
        var m = self
        m.lastClientDataFrame = o.lastServerDataFrame ?? lastClientDataFrame
        m.lastServerDataFrame = o.lastClientDataFrame ?? lastServerDataFrame
        return m
    }
}

extension RTTStats {
    func merged(with o: RTTStats) -> RTTStats {
        var m = self
        m.count += o.count
        m.sum += o.sum
        m.min = Swift.min(min, o.min)
        m.max = Swift.max(max, o.max)
        return m
    }
}

extension DirectionSummary {
    func merged(with o: DirectionSummary) -> DirectionSummary {
        var m = self
        m.packets += o.packets
        m.payloadBytes += o.payloadBytes
        m.retransmittedBytes += o.retransmittedBytes
        m.retransmissions += o.retransmissions
        m.fastRetransmissions += o.fastRetransmissions
        m.spuriousRetransmissions += o.spuriousRetransmissions
        m.outOfOrder += o.outOfOrder
        m.duplicateAcks += o.duplicateAcks
        m.lostSegments += o.lostSegments
        m.ackedUnseen += o.ackedUnseen
        m.zeroWindows += o.zeroWindows
        m.zeroWindowProbes += o.zeroWindowProbes
        m.keepAlives += o.keepAlives
        m.windowFull += o.windowFull
        m.challengeAcks += o.challengeAcks
        m.maxWindow = Swift.max(m.maxWindow, o.maxWindow)
        m.maxSegment = Swift.max(m.maxSegment, o.maxSegment)
        // First occurrences: the earlier piece's when it has one.
        m.firstZeroWindowFrame = m.firstZeroWindowFrame ?? o.firstZeroWindowFrame
        m.firstAckedUnseenFrame = m.firstAckedUnseenFrame ?? o.firstAckedUnseenFrame
        m.firstLostSegmentFrame = m.firstLostSegmentFrame ?? o.firstLostSegmentFrame
        m.isn = m.isn ?? o.isn
        m.mss = m.mss ?? o.mss
        m.windowScale = m.windowScale ?? o.windowScale
        m.sackPermitted = m.sackPermitted || o.sackPermitted
        m.timestamps = m.timestamps || o.timestamps
        m.ecnSetup = m.ecnSetup || o.ecnSetup
        m.finFrame = m.finFrame ?? o.finFrame
        m.rstFrame = m.rstFrame ?? o.rstFrame
        // Latest positions: the later piece's when it sent or acknowledged anything.
        m.dataEnd = o.dataEnd ?? m.dataEnd
        m.peerMaxAck = o.peerMaxAck ?? m.peerMaxAck
        if o.dataEnd != nil || o.peerMaxAck != nil { m.unackedData = o.unackedData }
        m.ipIDs = m.ipIDs.merged(with: o.ipIDs)
        return m
    }
}
