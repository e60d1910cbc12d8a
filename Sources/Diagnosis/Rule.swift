import Capture
import Correlation
import Flows
import Logs
import Packets

/// A diagnosis rule: owns one contract finding id and turns what the conversation layer saw
/// into findings with evidence. One rule per file under `Rules/`.
public protocol Rule: Sendable {
    /// The stable finding id (contract).
    var id: String { get }
    func findings(in trace: DocumentBuilder.TraceResult, context: RuleContext) -> [Finding]
}

/// A rule over the whole case (several vantage points): runs once, not per trace.
public protocol CaseRule: Sendable {
    var id: String { get }
    func findings(context: RuleContext) -> [Finding]
}

/// What every rule may use besides its trace: names for hosts, the other traces of the case, and
/// the correlation between them.
public struct RuleContext: Sendable {
    public var aliases: [String: String]
    public var traces: [DocumentBuilder.TraceResult]
    public var matches: [ConnectionMatch]
    public var offsets: [ClockOffset]
    /// Firewall log entries and static NAT rules attached to the case.
    public var logEntries: [LogEntry]
    public var natRules: [StaticNATRule]
    /// Per match index: packets one vantage point saw and the other did not.
    public var diffs: [Int: VantageDiff]
    /// What the rules share (shared by the copies of this context).
    let cache = RuleCache()

    public init(aliases: [String: String], traces: [DocumentBuilder.TraceResult],
                matches: [ConnectionMatch] = [], offsets: [ClockOffset] = [],
                logEntries: [LogEntry] = [], natRules: [StaticNATRule] = [], diffs: [Int: VantageDiff] = [:]) {
        self.aliases = aliases
        self.traces = traces
        self.matches = matches
        self.offsets = offsets
        self.logEntries = logEntries
        self.natRules = natRules
        self.diffs = diffs
    }

    /// Frames of `trace` (stream `stream`) that never reached the other capture point.
    public func lostBetween(trace: String, stream: Int) -> [(trace: String, frame: Int)] {
        var out: [(String, Int)] = []
        for (i, m) in matches.enumerated() where (m.traceA == trace && m.streamA == stream) || (m.traceB == trace && m.streamB == stream) {
            for f in diffs[i]?.lostBetween ?? [] where !out.contains(where: { $0 == f }) { out.append(f) }
        }
        return out
    }

    /// Frames of `trace` (stream `stream`) with no origin at the other capture point: created between them.
    public func createdBetween(trace: String, stream: Int) -> [(trace: String, frame: Int)] {
        var out: [(String, Int)] = []
        for (i, m) in matches.enumerated() where (m.traceA == trace && m.streamA == stream) || (m.traceB == trace && m.streamB == stream) {
            for f in diffs[i]?.createdBetween ?? [] where !out.contains(where: { $0 == f }) { out.append(f) }
        }
        return out
    }

    public func trace(_ name: String) -> DocumentBuilder.TraceResult? { traces.first { $0.entry.name == name } }

    /// The servers that answered SYNs in `t` (worked out once per run).
    func serverAnswers(_ t: DocumentBuilder.TraceResult) -> ServerAnswers { cache.serverAnswers(t) }

    /// The trace nearer the clients of a matched pair: by vantage name, else the one whose
    /// handshake takes longer (it sees the whole path), else the first.
    public func clientSide(_ m: ConnectionMatch) -> (client: (DocumentBuilder.TraceResult, ConnectionSummary), server: (DocumentBuilder.TraceResult, ConnectionSummary))? {
        guard let ta = trace(m.traceA), let tb = trace(m.traceB),
              let ca = ta.connection(stream: m.streamA), let cb = tb.connection(stream: m.streamB) else { return nil }
        // Settled by packets both sides saw (causality) when they were compared.
        if let t = m.clientSideTrace { return t == m.traceA ? ((ta, ca), (tb, cb)) : ((tb, cb), (ta, ca)) }
        // The connection's first SYN shows up first at the capture point nearer its initiator
        // (clock offset applied when known; margin for clock error).
        if let sa = ca.handshake.synTime, let sb = cb.handshake.synTime {
            let o = offsets.first { $0.traceA == m.traceA && $0.traceB == m.traceB }
            let delta = Timestamp.interval(from: sa, to: sb) - (o?.offset ?? 0)
            let margin = max(o?.uncertainty ?? 0, 0.000_05)
            if delta > margin { return ((ta, ca), (tb, cb)) }
            if delta < -margin { return ((tb, cb), (ta, ca)) }
        }
        func score(_ t: DocumentBuilder.TraceResult) -> Int {
            let v = (t.entry.vantage ?? "").lowercased()
            if v.contains("client") || v.contains("inside") && !v.contains("server") { return 1 }
            if v.contains("server") { return -1 }
            return 0
        }
        let sa = score(ta), sb = score(tb)
        if sa != sb { return sa > sb ? ((ta, ca), (tb, cb)) : ((tb, cb), (ta, ca)) }
        let ra = ca.handshake.synToSynAck ?? 0, rb = cb.handshake.synToSynAck ?? 0
        return ra >= rb ? ((ta, ca), (tb, cb)) : ((tb, cb), (ta, ca))
    }

    /// "10.1.1.1 (ResourceServer1)" or "10.1.1.1".
    public func name(_ a: IPAddress) -> String {
        aliases[a.description].map { "\(a) (\($0))" } ?? a.description
    }

    /// "192.4.4.4:32333" with the alias after it when there is one.
    public func name(_ e: Endpoint) -> String {
        aliases[e.address.description].map { "\(e) (\($0))" } ?? e.description
    }

    /// A word for a host in plain text: its alias, or "the host at 10.1.1.1".
    public func plainName(_ a: IPAddress, role: String) -> String {
        aliases[a.description] ?? "the \(role) (\(a))"
    }
}

/// The rules casebook runs, in the order their findings are listed.
public enum Rules {
    public static let all: [any Rule] = [
        SynAckFromUnexpectedAddress(), RSTInjectedByMiddlebox(), HandshakeRefused(), HandshakeNoResponse(),
        HandshakeStaleState(), AppNoResponse(), PathMTUBlackhole(), PathICMPError(),
        PerfRetransmissions(), PerfZeroWindow(), CaptureOffloadArtifact(), CaptureIncomplete(),
    ]

    /// Rules that need several vantage points.
    public static let caseRules: [any CaseRule] = [MiddleboxTCPTerminating(), CloseByMiddlebox(), LogContradiction()]

    /// Every rule over every trace, then the case rules, with the traces correlated first.
    public static func run(_ traces: [DocumentBuilder.TraceResult], aliases: [String: String],
                           correlation: (matches: [ConnectionMatch], offsets: [ClockOffset])? = nil,
                           logEntries: [LogEntry] = [], natRules: [StaticNATRule] = [], diffs: [Int: VantageDiff] = [:]) -> [Finding] {
        let c = correlation ?? correlate(traces)
        let context = RuleContext(aliases: aliases, traces: traces, matches: c.matches, offsets: c.offsets,
                                  logEntries: logEntries, natRules: natRules, diffs: diffs)
        var out: [Finding] = []
        for rule in caseRules { out += rule.findings(context: context) }
        for rule in all {
            for t in traces { out += rule.findings(in: t, context: context) }
        }
        return mergeAcrossVantagePoints(out, context: context)
    }

    /// The same finding for the same connection seen at two vantage points becomes one finding
    /// whose evidence cites both traces.
    static func mergeAcrossVantagePoints(_ findings: [Finding], context: RuleContext) -> [Finding] {
        guard context.traces.count > 1, !context.matches.isEmpty else { return findings }
        struct Ref: Hashable { var trace: String; var stream: Int }
        var peers: [Ref: Set<Ref>] = [:]
        for m in context.matches where m.method != .proxied {
            let a = Ref(trace: m.traceA, stream: m.streamA), b = Ref(trace: m.traceB, stream: m.streamB)
            peers[a, default: []].insert(b)
            peers[b, default: []].insert(a)
        }
        var out: [Finding] = []
        for f in findings {
            let refs = f.connections.map { Ref(trace: $0.trace, stream: $0.stream) }
            if let i = out.firstIndex(where: { g in
                g.id == f.id && g.connections.contains { c in refs.contains { peers[$0]?.contains(Ref(trace: c.trace, stream: c.stream)) ?? false } }
            }) {
                let traces = Set(f.connections.map(\.trace)).sorted().joined(separator: ", ")
                out[i].evidence += f.evidence
                out[i].connections += f.connections.filter { c in !out[i].connections.contains(c) }
                out[i].technical += " The same is seen in \(traces)."
            } else {
                out.append(f)
            }
        }
        return out
    }

    /// Correlates the traces; `statedOffsets` (trace → seconds its clock is ahead, from `--clock-offset`)
    /// replace estimates for pairs where the user knows better.
    public static func correlate(_ traces: [DocumentBuilder.TraceResult], statedOffsets: [String: Double] = [:])
        -> (matches: [ConnectionMatch], offsets: [ClockOffset]) {
        var c = Correlator.correlate(traces.map { CorrelationInput(name: $0.entry.name, connections: $0.connections) })
        guard !statedOffsets.isEmpty else { return c }
        for i in 0..<traces.count {
            for j in (i + 1)..<traces.count {
                let a = traces[i].entry.name, b = traces[j].entry.name
                guard statedOffsets[a] != nil || statedOffsets[b] != nil else { continue }
                let offset = (statedOffsets[b] ?? 0) - (statedOffsets[a] ?? 0)
                c.offsets.removeAll { $0.traceA == a && $0.traceB == b }
                c.offsets.append(ClockOffset(traceA: a, traceB: b, offset: offset, uncertainty: nil, samples: 0, clientSide: nil, stated: true))
            }
        }
        return c
    }
}

/// Small helpers shared by the rules.
enum Evidence {
    static func ref(_ c: ConnectionSummary, _ trace: String) -> Finding.ConnectionRef {
        .init(trace: trace, stream: c.stream, client: c.client.description, server: c.server.description)
    }

    /// Wireshark fields of a segment, by their display-filter names.
    static func fields(_ r: SegmentRecord) -> [String: String] {
        var f: [String: String] = [
            r.source.address.isIPv6 ? "ipv6.src" : "ip.src": r.source.address.description,
            r.destination.address.isIPv6 ? "ipv6.dst" : "ip.dst": r.destination.address.description,
            "tcp.srcport": "\(r.source.port)", "tcp.dstport": "\(r.destination.port)",
            r.source.address.isIPv6 ? "ipv6.hlim" : "ip.ttl": "\(r.ttl)",
            "tcp.flags.str": flagText(r.flags), "tcp.seq_raw": "\(r.seq)", "tcp.stream": "\(r.stream)",
        ]
        if r.flags.contains(.ack) { f["tcp.ack_raw"] = "\(r.ack)" }
        if !r.source.address.isIPv6 { f["ip.id"] = hex(r.ipID) }
        if r.length > 0 { f["tcp.len"] = "\(r.length)" }
        return f
    }

    static func segment(_ r: SegmentRecord, trace: String, _ text: String) -> Finding.Evidence {
        .init(trace: trace, frame: r.frame, text: text, fields: fields(r))
    }

    static func flagText(_ f: TCPFlags) -> String { InfoColumn.flags(f) }

    static func hex(_ v: UInt16) -> String {
        let h = String(v, radix: 16)
        return "0x" + String(repeating: "0", count: 4 - h.count) + h
    }

    static func hops(_ n: Int) -> String { n == 1 ? "1 hop" : "\(n) hops" }

    static func ms(_ seconds: Double) -> String {
        if seconds < 0.001 { return String(format: "%.0f µs", seconds * 1e6) }
        if seconds < 1 { return String(format: "%.2f ms", seconds * 1000) }
        return String(format: "%.2f s", seconds)
    }

    static func streamFilter(_ streams: [Int]) -> String {
        let s = Array(Set(streams)).sorted()
        if s.count == 1 { return "tcp.stream eq \(s[0])" }
        return "tcp.stream in {" + s.map(String.init).joined(separator: " ") + "}"
    }

    static func frameFilter(_ frames: [Int]) -> String {
        let f = Array(Set(frames)).sorted()
        if f.count == 1 { return "frame.number == \(f[0])" }
        return "frame.number in {" + f.map(String.init).joined(separator: " ") + "}"
    }
}
