import Capture
import Packets

/// ConnectionSummary in the compact encoding of ``CompactWriter``: every stored property, in
/// declaration order (a round-trip test over the lab and corpus captures keeps it complete).
extension ConnectionSummary {
    func encode(to w: inout CompactWriter) {
        w.int(stream)
        w.endpoint(client)
        w.endpoint(server)
        // Zeek's originator is the client or the server: one byte.
        w.unsigned(originator == client ? 0 : originator == server ? 1 : 2)
        if originator != client && originator != server { w.endpoint(originator) }
        w.unsigned(UInt64(ConnState.allCases.firstIndex(of: state)!))
        w.string(history)
        w.int(firstFrame)
        let frames = firstFrame
        w.int(lastFrame - firstFrame)
        w.int(packets)
        w.timestamp(startTime)
        w.timestamp(endTime, near: startTime)
        // The handshake before the directions: ``ConnectionHead`` reads up to here.
        handshake.encode(to: &w, near: startTime, frames: firstFrame)
        toServer.encode(to: &w, frames: firstFrame)
        toClient.encode(to: &w, frames: firstFrame)
        w.double(maxIdle)
        w.frame(maxIdleEndFrame, near: frames)
        w.timestamp(lastDataTime, near: startTime)
        w.frame(closeFrame, near: frames)
        w.timestamp(closeTime, near: startTime)
        w.unsigned(closedByServer.map { $0 ? 2 : 1 } ?? 0)
        w.unsigned(closeKind.map { $0 == .fin ? 1 : 2 } ?? 0)
        w.optional(initialRTT)
        w.int(ackRTT.count)
        if ackRTT.count > 0 { w.double(ackRTT.min); w.double(ackRTT.max); w.double(ackRTT.sum) }
        application.encode(to: &w, near: startTime, frames: firstFrame)
    }

    static func decode(from r: inout CompactReader) -> ConnectionSummary {
        let stream = r.int()
        let client = r.endpoint(), server = r.endpoint()
        let who = r.unsigned()
        let originator = who == 0 ? client : who == 1 ? server : r.endpoint()
        let state = ConnState.allCases[Int(r.unsigned())]
        let history = r.string()
        let firstFrame = r.int()
        let frames = firstFrame
        let lastFrame = firstFrame + r.int()
        let packets = r.int()
        let startTime = r.timestamp()
        let endTime = r.timestamp(near: startTime)!
        let handshake = Handshake.decode(from: &r, near: startTime, frames: firstFrame)
        let toServer = DirectionSummary.decode(from: &r, frames: firstFrame)
        let toClient = DirectionSummary.decode(from: &r, frames: firstFrame)
        let maxIdle = r.double()
        let maxIdleEndFrame = r.frame(near: frames)
        let lastDataTime = r.timestamp(near: startTime)
        let closeFrame = r.frame(near: frames)
        let closeTime = r.timestamp(near: startTime)
        let byServer = r.unsigned()
        let kind = r.unsigned()
        let initialRTT = r.optionalDouble()
        var rtt = RTTStats()
        rtt.count = r.int()
        if rtt.count > 0 { rtt.min = r.double(); rtt.max = r.double(); rtt.sum = r.double() }
        let application = ApplicationObservation.decode(from: &r, near: startTime, frames: firstFrame)
        return ConnectionSummary(
            stream: stream, client: client, server: server, originator: originator, state: state, history: history,
            firstFrame: firstFrame, lastFrame: lastFrame, packets: packets, startTime: startTime, endTime: endTime,
            toServer: toServer, toClient: toClient, handshake: handshake, maxIdle: maxIdle, maxIdleEndFrame: maxIdleEndFrame,
            lastDataTime: lastDataTime, closeFrame: closeFrame, closeTime: closeTime,
            closedByServer: byServer == 0 ? nil : byServer == 2, closeKind: kind == 0 ? nil : kind == 1 ? .fin : .rst,
            initialRTT: initialRTT, ackRTT: rtt, application: application)
    }
}

extension ConnectionHead {
    /// Only the stream and first frame at the start of a record (the finished connections'
    /// sort key): no timestamps or handshake decoded.
    static func sortKey(from r: inout CompactReader) -> (stream: Int, firstFrame: Int) {
        let stream = r.int()
        _ = r.endpoint(); _ = r.endpoint()
        if r.unsigned() > 1 { _ = r.endpoint() }
        _ = r.unsigned()
        r.skipString()
        return (stream, r.int())
    }

    /// The start of a compact record (``ConnectionSummary/encode(to:)``), the rest left unread.
    static func decode(from r: inout CompactReader) -> ConnectionHead {
        let stream = r.int()
        let client = r.endpoint(), server = r.endpoint()
        if r.unsigned() > 1 { _ = r.endpoint() }
        let state = ConnState.allCases[Int(r.unsigned())]
        r.skipString()
        let firstFrame = r.int()
        let lastFrame = firstFrame + r.int()
        let packets = r.int()
        let startTime = r.timestamp()
        let endTime = r.timestamp(near: startTime)!
        let handshake = ConnectionSummary.Handshake.decode(from: &r, near: startTime, frames: firstFrame)
        return ConnectionHead(stream: stream, client: client, server: server, state: state, firstFrame: firstFrame,
                              lastFrame: lastFrame, packets: packets, startTime: startTime, endTime: endTime, handshake: handshake)
    }
}

extension DirectionSummary {
    func encode(to w: inout CompactWriter, frames: Int) {
        w.int(packets); w.int(payloadBytes); w.int(retransmittedBytes); w.int(retransmissions)
        w.int(fastRetransmissions); w.int(spuriousRetransmissions); w.int(outOfOrder)
        w.int(duplicateAcks); w.int(lostSegments); w.int(ackedUnseen); w.int(zeroWindows)
        w.int(zeroWindowProbes); w.int(keepAlives); w.int(windowFull); w.int(challengeAcks)
        w.int(maxWindow); w.int(maxSegment)
        w.frame(firstZeroWindowFrame, near: frames)
        w.frame(firstAckedUnseenFrame, near: frames)
        w.frame(firstLostSegmentFrame, near: frames)
        w.optional(isn)
        w.optional(mss)
        w.optional(windowScale)
        w.frame(finFrame, near: frames)
        w.frame(rstFrame, near: frames)
        w.optional(dataEnd)
        w.optional(peerMaxAck)
        var bits: UInt64 = 0
        if sackPermitted { bits |= 1 }
        if timestamps { bits |= 2 }
        if ecnSetup { bits |= 4 }
        if unackedData { bits |= 8 }
        w.unsigned(bits)
        ipIDs.encode(to: &w)
    }

    static func decode(from r: inout CompactReader, frames: Int) -> DirectionSummary {
        var d = DirectionSummary()
        d.packets = r.int(); d.payloadBytes = r.int(); d.retransmittedBytes = r.int(); d.retransmissions = r.int()
        d.fastRetransmissions = r.int(); d.spuriousRetransmissions = r.int(); d.outOfOrder = r.int()
        d.duplicateAcks = r.int(); d.lostSegments = r.int(); d.ackedUnseen = r.int(); d.zeroWindows = r.int()
        d.zeroWindowProbes = r.int(); d.keepAlives = r.int(); d.windowFull = r.int(); d.challengeAcks = r.int()
        d.maxWindow = r.int(); d.maxSegment = r.int()
        d.firstZeroWindowFrame = r.frame(near: frames)
        d.firstAckedUnseenFrame = r.frame(near: frames)
        d.firstLostSegmentFrame = r.frame(near: frames)
        d.isn = r.optional(UInt32.self)
        d.mss = r.optionalInt()
        d.windowScale = r.optionalInt()
        d.finFrame = r.frame(near: frames)
        d.rstFrame = r.frame(near: frames)
        d.dataEnd = r.optional(UInt32.self)
        d.peerMaxAck = r.optional(UInt32.self)
        let bits = r.unsigned()
        d.sackPermitted = bits & 1 != 0
        d.timestamps = bits & 2 != 0
        d.ecnSetup = bits & 4 != 0
        d.unackedData = bits & 8 != 0
        d.ipIDs = IPIDSeries.decode(from: &r)
        return d
    }
}

extension ConnectionSummary.Handshake {
    func encode(to w: inout CompactWriter, near base: Timestamp, frames: Int) {
        w.frame(synFrame, near: frames)
        w.timestamp(synTime, near: base)
        w.int(synRetransmissions)
        w.frame(synAckFrame, near: frames)
        w.timestamp(synAckTime, near: base)
        w.frame(ackFrame, near: frames)
        w.timestamp(ackTime, near: base)
        w.optional(synTTL)
        w.optional(synAckTTL)
        w.optional(synIPID)
        w.optional(synAckIPID)
    }

    static func decode(from r: inout CompactReader, near base: Timestamp, frames: Int) -> Self {
        var h = Self()
        h.synFrame = r.frame(near: frames)
        h.synTime = r.timestamp(near: base)
        h.synRetransmissions = r.int()
        h.synAckFrame = r.frame(near: frames)
        h.synAckTime = r.timestamp(near: base)
        h.ackFrame = r.frame(near: frames)
        h.ackTime = r.timestamp(near: base)
        h.synTTL = r.optional(UInt8.self)
        h.synAckTTL = r.optional(UInt8.self)
        h.synIPID = r.optional(UInt16.self)
        h.synAckIPID = r.optional(UInt16.self)
        return h
    }
}

extension ApplicationObservation {
    func encode(to w: inout CompactWriter, near base: Timestamp, frames: Int) {
        w.unsigned(guess.map { $0 == .smtp ? 1 : $0 == .http ? 2 : 3 } ?? 0)
        w.optional(lastClientCommand)
        w.frame(lastClientCommandFrame, near: frames)
        w.timestamp(lastClientCommandTime, near: base)
        w.frame(dataTerminatorFrame, near: frames)
        w.optional(lastServerReply)
        w.frame(lastServerReplyFrame, near: frames)
        w.frame(tlsClientHelloFrame, near: frames)
        w.frame(tlsServerHelloFrame, near: frames)
        w.frame(lastClientDataFrame, near: frames)
        w.frame(lastServerDataFrame, near: frames)
    }

    static func decode(from r: inout CompactReader, near base: Timestamp, frames: Int) -> Self {
        var a = Self()
        let g = r.unsigned()
        a.guess = g == 0 ? nil : g == 1 ? .smtp : g == 2 ? .http : .tls
        a.lastClientCommand = r.optionalString()
        a.lastClientCommandFrame = r.frame(near: frames)
        a.lastClientCommandTime = r.timestamp(near: base)
        a.dataTerminatorFrame = r.frame(near: frames)
        a.lastServerReply = r.optionalString()
        a.lastServerReplyFrame = r.frame(near: frames)
        a.tlsClientHelloFrame = r.frame(near: frames)
        a.tlsServerHelloFrame = r.frame(near: frames)
        a.lastClientDataFrame = r.frame(near: frames)
        a.lastServerDataFrame = r.frame(near: frames)
        return a
    }
}
