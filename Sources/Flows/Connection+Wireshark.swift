import Packets

/// Wireshark's `tcp_analyze_sequence_number` and the bookkeeping around it in `dissect_tcp`,
/// in tshark 4.0.17's order (docs/research/tcp-analysis-rules.md §2).
extension Connection {
    struct WiresharkResult {
        // `AnalysisFlags(rawValue: 0)`, not `[]`: the array literal survives optimization here
        // (an empty array made and released twice a segment).
        var flags = AnalysisFlags(rawValue: 0)
        var dupAckFrame = 0
        var dupAckNumber = 0
        var ackedFrame: Int?
        var ackRTT: Int64 = 0
        var relativeSeq: UInt32 = 0
        var relativeAck: UInt32?
        var window = 0
        var reverseBase: UInt32?
    }

    func analyzeSequence(_ tcp: TCPHeader, direction d: Int, frame: Int, now: Int64) -> WiresharkResult {
        // Both flows in place: no copy, their segment lists stay uniquely referenced.
        flows.withBoth(d) { fwd, rev in analyzeSequence(tcp, fwd: &fwd, rev: &rev, frame: frame, now: now) }
    }

    private func analyzeSequence(_ tcp: TCPHeader, fwd: inout WiresharkFlow, rev: inout WiresharkFlow, frame: Int, now: Int64) -> WiresharkResult {
        var r = WiresharkResult()
        let seq = tcp.sequenceNumber, ack = tcp.acknowledgementNumber
        let seglen = UInt32(truncatingIfNeeded: tcp.segmentLength)
        let fl = tcp.flags
        let syn = fl.contains(.syn), fin = fl.contains(.fin), rst = fl.contains(.rst), hasAck = fl.contains(.ack)
        let sfr = syn || fin || rst
        let window = UInt32(tcp.window)

        // Base sequence numbers.
        if !fwd.baseSet {
            fwd.baseSeq = syn ? seq : seq &- 1
            fwd.baseSet = true
        }
        if !rev.baseSet && hasAck {
            rev.baseSeq = ack &- 1
            rev.baseSet = true
        }

        var flags = AnalysisFlags(rawValue: 0)
        var finishedFwd = false
        // 1 zero-window probe
        if seglen == 1 && seq == fwd.nextSeq && rev.window == 0 {
            flags.insert(.zeroWindowProbe)
            finishedFwd = true
        }
        if !finishedFwd {
            // 2 zero window
            if window == 0 && !sfr { flags.insert(.zeroWindow) }
            // 3 previous segment not captured
            if fwd.nextSeq != 0 && Seq.gt(seq, fwd.nextSeq) && !rst { flags.insert(.lostSegment) }
            // 4 keep-alive
            if (seglen == 0 || seglen == 1) && seq == fwd.nextSeq &- 1 && !sfr { flags.insert(.keepAlive) }
            // 5 window update
            if seglen == 0 && window != 0 && window != fwd.window && seq == fwd.nextSeq && ack == fwd.lastAck && !sfr {
                flags.insert(.windowUpdate)
            }
            // 6 window full
            if seglen > 0 && rev.winScale != -1 && !sfr {
                let shift = rev.isFirstAck ? 0 : (rev.winScale == -2 ? 0 : rev.winScale)
                if seq &+ seglen == rev.lastAck &+ (rev.window << UInt32(shift)) { flags.insert(.windowFull) }
            }
            let sameAsLast = seglen == 0 && window == fwd.window && seq == fwd.nextSeq && ack == fwd.lastAck && !sfr
            // 7 keep-alive ACK
            if sameAsLast && window != 0 && rev.lastSegmentFlags.contains(.keepAlive) {
                flags.insert(.keepAliveAck)
                finishedFwd = true
            } else if sameAsLast && window == 0 && rev.lastSegmentFlags.contains(.zeroWindowProbe) {
                // 8 zero-window probe ACK
                flags.insert(.zeroWindowProbeAck)
                finishedFwd = true
            } else if sameAsLast && window != 0 {
                // 9 duplicate ACK
                fwd.dupAckNum = fwd.dupAckNum == -1 ? 1 : fwd.dupAckNum + 1
                flags.insert(.duplicateAck)
                r.dupAckNumber = fwd.dupAckNum
                r.dupAckFrame = fwd.lastNonDupAck
            }
        }
        // FINISHED_FWD
        if ack != fwd.lastAck {
            fwd.lastNonDupAck = frame
            fwd.dupAckNum = 0
        }
        // 10 ACKed unseen segment (tshark 4.0.17 behaves as the simple form: flag, then
        // move the reverse direction's "max seq to be acked" up to its next seq).
        if rev.maxSeqToBeAcked != 0 && Seq.gt(ack, rev.maxSeqToBeAcked) && hasAck {
            flags.insert(.ackLostSegment)
            rev.maxSeqToBeAcked = rev.nextSeq
        }
        // 11 retransmission family
        if (seglen > 0 || syn || fin) && !flags.contains(.keepAlive) {
            var seqNotAdvanced = fwd.nextSeq != 0 && Seq.lt(seq, fwd.nextSeq)
            if seglen > 1 && fwd.nextSeq &- 1 == seq { seqNotAdvanced = false }
            if seglen > 0 && rev.lastAck != 0 && Seq.le(seq &+ seglen, rev.lastAck) {
                flags.insert(.spuriousRetransmission)
            } else if seqNotAdvanced && rev.dupAckNum >= 2 && rev.lastAck == seq && Self.within(now, since: rev.lastAckTime, 20_000_000) {
                flags.insert(.fastRetransmission)
            } else {
                let threshold: Int64 = firstRTT == 0 ? 3_000_000 : firstRTT
                let expected = seq &+ seglen &+ ((syn || fin) ? 1 : 0)
                if seqNotAdvanced && Self.within(now, since: fwd.nextSeqTime, threshold) && fwd.nextSeq != expected {
                    flags.insert(.outOfOrder)
                } else if seqNotAdvanced {
                    flags.insert(.retransmission)
                }
            }
        }
        // FINISHED_RT
        var nextSeq = seq &+ seglen
        if seglen > 0 || syn || fin {
            let end = nextSeq &+ ((syn || fin) ? 1 : 0)
            fwd.segments.push(.init(frame: frame, seq: seq, time: now, nextSeq: end))
            nextSeq = end
        }
        if (Seq.gt(nextSeq, fwd.nextSeq) || fwd.nextSeq == 0) && !flags.contains(.zeroWindowProbe) {
            fwd.nextSeq = nextSeq
            fwd.nextSeqFrame = frame
            fwd.nextSeqTime = now
        }
        if (seq == fwd.maxSeqToBeAcked || fwd.maxSeqToBeAcked == 0) && !flags.contains(.zeroWindowProbe) {
            fwd.maxSeqToBeAcked = fwd.nextSeq
        }
        fwd.window = window
        fwd.lastAck = ack
        fwd.lastAckTime = now
        fwd.lastSegmentFlags = flags
        if let acked = rev.segments.acknowledge(ack) {
            r.ackedFrame = acked.frame
            r.ackRTT = now &- acked.time
        }

        // Shown numbers: relative to each direction's base; window scaled when known (not on SYNs).
        r.relativeSeq = seq &- fwd.baseSeq
        r.relativeAck = hasAck ? ack &- (rev.baseSet ? rev.baseSeq : 0) : nil
        r.reverseBase = rev.baseSet ? rev.baseSeq : nil
        r.window = (!syn && fwd.winScale >= 0) ? Int(window) << fwd.winScale : Int(window)

        // Options, then window-scaling verification on SYNs.
        if let ws = tcp.options.windowScale { fwd.winScale = min(Int(ws), 14) }
        if syn {
            if fwd.winScale == -1 {
                fwd.winScale = -2
                rev.winScale = -2
            } else if hasAck && rev.winScale == -2 {
                fwd.winScale = -2
            }
            fwd.isFirstAck = true
            if !hasAck { tsMruSyn = now }
        }
        if hasAck && !syn {
            if tsMruSyn != 0 && firstRTT == 0 && now &- tsMruSyn > 0 { firstRTT = now &- tsMruSyn }
            fwd.isFirstAck = false
        }
        r.flags = flags
        return r
    }

    /// `now - then < limit` on a clock that may jump: a negative or overflowing difference (time
    /// going backwards, damaged timestamps) is not "within" (Wireshark's difference is unsigned).
    static func within(_ now: Int64, since then: Int64, _ limit: Int64) -> Bool {
        let (d, overflow) = now.subtractingReportingOverflow(then)
        return !overflow && d >= 0 && d < limit
    }

    /// A SYN repeated with the same ISN: tshark restores `nextseq` (Wireshark issue 17616).
    func restoreNextSeqForRepeatedSYN(direction d: Int) {
        flows[d].nextSeq = flows[d].maxSeqToBeAcked
    }

    /// The SYN/ACK of a reused stream restarts its direction's numbering.
    func resetBase(direction d: Int, seq: UInt32) {
        flows[d].baseSeq = seq
    }

    func baseSeq(direction d: Int) -> UInt32? {
        flows[d].baseSet ? flows[d].baseSeq : nil
    }
}
