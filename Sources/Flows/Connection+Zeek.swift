import Packets

/// Zeek's view of the connection: originator choice, the endpoint state machine, history letters
/// and retransmission/zero-window counting (docs/research/tcp-analysis-rules.md §4).
extension Connection {
    enum HistoryBit: UInt16 {
        case syn = 1, fin = 2, rst = 4, finRst = 8, data = 16, ack = 32, multi = 64
    }

    /// Zeek's `likely_server_ports` (base scripts of Zeek 6/7; see the research notes).
    static let likelyServerPorts: Set<UInt16> = [
        21, 22, 25, 53, 79, 80, 81, 88, 110, 135, 139, 143, 389, 443, 445, 502, 563, 585, 587, 614, 631, 636,
        989, 990, 992, 993, 995, 1080, 1434, 1883, 2811, 3128, 3268, 3306, 3389, 5222, 5223, 5269, 5432,
        6379, 6666, 6667, 6668, 6669, 8000, 8080, 8888, 20000,
    ]

    /// Decides Zeek's originator from the first packet.
    func chooseOrigin(_ tcp: TCPHeader, direction d: Int) {
        origin = d
        let syn = tcp.flags.contains(.syn), ack = tcp.flags.contains(.ack)
        // Only a start without SYN can be flipped here; a SYN/ACK start is flipped later.
        guard !syn else {
            if ack { startedWithSynAck = true }
            return
        }
        let likelySrc = Self.likelyServerPorts.contains(tcp.sourcePort)
        let likelyDst = Self.likelyServerPorts.contains(tcp.destinationPort)
        var flip = false
        if likelySrc {
            flip = likelyDst ? (!syn && tcp.sourcePort < tcp.destinationPort) : true
        }
        if flip {
            origin = 1 - d
            history.append("^")
        }
    }

    private func isOrig(_ d: Int) -> Bool { d == origin }

    /// Zeek's `CheckHistory`: true when the letter was already recorded for this role. Inlined
    /// (nearly always the letter is there already); recording a new one is not.
    @inline(__always)
    private func checkHistory(_ bit: HistoryBit, _ code: Character, direction d: Int) -> Bool {
        let role = isOrig(d) ? 0 : 1
        if seenBits[role] & bit.rawValue != 0 { return true }
        recordHistory(bit, code, role: role, direction: d)
        return false
    }

    @inline(never)
    private func recordHistory(_ bit: HistoryBit, _ code: Character, role: Int, direction d: Int) {
        seenBits[role] |= bit.rawValue
        addHistory(code, direction: d)
    }

    private func addHistory(_ code: Character, direction d: Int) {
        history.append(isOrig(d) ? code : Character(code.lowercased()))
    }

    /// Flips a connection that began with a SYN/ACK: the SYN/ACK's sender is the responder, and
    /// its "H" becomes "^h" (Zeek ≥ 5.1). Done at the next ACK or data packet, or at the end.
    func completeSynAckFlip() {
        startedWithSynAck = false
        origin = 1 - origin
        if history.hasPrefix("H") { history = "^h" + history.dropFirst() } else { history = "^" + history }
    }

    func flipRoles() {
        origin = 1 - origin
        history.append("^")
        startedWithSynAck = false
    }

    func zeekProcess(_ tcp: TCPHeader, direction d: Int) {
        let fl = tcp.flags
        let syn = fl.contains(.syn), fin = fl.contains(.fin), rst = fl.contains(.rst), ack = fl.contains(.ack)
        let len = UInt32(truncatingIfNeeded: tcp.segmentLength)
        let seq = tcp.sequenceNumber
        // A connection that began with a SYN/ACK is flipped by the next ACK or data (Zeek ≥ 5.1).
        if startedWithSynAck && !syn { completeSynAckFlip() }
        // Both endpoints in place: copying the two ~120-byte values out and back cost more than the logic.
        endpoints.withBoth(d) { e, p in
            // init_endpoint
            let segLen = len &+ (syn ? 1 : 0) &+ (fin ? 1 : 0)
            if e.state == .inactive {
                e.startSeq = syn ? seq : seq &- 1
                e.ackSeq = e.startSeq
                e.lastSeq = syn ? seq &+ segLen : seq
                e.initialized = true
            } else if (e.state == .synSent || e.state == .synAckSent) && syn && seq != e.startSeq {
                e.startSeq = seq
                e.ackSeq = seq
                e.lastSeq = seq &+ segLen
            }
            let relSeq = seq &- e.startSeq
            // update_history
            let bits = (syn ? 1 : 0) + (fin ? 1 : 0) + (rst ? 1 : 0)
            if bits > 1 {
                if fin && rst { _ = checkHistory(.finRst, "I", direction: d) } else { _ = checkHistory(.multi, "Q", direction: d) }
            } else if bits == 1 {
                if syn {
                    let code: Character = ack ? "H" : "S"
                    if checkHistory(.syn, code, direction: d) && relSeq != e.lastSYNRel { addHistory(code, direction: d) }
                    e.lastSYNRel = relSeq
                } else if fin {
                    if checkHistory(.fin, "F", direction: d) && relSeq &+ len != e.lastFINRel { addHistory("F", direction: d) }
                    e.lastFINRel = relSeq &+ len
                } else {
                    if checkHistory(.rst, "R", direction: d) && relSeq != e.lastRSTRel { addHistory("R", direction: d) }
                    e.lastRSTRel = relSeq
                }
            } else if len > 0 {
                _ = checkHistory(.data, "D", direction: d)
            } else if ack {
                _ = checkHistory(.ack, "A", direction: d)
            }
            // update_window: zero window ('W').
            if tcp.window == 0 && !rst && p.state != .closed && e.state != .reset {
                if ZeekEndpoint.scaled(&e.zeroWindows, &e.zeroWindowThreshold) { addHistory("W", direction: d) }
            }
            if syn { e.synCount += 1 }
            if fin { e.finCount += 1 }
            if rst { e.rstCount += 1 }
            // init_peer / ack bookkeeping
            if ack {
                if p.state == .inactive && !p.initialized {
                    p.startSeq = tcp.acknowledgementNumber &- 1
                    p.lastSeq = tcp.acknowledgementNumber
                    p.ackSeq = tcp.acknowledgementNumber
                    p.initialized = true
                } else if !rst && Seq.gt(tcp.acknowledgementNumber, p.ackSeq) {
                    p.ackSeq = tcp.acknowledgementNumber
                }
            }
            // update_last_seq: retransmissions ('T').
            let delta = Seq.delta(seq &+ segLen, e.lastSeq)
            if (syn || rst) && abs(delta) > 1_000_000 {
                // ignore
            } else if fin && e.lastSeq == e.startSeq &+ 1 {
                e.lastSeq = seq &+ segLen
            } else if e.state == .reset {
                // ignore
            } else if delta > 0 {
                e.lastSeq = seq &+ segLen
            } else if len > 0 {
                if ZeekEndpoint.scaled(&e.retransmits, &e.retransmitThreshold) { addHistory("T", direction: d) }
            }
        }
        updateStateMachine(direction: d, syn: syn, fin: fin, rst: rst, ack: ack, len: len, seq: seq)
    }

    private func transition(_ d: Int, _ s: EndpointState) {
        endpoints.withBoth(d) { e, _ in
            e.prevState = e.state
            e.state = s
        }
    }

    private func updateStateMachine(direction d: Int, syn: Bool, fin: Bool, rst: Bool, ack: Bool, len: UInt32, seq: UInt32) {
        let orig = isOrig(d)
        let peer = 1 - d
        switch endpoints[d].state {
        case .inactive:
            if syn {
                if orig {
                    transition(d, ack ? .synAckSent : .synSent)
                } else {
                    if !ack && endpoints[peer].state == .synAckSent && seq == endpoints[d].startSeq {
                        flipRoles()
                        transition(peer, .established)
                    }
                    if endpoints[peer].state == .synSent { transition(peer, .established) }
                    transition(d, .established)
                }
            }
            if fin { transition(d, .closed) }
            if rst { transition(d, .reset) }
            if !syn && !fin && !rst {
                if !orig && len == 0 && endpoints[peer].state == .synSent {
                    // an ACK before the SYN/ACK: stay inactive
                } else if ack && endpoints[peer].state == .established {
                    transition(d, .established)
                } else {
                    transition(d, .partial)
                }
            }
        case .synSent, .synAckSent:
            if fin { transition(d, .closed) }
            if rst { transition(d, .reset) }
        case .established, .partial:
            if syn && endpoints[d].state == .partial && endpoints[peer].state == .inactive && !ack {
                transition(d, .synSent)
            }
            if fin && !rst {
                transition(d, .closed)
                if endpoints[peer].state == .reset && endpoints[peer].prevState == .closed { transition(peer, .closed) }
            }
            if rst { transition(d, .reset) }
        case .closed:
            if rst && endpoints[peer].state != .closed { transition(d, .reset) }
        case .reset:
            break
        }
    }
}
