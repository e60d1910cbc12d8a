import Capture
import Flows
import Packets

/// Facts across vantage points, no verdicts: which connection of one trace is which in another,
/// and how the traces' clocks relate.
///
/// Matching, per pair of traces: first by ISN (a SYN's sequence number is random per connection,
/// so the same ISN at two capture points means the same segment passed both; if the addresses or
/// ports differ, something translated them); then, for connections left over, by ports and time
/// (a TCP-terminating device keeps the endpoints or the ports but uses its own ISNs).
/// Clock offsets come from ISN-matched handshakes by causality: a SYN is seen nearer the client
/// first, a SYN/ACK nearer the server first, which bounds the offset from both sides.
public enum Correlator {
    public static func correlate(_ traces: [CorrelationInput]) -> (matches: [ConnectionMatch], offsets: [ClockOffset]) {
        var matches: [ConnectionMatch] = []
        var offsets: [ClockOffset] = []
        guard traces.count >= 2 else { return ([], []) }
        for i in 0..<traces.count {
            for j in (i + 1)..<traces.count {
                let (m, o) = pair(traces[i], traces[j])
                matches += m
                if let o { offsets.append(o) }
            }
        }
        return (matches, offsets)
    }

    static func pair(_ a: CorrelationInput, _ b: CorrelationInput) -> ([ConnectionMatch], ClockOffset?) {
        var out: [ConnectionMatch] = []
        var usedB = Set<Int>()
        var usedA = Set<Int>()
        var byClientISN: [UInt32: [ConnectionSummary]] = [:]
        var byServerISN: [UInt32: [ConnectionSummary]] = [:]
        for c in b.connections {
            if let isn = c.toServer.isn, c.handshake.synFrame != nil { byClientISN[isn, default: []].append(c) }
            if let isn = c.toClient.isn, c.handshake.synAckFrame != nil { byServerISN[isn, default: []].append(c) }
        }
        // Bounds on offset = tB - tA from packets seen at both, per direction of travel.
        var forward: [Double] = []  // client → server packets (SYNs)
        var backward: [Double] = [] // server → client packets (SYN/ACKs)
        for c in a.connections {
            var found: (ConnectionSummary, String)?
            if c.handshake.synFrame != nil, let isn = c.toServer.isn,
               let other = byClientISN[isn]?.first(where: { $0.client.port == c.client.port }) {
                found = (other, "client ISN \(isn)")
            } else if c.handshake.synAckFrame != nil, let isn = c.toClient.isn,
                      let other = byServerISN[isn]?.first(where: { $0.client.port == c.client.port || $0.server.port == c.server.port }) {
                found = (other, "server ISN \(isn)")
            }
            guard let (other, why) = found else { continue }
            let same = other.client == c.client && other.server == c.server
            out.append(ConnectionMatch(traceA: a.name, streamA: c.stream, traceB: b.name, streamB: other.stream,
                                       method: same ? .sameSegments : .translated, evidence: why))
            usedA.insert(c.stream)
            usedB.insert(other.stream)
            if let ta = c.handshake.synTime, let tb = other.handshake.synTime, c.toServer.isn == other.toServer.isn {
                forward.append(Timestamp.interval(from: ta, to: tb))
            }
            if let ta = c.handshake.synAckTime, let tb = other.handshake.synAckTime, c.toClient.isn == other.toClient.isn {
                backward.append(Timestamp.interval(from: ta, to: tb))
            }
        }
        let offset = estimate(a.name, b.name, forward: forward, backward: backward)
        // Left-over connections with a handshake: same ports (or 4-tuple), different ISNs, close in time.
        let shift = offset?.offset ?? 0
        let window = max(2.0, (offset?.uncertainty ?? 1) * 2)
        for c in a.connections where !usedA.contains(c.stream) && c.handshake.synFrame != nil {
            let candidates = b.connections.filter {
                !usedB.contains($0.stream) && $0.handshake.synFrame != nil
                    && $0.client.port == c.client.port && $0.server.port == c.server.port
                    && $0.toServer.isn != c.toServer.isn
            }
            let timed = candidates.map { ($0, abs(Timestamp.interval(from: c.startTime, to: $0.startTime) - shift)) }
                .filter { $0.1 <= window }
            guard let (other, gap) = timed.min(by: { $0.1 < $1.1 }) else { continue }
            let sameTuple = other.client == c.client && other.server == c.server
            out.append(ConnectionMatch(
                traceA: a.name, streamA: c.stream, traceB: b.name, streamB: other.stream, method: .proxied,
                evidence: "\(sameTuple ? "same 4-tuple" : "same ports"), different ISNs (\(c.toServer.isn ?? 0) vs \(other.toServer.isn ?? 0)), starts \(String(format: "%.3f", gap * 1000)) ms apart"))
            usedA.insert(c.stream)
            usedB.insert(other.stream)
        }
        return (out, offset)
    }

    /// Causality bounds: if A is nearer the clients, offset ≤ every forward sample and ≥ every
    /// backward one; if B is, the other way round.
    static func estimate(_ a: String, _ b: String, forward: [Double], backward: [Double]) -> ClockOffset? {
        guard !forward.isEmpty || !backward.isEmpty else { return nil }
        guard let fMin = forward.min(), let fMax = forward.max(), let bMin = backward.min(), let bMax = backward.max() else {
            let all = forward + backward
            return ClockOffset(traceA: a, traceB: b, offset: all.reduce(0, +) / Double(all.count), uncertainty: nil,
                               samples: all.count, clientSide: nil)
        }
        let aNearClient = (forward.reduce(0, +) / Double(forward.count)) >= (backward.reduce(0, +) / Double(backward.count))
        let low = aNearClient ? bMax : fMax
        let high = aNearClient ? fMin : bMin
        let lo = min(low, high), hi = max(low, high)
        return ClockOffset(traceA: a, traceB: b, offset: (lo + hi) / 2, uncertainty: (hi - lo) / 2,
                           samples: forward.count + backward.count, clientSide: aNearClient ? a : b)
    }
}
