/// Zeek's TCP endpoint state (TCP_Endpoint.h): one per side of a connection.
public enum EndpointState: Int, Sendable, Codable {
    case inactive = 0, synSent, synAckSent, partial, established, closed, reset

    /// Zeek's script name (TCP_INACTIVE …).
    public var zeekName: String {
        ["TCP_INACTIVE", "TCP_SYN_SENT", "TCP_SYN_ACK_SENT", "TCP_PARTIAL", "TCP_ESTABLISHED", "TCP_CLOSED", "TCP_RESET"][rawValue]
    }
}

/// One side of a connection as Zeek's TCP analyzer sees it: state machine, sequence bookkeeping
/// for `Size()` and retransmissions, and the history bits that keep letters to one per direction.
struct ZeekEndpoint {
    var state: EndpointState = .inactive
    var prevState: EndpointState = .inactive
    var startSeq: UInt32 = 0
    var lastSeq: UInt32 = 0
    var ackSeq: UInt32 = 0
    var initialized = false
    var synCount = 0
    var finCount = 0
    var rstCount = 0
    var windowScale = 0
    var didClose: Bool { state == .closed || state == .reset }

    // Repeat guards for history letters s/h, f and r (Zeek's hist_last_SYN/FIN/RST).
    var lastSYNRel: UInt32 = 0
    var lastFINRel: UInt32 = 0
    var lastRSTRel: UInt32 = 0
    var retransmits = 0, retransmitThreshold = 1
    var zeroWindows = 0, zeroWindowThreshold = 1

    /// Zeek's `TCP_Endpoint::Size()`: bytes this side sent (not counting SYN and FIN).
    var size: UInt64 {
        let last = UInt64(UInt32(bitPattern: Int32(truncatingIfNeeded: Seq.delta(lastSeq, startSeq))))
        let acked = UInt64(UInt32(bitPattern: Int32(truncatingIfNeeded: Seq.delta(ackSeq, startSeq))))
        var s = Seq.gt(ackSeq, lastSeq) ? acked : last
        if s > 0 && synCount > 0 { s -= 1 }
        if s > 0 && finCount > 0 { s -= 1 }
        return s
    }

    /// Zeek's ScaledHistoryEntry: true at the 1st, 10th, 100th … event.
    static func scaled(_ count: inout Int, _ threshold: inout Int) -> Bool {
        count += 1
        if count == threshold { threshold *= 10; return true }
        return false
    }
}
