import Capture
import Correlation
import Flows
import Packets

/// Turns the conversation layer's results for each trace into the analysis document's parts.
/// Pure: no I/O, no formatting beyond the contract's number and time representations.
public enum DocumentBuilder {
    /// One trace as the conversation layer saw it.
    public struct TraceResult: Sendable {
        public var entry: AnalysisDocument.TraceEntry
        /// In stream order, compactly held (reading one decodes it).
        public var connections: ConnectionStore
        public var hosts: [HostObservation]
        public var events: TraceEvents

        public init(entry: AnalysisDocument.TraceEntry, connections: ConnectionStore, hosts: [HostObservation],
                    events: TraceEvents) {
            self.entry = entry
            self.connections = connections
            self.hosts = hosts
            self.events = events
        }
    }

    public static func connection(_ c: ConnectionSummary, trace: String) -> AnalysisDocument.ConnectionEntry {
        func ms(_ s: Double?) -> Double? { s.map { round3($0 * 1000) } }
        var close: AnalysisDocument.Close?
        if let frame = c.closeFrame, let kind = c.closeKind, let byServer = c.closedByServer {
            var after: Double?
            if let t = c.closeTime, let d = c.lastDataTime { after = round6(Timestamp.interval(from: d, to: t)) }
            close = .init(frame: frame, kind: kind.rawValue, by: byServer ? "server" : "client", afterLastDataS: after)
        }
        var rtt: AnalysisDocument.RTT?
        if let mean = c.ackRTT.mean {
            rtt = .init(samples: c.ackRTT.count, min: round3(c.ackRTT.min * 1000), mean: round3(mean * 1000), max: round3(c.ackRTT.max * 1000))
        }
        return AnalysisDocument.ConnectionEntry(
            trace: trace, stream: c.stream, client: c.client.description, server: c.server.description,
            state: c.state.rawValue, history: c.history, firstFrame: c.firstFrame, lastFrame: c.lastFrame,
            packets: c.packets, bytes: c.payloadBytes, startTime: c.startTime.rfc3339, durationS: round6(c.duration),
            handshakeRTTms: ms(c.handshake.rtt), synToSynAckMs: ms(c.handshake.synToSynAck),
            synAckToAckMs: ms(c.handshake.synAckToAck), initialRTTms: ms(c.initialRTT),
            synRetransmissions: c.handshake.synRetransmissions, maxIdleS: round6(c.maxIdle), close: close,
            toServer: direction(c.toServer), toClient: direction(c.toClient), ackRTTms: rtt)
    }

    static func direction(_ d: DirectionSummary) -> AnalysisDocument.Direction {
        .init(packets: d.packets, bytes: d.payloadBytes, retransmittedBytes: d.retransmittedBytes,
              retransmissions: d.retransmissions, outOfOrder: d.outOfOrder, duplicateAcks: d.duplicateAcks,
              lostSegments: d.lostSegments, ackedUnseen: d.ackedUnseen, zeroWindows: d.zeroWindows,
              keepAlives: d.keepAlives, challengeAcks: d.challengeAcks, maxWindow: d.maxWindow,
              maxSegment: d.maxSegment, isn: d.isn, mss: d.mss, windowScale: d.windowScale,
              sackPermitted: d.sackPermitted, timestamps: d.timestamps, ecn: d.ecnSetup)
    }

    /// Hosts across traces: one entry per address, one sighting per trace.
    public static func hosts(_ traces: [TraceResult], aliases: [String: String]) -> [AnalysisDocument.HostEntry] {
        var byAddress: [IPAddress: [AnalysisDocument.HostSighting]] = [:]
        for t in traces {
            for h in t.hosts {
                guard let ttl = h.commonTTL else { continue }
                let sighting = AnalysisDocument.HostSighting(
                    trace: t.entry.name, ttl: Int(ttl), initialTTL: HostObservation.initialTTL(for: ttl), hops: h.hops ?? 0,
                    ttls: Dictionary(uniqueKeysWithValues: h.ttlCounts.map { (String($0.key), $0.value) }),
                    packets: h.packets, ipID: h.ipIDBehaviour, macs: h.macs.map(\.description).sorted())
                byAddress[h.address, default: []].append(sighting)
            }
        }
        return byAddress.sorted { $0.key < $1.key }.map { a, seen in
            let text = a.description
            return AnalysisDocument.HostEntry(address: text, alias: aliases.isEmpty ? nil : aliases[text], seen: seen)
        }
    }

    static func round3(_ v: Double) -> Double { (v * 1000).rounded() / 1000 }
    static func round6(_ v: Double) -> Double { (v * 1_000_000).rounded() / 1_000_000 }
}

extension DocumentBuilder.TraceResult {
    /// The connection with this `tcp.stream` (connections are sorted by stream): binary search.
    public func connection(stream: Int) -> ConnectionSummary? { connections.connection(stream: stream) }
}

extension DocumentBuilder {
    public static func match(_ m: ConnectionMatch) -> AnalysisDocument.Match {
        .init(traceA: m.traceA, streamA: m.streamA, traceB: m.traceB, streamB: m.streamB, method: m.method.rawValue, evidence: m.evidence)
    }

    public static func offset(_ o: ClockOffset) -> AnalysisDocument.Offset {
        .init(traceA: o.traceA, traceB: o.traceB, offsetS: round6(o.offset), uncertaintyS: o.uncertainty.map(round6),
              samples: o.samples, clientSide: o.clientSide, stated: o.stated ? true : nil, basis: o.basis.rawValue)
    }

    /// The facts of one trace for the document.
    public static func traceEntry(name: String, vantage: String?, sha256: String, format: String, linkTypes: [String],
                                  packets: Int, firstTime: String?, lastTime: String?, problems: [String],
                                  decodeProblems: [String: Int], tcpConnections: Int) -> AnalysisDocument.TraceEntry {
        .init(name: name, vantage: vantage, sha256: sha256, format: format, linkTypes: linkTypes, packets: packets,
              firstTime: firstTime, lastTime: lastTime, problems: problems, decodeProblems: decodeProblems,
              tcpConnections: tcpConnections)
    }

    /// The document's connection entries, made one at a time as they are read.
    public static func connectionEntries(_ traces: [TraceResult]) -> ConnectionEntries {
        ConnectionEntries(traces: traces)
    }

    /// Every trace's connections as document entries, decoded one at a time. A concrete type
    /// (not a lazy flatMap behind `some Sequence`): the document writer is specialized for it
    /// instead of iterating through witness tables, ~5,000 instructions a connection.
    public struct ConnectionEntries: Sequence {
        let traces: [TraceResult]

        public struct Iterator: IteratorProtocol {
            let traces: [TraceResult]
            var trace = 0
            var index = 0

            public mutating func next() -> AnalysisDocument.ConnectionEntry? {
                while trace < traces.count {
                    let store = traces[trace].connections
                    if index < store.count {
                        index += 1
                        return DocumentBuilder.connection(store[index - 1], trace: traces[trace].entry.name)
                    }
                    trace += 1
                    index = 0
                }
                return nil
            }
        }

        public func makeIterator() -> Iterator { Iterator(traces: traces) }
    }

    /// The whole document from the traces' results (`includeConnections: false` leaves the
    /// connections out, for a caller that streams them with ``connectionEntries(_:)``).
    public static func document(version: String, cacheKey: String, caseID: String, title: String,
                                traces: [TraceResult], aliases: [String: String], findings: [Finding] = [],
                                includeConnections: Bool = true) -> AnalysisDocument {
        let connections = includeConnections ? Array(connectionEntries(traces)) : []
        return AnalysisDocument(
            casebookVersion: version, cacheKey: cacheKey, case: .init(id: caseID, title: title),
            traces: traces.map(\.entry), hosts: hosts(traces, aliases: aliases), connections: connections, findings: findings)
    }
}
