import Capture
import Flows
import Packets

/// One connection seen in two traces (vantage points), and how casebook knows it is the same.
public struct ConnectionMatch: Sendable, Equatable {
    public enum Method: String, Sendable {
        /// Same endpoints and the same ISNs: the same packets passed both capture points.
        case sameSegments = "same-segments"
        /// Same ISN, but an address or port differs: translated (NAT) between the vantage points.
        case translated
        /// Same or translated endpoints, different ISNs, close in time: a device between the
        /// vantage points terminates TCP and opens its own connection (proxy, TLS inspection).
        case proxied
    }
    public var traceA: String
    public var streamA: Int
    public var traceB: String
    public var streamB: Int
    public var method: Method
    /// What matched, in words ("client ISN 937522549", "4-tuple, starts 1.2 ms apart").
    public var evidence: String
    /// The trace nearer the connection's client, once packets seen at both settled it by causality
    /// (what travels toward the server is seen there first); nil when not compared or not settled.
    public var clientSideTrace: String? = nil
}

/// The clock of trace B relative to trace A: `timeB ≈ timeA + offset`, known within ± uncertainty.
public struct ClockOffset: Sendable, Equatable {
    public var traceA: String
    public var traceB: String
    public var offset: Double
    /// Half the width of the interval causality allows; nil when only one bound is known.
    public var uncertainty: Double?
    /// How many packet pairs bounded it.
    public var samples: Int
    /// Which trace is nearer the clients (its packets toward servers are seen first).
    public var clientSide: String?
    /// True when the user stated it (`attach --clock-offset`) rather than casebook estimating it.
    public var stated = false
    /// What bounded it: packets both capture points saw (same segments), payload relayed by a
    /// TCP-terminating device (proxied), or the user.
    public var basis: Basis

    public enum Basis: String, Sendable {
        case sameSegments = "same-segments", proxied, stated
    }

    public init(traceA: String, traceB: String, offset: Double, uncertainty: Double?, samples: Int, clientSide: String?,
                stated: Bool = false, basis: Basis? = nil) {
        self.traceA = traceA; self.traceB = traceB; self.offset = offset; self.uncertainty = uncertainty
        self.samples = samples; self.clientSide = clientSide; self.stated = stated
        self.basis = basis ?? (stated ? .stated : .sameSegments)
    }
}

/// Input for correlation: one trace's name and its connections.
public struct CorrelationInput: Sendable {
    public var name: String
    public var connections: ConnectionStore
    public init(name: String, connections: ConnectionStore) {
        self.name = name
        self.connections = connections
    }
    public init(name: String, connections: [ConnectionSummary]) {
        self.init(name: name, connections: ConnectionStore(connections))
    }
}
