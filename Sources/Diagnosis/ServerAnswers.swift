import Flows
import Packets
import Synchronization

/// The servers that answered a SYN in one trace, from one pass over its connections' heads:
/// the handshake rules (refused, no response) both ask, and a pass over every head of a large
/// trace costs about 1,800 instructions a connection.
struct ServerAnswers: Sendable {
    /// The first connection (in stream order) each server address answered with a SYN/ACK, and its port.
    var firstByAddress: [IPAddress: (stream: Int, port: UInt16)] = [:]
    /// The first connection each server endpoint answered.
    var firstByEndpoint: [Endpoint: Int] = [:]
    /// The shortest SYN → SYN/ACK time seen for each server address (seconds).
    var fastestSynAck: [IPAddress: Double] = [:]

    init(_ t: DocumentBuilder.TraceResult) {
        for c in t.connections.heads {
            if c.handshake.synAckFrame != nil {
                if firstByAddress[c.server.address] == nil { firstByAddress[c.server.address] = (c.stream, c.server.port) }
                if firstByEndpoint[c.server] == nil { firstByEndpoint[c.server] = c.stream }
            }
            if let r = c.handshake.synToSynAck { fastestSynAck[c.server.address] = min(fastestSynAck[c.server.address] ?? r, r) }
        }
    }
}

/// What the rules of one run work out once and share, by trace name.
final class RuleCache: Sendable {
    private let answers = Mutex<[String: ServerAnswers]>([:])

    func serverAnswers(_ t: DocumentBuilder.TraceResult) -> ServerAnswers {
        if let known = answers.withLock({ $0[t.entry.name] }) { return known }
        let made = ServerAnswers(t)
        answers.withLock { $0[t.entry.name] = made }
        return made
    }
}
