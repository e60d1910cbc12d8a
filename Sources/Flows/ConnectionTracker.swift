import Capture
import Packets

/// The conversation layer for one trace: feed it every decoded packet in file order; it numbers
/// TCP streams as Wireshark does, analyses each segment (Wireshark's flags, Zeek's states and
/// history, casebook's challenge ACKs), keeps per-host observations, and hands back finished
/// connections as ``ConnectionSummary`` values.
///
/// Memory follows live connections: a connection whose stream has been replaced (port reuse),
/// or that closed (FIN both ways or RST) and stayed quiet for ``releaseAfter`` seconds of trace
/// time, is summarised and its state released; only its small stream-numbering record stays.
public struct ConnectionTracker {
    /// Trace seconds a closed connection is kept before it is summarised.
    public var releaseAfter: Double = 10
    /// Trace seconds an unanswered or refused connection attempt is kept after its last packet:
    /// longer than the longest gap between a Linux or Windows host's SYN retries (32 s).
    public var attemptIdle: Double = 60

    private var live: [ConversationKey: Connection] = [:]
    /// Streams of released conversations, for numbering late packets and port reuse.
    private var released = ReleasedStreams()
    private var finished = FinishedConnections()
    /// Sees every summary before it is encoded (tests check the encoding loses nothing).
    var summaryObserver: ((ConnectionSummary) -> Void)?
    /// Closed connections, by when they may be released.
    private var closing = ReleaseQueue()
    /// Trace time (ns) of the last sweep.
    private var lastSweep: Int64?
    private var lastIdleScan: Timestamp?
    public private(set) var streamCount = 0
    public private(set) var hosts = HostTable()
    /// Notable packets for the diagnosis rules.
    public internal(set) var events = TraceEvents()

    struct SYNKey: Hashable {
        var clientPort: UInt16
        var serverPort: UInt16
        var ackExpected: UInt32
    }
    /// Recent pure SYNs by (ports, ISN + 1), to recognise a SYN/ACK from another address: two
    /// generations of ``synMemory`` trace seconds each, so memory follows the SYN rate, not the trace.
    var recentSYNs: [SYNKey: SegmentRecord] = [:]
    var olderSYNs: [SYNKey: SegmentRecord] = [:]
    var synGenerationStart: Timestamp?
    static let synMemory = 30.0
    /// Conversations opened by an unexpected SYN/ACK → index into events.unexpectedSynAcks.
    var pendingUnexpected: [ConversationKey: (ack: UInt32, index: Int)] = [:]

    public init() {}

    /// Number of connections currently held in full.
    public var liveConnections: Int { live.count }

    /// Analyses one packet. Returns the segment analysis for TCP (nil for other packets).
    public mutating func process(_ p: Packet) -> SegmentAnalysis? {
        var p = p
        guard let (conn, d, result, lengthKnown) = analyze(&p) else { return nil }
        let clientDir = conn.firstPureSYNDirection ?? conn.origin
        return SegmentAnalysis(
            stream: conn.stream, fromServer: d != clientDir, relativeSeq: result.relativeSeq,
            relativeAck: result.relativeAck, window: result.window, reverseBase: result.reverseBase,
            flags: result.flags, dupAckFrame: result.dupAckFrame, dupAckNumber: result.dupAckNumber,
            ackRTT: result.ackedFrame != nil && result.ackRTT > 0 ? Double(result.ackRTT) / 1e9 : nil,
            acksFrame: result.ackedFrame, lengthKnown: lengthKnown)
    }

    /// ``process(_:)`` for a pass that wants only the summaries and events, not each segment's
    /// analysis (`analyze`): the same work, without building the per-segment result. The packet
    /// is taken `inout` though it is only read: passed by value, the caller copied all 620 bytes
    /// of it every frame.
    public mutating func track(_ p: inout Packet) {
        _ = analyze(&p)
    }

    /// The work of ``process(_:)``: the packet's connection, direction and Wireshark result.
    @inline(__always)
    private mutating func analyze(_ p: inout Packet) -> (Connection, Int, Connection.WiresharkResult, Bool)? {
        guard let ip = p.ip else { return nil }
        guard let tcp = p.tcp else {
            hosts.observe(ip, mac: p.ethernet?.source)
            if let m = p.icmp { recordICMP(m, ip, p.frame) }
            return nil
        }
        let src = Endpoint(ip.source, tcp.sourcePort), dst = Endpoint(ip.destination, tcp.destinationPort)
        let key = ConversationKey(src, dst)
        let d = key.direction(from: src)
        let fl = tcp.flags
        let pureSYN = fl.contains(.syn) && !fl.contains(.ack)
        let lengthKnown = !p.problems.contains(.badTCPHeaderLength)
        sweep(now: p.frame.timestamp)

        var reused = false
        var conn: Connection
        if let c = live[key] {
            conn = c
        } else if let r = released.remove(key) {
            // A late packet for a released stream: continue it in a fresh record (merged at the end).
            conn = Connection(key: key, stream: r.stream)
            conn.flows.set(0, r.flows.0.wiresharkFlow)
            conn.flows.set(1, r.flows.1.wiresharkFlow)
            conn.firstRTT = r.firstRTT
            conn.tsMruSyn = r.tsMruSyn
            keepLiveTableSparse()
            live[key] = conn
        } else {
            conn = newConnection(key)
        }
        if lengthKnown, pureSYN, conn.baseSeq(direction: d) == tcp.sequenceNumber {
            conn.restoreNextSeqForRepeatedSYN(direction: d)
        }
        if lengthKnown, let base = conn.baseSeq(direction: d), fl.contains(.syn), base != tcp.sequenceNumber {
            reused = true
            if pureSYN {
                finish(conn)
                conn = newConnection(key)
            } else {
                conn.resetBase(direction: d, seq: tcp.sequenceNumber)
            }
        }
        if conn.packets == 0 { conn.chooseOrigin(tcp, direction: d) }
        // Host bookkeeping through the connection's cached record: no hash lookup per packet.
        let host: HostRecord
        if let h = conn.hostRecords[d] { host = h } else { host = hosts.record(for: ip.source); conn.hostRecords.set(d, host) }
        let ipID: UInt16? = ip.version == 4 ? ip.identification : nil
        host.record(ttl: ip.ttl, id: ipID, mac: p.ethernet?.source, previousIDOnConnection: conn.lastIPID[d])
        conn.lastIPID.set(d, ipID)
        // The segment as the rules' event lists keep it; built only for the few packets kept.
        let stream = conn.stream, frameNumber = p.frame.number, time = p.frame.timestamp, mac = p.ethernet?.source
        func record() -> SegmentRecord {
            SegmentRecord(
                frame: frameNumber, time: time, stream: stream, source: src, destination: dst,
                flags: fl, seq: tcp.sequenceNumber, ack: tcp.acknowledgementNumber, ttl: ip.ttl, ipID: ip.identification,
                mac: mac, length: tcp.segmentLength, window: Int(tcp.window), dontFragment: ip.dontFragment)
        }
        if fl.contains(.syn) || fl.contains(.rst) { noteHandshake(record(), conn: conn, key: key, direction: d) }
        let now = p.frame.timestamp.nanoseconds
        var result: Connection.WiresharkResult
        if lengthKnown {
            result = conn.analyzeSequence(tcp, direction: d, frame: p.frame.number, now: now)
        } else {
            result = Connection.WiresharkResult()
            result.relativeSeq = tcp.sequenceNumber
            result.relativeAck = fl.contains(.ack) ? tcp.acknowledgementNumber : nil
            result.window = Int(tcp.window)
        }
        if reused { result.flags.insert(.reusedPorts) }
        // Challenge ACK: a plain ACK answering the peer's SYN with ack ≠ ISN + 1, before any SYN/ACK.
        // The peer's last packet must be that SYN, and this side must not have sent a SYN of its
        // own (a split handshake's ACKs are not challenge ACKs).
        if fl.contains(.ack) && !fl.contains(.syn) && !fl.contains(.rst) && !fl.contains(.fin),
           !conn.sentSynAck[d], !conn.sentSYN[d], conn.lastWasPureSYN[1 - d],
           let synSeq = conn.lastPureSYNSeq[1 - d], tcp.acknowledgementNumber != synSeq &+ 1 {
            result.flags.insert(.challengeAck)
        }
        conn.lastWasPureSYN.set(d, pureSYN)
        if fl.contains(.syn) { conn.sentSYN.set(d, true) }
        if pureSYN {
            conn.lastPureSYNSeq.set(d, tcp.sequenceNumber)
            if conn.firstPureSYNDirection == nil { conn.firstPureSYNDirection = d }
        }
        if fl.contains(.syn) && fl.contains(.ack) { conn.sentSynAck.set(d, true) }
        conn.zeekProcess(tcp, direction: d)
        inspect(&p, tcp, ip, record: record, conn: conn, host: host, direction: d)
        if result.flags.contains(.challengeAck) && events.challengeAcks.count < TraceEvents.limit {
            events.challengeAcks.append(record())
        }
        if result.flags.isAnyRetransmission && tcp.segmentLength > 0 && events.retransmissions.count < TraceEvents.limit {
            events.retransmissions.append(record())
        }
        conn.count(p.frame, ip, tcp, direction: d, flags: result.flags, window: result.window)
        if result.ackedFrame != nil && result.ackRTT > 0 { conn.ackRTT.add(Double(result.ackRTT) / 1e9) }
        // Release once settled: both sides closed, or reset after the handshake completed. A RST
        // during the handshake may be followed by retried SYNs that still belong to this stream.
        // (An endpoint closes only on a FIN or RST: other segments need not look.)
        if !conn.queuedForRelease && (fl.contains(.fin) || fl.contains(.rst)),
           conn.endpoints[0].didClose && conn.endpoints[1].didClose || (fl.contains(.rst) && conn.handshake.ackFrame != nil) {
            conn.queuedForRelease = true
            closing.add(conn, due: now &+ releaseAfterNanoseconds)
        }
        return (conn, d, result, lengthKnown)
    }

    private mutating func recordICMP(_ m: ICMPMessage, _ ip: IPHeader, _ frame: Frame) {
        guard m.isError, let q = m.quotedIP, q.protocolNumber == .tcp,
              let sp = m.quotedSourcePort, let dp = m.quotedDestinationPort else { return }
        let qs = Endpoint(q.source, sp), qd = Endpoint(q.destination, dp)
        let key = ConversationKey(qs, qd)
        if m.quotesWholeTCPHeader && live[key] == nil && released[key] == nil {
            // tshark runs the TCP dissector on a fully quoted header: it finds or creates a stream.
            _ = newConnection(key)
        }
        let stream = live[key]?.stream ?? released[key]?.stream
        if events.icmpErrors.count < TraceEvents.limit {
            events.icmpErrors.append(ICMPErrorRecord(
                frame: frame.number, time: frame.timestamp, reporter: ip.source, ttl: ip.ttl, isV6: m.isV6,
                type: m.type, code: m.code, mtu: m.mtu, quotedSource: qs, quotedDestination: qd,
                quotedSeq: m.quotedSequenceNumber, stream: stream))
        }
    }

    /// Summaries of every connection, in stream order. Call once, after the last packet.
    public mutating func finish() -> ConnectionStore {
        // (Streams opened only by an ICMP quote have no packets of their own: not connections.)
        for conn in live.values where conn.packets > 0 { keepSummary(conn.summary()) }
        live.removeAll()
        events.checksums = hosts.checksumSamples
        // In stream order, the pieces of a stream that was released and continued merged.
        return finished.takeSorted(merge: ConnectionSummary.merged)
    }


    private mutating func keepSummary(_ s: ConnectionSummary) {
        summaryObserver?(s)
        finished.append(s)
    }

    private mutating func newConnection(_ key: ConversationKey) -> Connection {
        let c = Connection(key: key, stream: streamCount)
        streamCount += 1
        keepLiveTableSparse()
        live[key] = c
        return c
    }

    /// The live table at most 3/8 full (a Dictionary grows only at 3/4): a lookup, once per
    /// packet, then probes about 1.3 buckets instead of about 3.
    @inline(__always)
    private mutating func keepLiveTableSparse() {
        if live.count * 2 >= live.capacity { live.reserveCapacity(max(64, live.capacity * 2)) }
    }

    private mutating func finish(_ conn: Connection) {
        if conn.packets > 0 { keepSummary(conn.summary()) }
        live.removeValue(forKey: conn.key)
    }

    /// Releases closed connections that have been quiet for `releaseAfter` seconds (checked at
    /// most once per trace second), and every ``idleScanInterval`` seconds the connection
    /// attempts that never got an answer beyond a RST (SYNs unanswered or refused) and stayed quiet
    /// for `attemptIdle` seconds. A late packet continues a released stream in a new record; the
    /// pieces are merged at the end (``ConnectionSummary/merged(_:_:)``). Established connections
    /// stay live however long they are idle: their state cannot be summarised without loss.
    @inline(__always)
    private mutating func sweep(now: Timestamp) {
        // Inlined: the check every packet makes; the sweep itself once per trace second.
        let ns = now.nanoseconds
        if let last = lastSweep, ns &- last < 1_000_000_000 { return }
        lastSweep = ns
        sweepDue(now: now, ns: ns)
    }

    @inline(never)
    private mutating func sweepDue(now: Timestamp, ns: Int64) {
        // Due by the time they were queued or last looked at; a connection with packets since
        // then goes back in, due its last packet + releaseAfter.
        while let c = closing.popDue(now: ns) {
            guard live[c.key] === c else { continue } // replaced (port reuse) or released already
            if Timestamp.interval(from: c.lastTime, to: now) >= releaseAfter {
                release(c)
            } else {
                closing.add(c, due: max(c.lastTime.nanoseconds &+ releaseAfterNanoseconds, ns &+ 1))
            }
        }
        if let last = lastIdleScan, Timestamp.interval(from: last, to: now) < min(Self.idleScanInterval, attemptIdle / 2) { return }
        if lastIdleScan == nil { lastIdleScan = now; return }
        lastIdleScan = now
        let idle = live.values.filter { c in
            c.packets > 0 && c.handshake.synFrame != nil && c.handshake.synAckFrame == nil && c.handshake.ackFrame == nil
                && Timestamp.interval(from: c.lastTime, to: now) >= attemptIdle
        }
        for c in idle { release(c) }
    }

    static let idleScanInterval = 10.0

    /// `releaseAfter` in nanoseconds, at most ~285 years (a larger value would not fit).
    private var releaseAfterNanoseconds: Int64 { Int64(max(0, min(releaseAfter, 9e9)) * 1e9) }

    private mutating func release(_ c: Connection) {
        keepSummary(c.summary())
        released.insert(.init(stream: c.stream, flows: (.init(c.flows[0]), .init(c.flows[1])), firstRTT: c.firstRTT, tsMruSyn: c.tsMruSyn),
                        for: c.key)
        live.removeValue(forKey: c.key)
    }
}
