/// The analysis document of the contract (`casebook analyze CASE --json`,
/// CASE/analysis/analysis.json). Field names are the contract's; casebook's additions are
/// extra keys, never changes to the contract's.
public struct AnalysisDocument: Codable, Sendable, Equatable {
    public var casebookVersion: String
    /// Hash of everything the analysis depends on (casebook version, attachments, aliases).
    public var cacheKey: String
    public var `case`: CaseInfo
    public var traces: [TraceEntry]
    public var hosts: [HostEntry]
    public var connections: [ConnectionEntry]
    public var findings: [Finding]
    /// The same connection at several vantage points.
    public var matches: [Match] = []
    /// Clock of one trace relative to another.
    public var clockOffsets: [Offset] = []
    /// Round trip (and, with known clocks, one-way delays) between two vantage points.
    public var vantageDelays: [VantageDelay] = []
    /// Packet rows of the connections findings cite (for ladder diagrams); filled by `report`.
    public var exchanges: [Exchange] = []

    /// The packets of one connection in one trace, summarised: first and last packets and every
    /// evidence frame, with the counts of what was left out.
    public struct Exchange: Codable, Sendable, Equatable {
        public var trace: String
        public var stream: Int
        public var client: String
        public var server: String
        public var rows: [Row]
        public var omitted: Int

        public struct Row: Codable, Sendable, Equatable {
            public var frame: Int
            /// Seconds since the connection's first packet.
            public var time: Double
            public var fromClient: Bool
            public var flags: String
            public var seq: UInt32
            public var ack: UInt32?
            public var length: Int
            public var ttl: Int
            public var tags: [String]
            /// Rows left out before this one (elided range).
            public var skippedBefore: Int

            public init(frame: Int, time: Double, fromClient: Bool, flags: String, seq: UInt32, ack: UInt32?, length: Int,
                        ttl: Int, tags: [String], skippedBefore: Int) {
                self.frame = frame; self.time = time; self.fromClient = fromClient; self.flags = flags; self.seq = seq
                self.ack = ack; self.length = length; self.ttl = ttl; self.tags = tags; self.skippedBefore = skippedBefore
            }
        }

        public init(trace: String, stream: Int, client: String, server: String, rows: [Row], omitted: Int) {
            self.trace = trace; self.stream = stream; self.client = client; self.server = server; self.rows = rows; self.omitted = omitted
        }
    }

    enum CodingKeys: String, CodingKey {
        case casebookVersion = "casebook_version", cacheKey = "cache_key", `case`, traces, hosts, connections, findings
        case matches, clockOffsets = "clock_offsets", exchanges, vantageDelays = "vantage_delays"
    }

    public struct Match: Codable, Sendable, Equatable {
        public var traceA: String, streamA: Int, traceB: String, streamB: Int
        public var method: String
        public var evidence: String
        /// Frames seen upstream that never reached the other capture point, and frames with no
        /// origin upstream (created between the capture points). Same-segment/translated matches only.
        public var lostBetween: [FrameRef]?
        public var createdBetween: [FrameRef]?
        /// Each side's IPv4 IDs per direction, as that capture point saw them.
        public var ipIDs: [IPIDs]?
        /// The trace nearer the connection's client (by the packets both saw, else by the SYN's
        /// timing or the vantage names), as the analysis decided it.
        public var clientSide: String?
        enum CodingKeys: String, CodingKey {
            case traceA = "trace_a", streamA = "stream_a", traceB = "trace_b", streamB = "stream_b", method, evidence
            case lostBetween = "lost_between", createdBetween = "created_between", ipIDs = "ip_ids", clientSide = "client_side"
        }
    }

    public struct FrameRef: Codable, Sendable, Equatable {
        public var trace: String
        public var frame: Int
        public init(trace: String, frame: Int) { self.trace = trace; self.frame = frame }
    }

    public struct Offset: Codable, Sendable, Equatable {
        public var traceA: String, traceB: String
        /// time in trace B ≈ time in trace A + offset_s
        public var offsetS: Double
        public var uncertaintyS: Double?
        public var samples: Int
        public var clientSide: String?
        /// Stated by the user (`attach --clock-offset`), not estimated.
        public var stated: Bool?
        /// What bounded it: `same-segments` (packets both capture points saw), `proxied` (payload
        /// a TCP-terminating device relayed), `stated`.
        public var basis: String?
        enum CodingKeys: String, CodingKey {
            case traceA = "trace_a", traceB = "trace_b", offsetS = "offset_s", uncertaintyS = "uncertainty_s", samples
            case clientSide = "client_side", stated, basis
        }
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        casebookVersion = try c.decode(String.self, forKey: .casebookVersion)
        cacheKey = try c.decode(String.self, forKey: .cacheKey)
        `case` = try c.decode(CaseInfo.self, forKey: .case)
        traces = try c.decode([TraceEntry].self, forKey: .traces)
        hosts = try c.decode([HostEntry].self, forKey: .hosts)
        if decoder.userInfo[.connectionListingOnly] as? Bool == true {
            connections = try c.decode([ConnectionEntry.Listing].self, forKey: .connections).map { ConnectionEntry(listing: $0) }
        } else {
            connections = try c.decode([ConnectionEntry].self, forKey: .connections)
        }
        findings = try c.decode([Finding].self, forKey: .findings)
        matches = try c.decodeIfPresent([Match].self, forKey: .matches) ?? []
        clockOffsets = try c.decodeIfPresent([Offset].self, forKey: .clockOffsets) ?? []
        exchanges = try c.decodeIfPresent([Exchange].self, forKey: .exchanges) ?? []
        vantageDelays = try c.decodeIfPresent([VantageDelay].self, forKey: .vantageDelays) ?? []
    }

    init(casebookVersion: String, cacheKey: String, case: CaseInfo, traces: [TraceEntry], hosts: [HostEntry],
         connections: [ConnectionEntry], findings: [Finding]) {
        self.casebookVersion = casebookVersion
        self.cacheKey = cacheKey
        self.case = `case`
        self.traces = traces
        self.hosts = hosts
        self.connections = connections
        self.findings = findings
    }

    public struct CaseInfo: Codable, Sendable, Equatable {
        public var id: String
        public var title: String
    }

    public struct TraceEntry: Codable, Sendable, Equatable {
        public var name: String
        public var vantage: String?
        public var sha256: String
        public var format: String
        public var linkTypes: [String]
        public var packets: Int
        public var firstTime: String?
        public var lastTime: String?
        public var problems: [String]
        /// Frames that could not be fully decoded, by problem name.
        public var decodeProblems: [String: Int]
        public var tcpConnections: Int

        enum CodingKeys: String, CodingKey {
            case name, vantage, sha256, format, linkTypes = "link_types", packets, firstTime = "first_time"
            case lastTime = "last_time", problems, decodeProblems = "decode_problems", tcpConnections = "tcp_connections"
        }
    }

    public struct HostEntry: Codable, Sendable, Equatable {
        public var address: String
        public var alias: String?
        public var seen: [HostSighting]
    }

    public struct HostSighting: Codable, Sendable, Equatable {
        public var trace: String
        /// The TTL (hop limit) seen most often.
        public var ttl: Int
        public var initialTTL: Int
        public var hops: Int
        /// Every TTL seen, with its packet count (a forged packet shows up here).
        public var ttls: [String: Int]
        public var packets: Int
        public var ipID: String?
        public var macs: [String]

        enum CodingKeys: String, CodingKey {
            case trace, ttl, initialTTL = "initial_ttl", hops, ttls, packets, ipID = "ip_id", macs
        }
    }

    public struct ConnectionEntry: Codable, Sendable, Equatable {
        public var trace: String
        public var stream: Int
        public var client: String
        public var server: String
        public var state: String
        public var history: String
        public var firstFrame: Int
        public var lastFrame: Int
        public var packets: Int
        public var bytes: Int
        public var startTime: String
        public var durationS: Double
        public var handshakeRTTms: Double?
        public var synToSynAckMs: Double?
        public var synAckToAckMs: Double?
        public var initialRTTms: Double?
        public var synRetransmissions: Int
        public var maxIdleS: Double
        public var close: Close?
        public var toServer: Direction
        public var toClient: Direction
        public var ackRTTms: RTT?

        enum CodingKeys: String, CodingKey {
            case trace, stream, client, server, state, history, firstFrame = "first_frame", lastFrame = "last_frame"
            case packets, bytes, startTime = "start_time", durationS = "duration_s", handshakeRTTms = "handshake_rtt_ms"
            case synToSynAckMs = "syn_to_synack_ms", synAckToAckMs = "synack_to_ack_ms", initialRTTms = "initial_rtt_ms"
            case synRetransmissions = "syn_retransmissions", maxIdleS = "max_idle_s", close
            case toServer = "to_server", toClient = "to_client", ackRTTms = "ack_rtt_ms"
        }
    }

    public struct Close: Codable, Sendable, Equatable {
        public var frame: Int
        public var kind: String
        public var by: String
        /// Seconds from the last payload to the first FIN/RST.
        public var afterLastDataS: Double?

        enum CodingKeys: String, CodingKey { case frame, kind, by, afterLastDataS = "after_last_data_s" }
    }

    public struct Direction: Codable, Sendable, Equatable {
        public var packets: Int
        public var bytes: Int
        public var retransmittedBytes: Int
        public var retransmissions: Int
        public var outOfOrder: Int
        public var duplicateAcks: Int
        public var lostSegments: Int
        public var ackedUnseen: Int
        public var zeroWindows: Int
        public var keepAlives: Int
        public var challengeAcks: Int
        public var maxWindow: Int
        public var maxSegment: Int
        public var isn: UInt32?
        public var mss: Int?
        public var windowScale: Int?
        public var sackPermitted: Bool
        public var timestamps: Bool
        public var ecn: Bool

        enum CodingKeys: String, CodingKey {
            case packets, bytes, retransmittedBytes = "retransmitted_bytes", retransmissions, outOfOrder = "out_of_order"
            case duplicateAcks = "duplicate_acks", lostSegments = "lost_segments", ackedUnseen = "acked_unseen"
            case zeroWindows = "zero_windows", keepAlives = "keep_alives", challengeAcks = "challenge_acks"
            case maxWindow = "max_window", maxSegment = "max_segment", isn, mss, windowScale = "window_scale"
            case sackPermitted = "sack_permitted", timestamps, ecn
        }
    }

    public struct RTT: Codable, Sendable, Equatable {
        public var samples: Int
        public var min: Double
        public var mean: Double
        public var max: Double
    }
}
