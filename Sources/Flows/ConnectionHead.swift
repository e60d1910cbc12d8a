import Capture
import Packets

/// The first part of a finished connection: who talked to whom, its Zeek state and its handshake.
/// Reading it from the store skips the rest of the record (directions, timing, application), so
/// a pass that only needs these (servers that answered, their SYN → SYN/ACK times) stays cheap.
public struct ConnectionHead: Sendable, Equatable {
    public var stream: Int
    public var client: Endpoint
    public var server: Endpoint
    public var state: ConnState
    public var firstFrame: Int
    public var lastFrame: Int
    public var packets: Int
    public var startTime: Timestamp
    public var endTime: Timestamp
    public var handshake: ConnectionSummary.Handshake
}

extension ConnectionSummary {
    /// This connection's ``ConnectionHead``.
    public var head: ConnectionHead {
        ConnectionHead(stream: stream, client: client, server: server, state: state, firstFrame: firstFrame,
                       lastFrame: lastFrame, packets: packets, startTime: startTime, endTime: endTime, handshake: handshake)
    }
}

/// What kind of trouble a finished connection shows, known without decoding it: the store keeps
/// these bits beside each record, so a pass looking for one kind decodes only those connections.
public struct ConnectionTraits: OptionSet, Sendable, Hashable {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// A SYN answered by a RST and nothing else (Zeek REJ, no SYN/ACK).
    public static let refused = ConnectionTraits(rawValue: 1 << 0)
    /// A SYN with nothing at all coming back (Zeek S0, no packet towards the client).
    public static let unanswered = ConnectionTraits(rawValue: 1 << 1)
    /// Retransmissions in either direction.
    public static let retransmissions = ConnectionTraits(rawValue: 1 << 2)
    /// A zero window advertised in either direction.
    public static let zeroWindow = ConnectionTraits(rawValue: 1 << 3)
    /// An ACK for data the capture never saw (either direction).
    public static let ackedUnseen = ConnectionTraits(rawValue: 1 << 4)
    /// Payload without any SYN or SYN/ACK: the capture started mid-connection.
    public static let midstream = ConnectionTraits(rawValue: 1 << 5)
    /// An application request (SMTP command, HTTP request, TLS ClientHello) with no server data after it.
    public static let requestUnanswered = ConnectionTraits(rawValue: 1 << 6)
}

extension ConnectionSummary {
    /// The ``ConnectionTraits`` this connection has.
    public var traits: ConnectionTraits {
        var t: ConnectionTraits = []
        if state == .REJ && handshake.synFrame != nil && handshake.synAckFrame == nil { t.insert(.refused) }
        if state == .S0 && toClient.packets == 0 && handshake.synFrame != nil { t.insert(.unanswered) }
        if toServer.retransmissions + toClient.retransmissions > 0 { t.insert(.retransmissions) }
        if toServer.zeroWindows + toClient.zeroWindows > 0 { t.insert(.zeroWindow) }
        if toServer.ackedUnseen + toClient.ackedUnseen > 0 { t.insert(.ackedUnseen) }
        if handshake.synFrame == nil && handshake.synAckFrame == nil && payloadBytes > 0 { t.insert(.midstream) }
        let a = application
        if a.guess != nil, let request = a.lastClientCommandFrame ?? a.tlsClientHelloFrame,
           (a.lastServerDataFrame.map { $0 <= request } ?? true), !(a.guess == .tls && a.tlsServerHelloFrame != nil) {
            t.insert(.requestUnanswered)
        }
        return t
    }
}
