import Foundation

extension CodingUserInfoKey {
    /// Set to `true` on a decoder to read every connection as a listing row only (identity,
    /// endpoints, state, history, frames, counts, start, duration, handshake RTT): per-direction
    /// statistics, RTT samples and close details are left empty. For readers that list
    /// connections but never use their statistics (the report): the per-direction objects are most
    /// of a large document's decoding time.
    public static let connectionListingOnly = CodingUserInfoKey(rawValue: "casebook.connection-listing-only")!
}

extension AnalysisDocument.ConnectionEntry {
    /// The listing fields of a connection (see `CodingUserInfoKey.connectionListingOnly`).
    struct Listing: Decodable {
        var trace: String, stream: Int, client: String, server: String, state: String, history: String
        var firstFrame: Int, lastFrame: Int, packets: Int, bytes: Int, startTime: String, durationS: Double
        var handshakeRTTms: Double?
        enum CodingKeys: String, CodingKey {
            case trace, stream, client, server, state, history, firstFrame = "first_frame", lastFrame = "last_frame"
            case packets, bytes, startTime = "start_time", durationS = "duration_s", handshakeRTTms = "handshake_rtt_ms"
        }
    }

    init(listing l: Listing) {
        let none = AnalysisDocument.Direction(
            packets: 0, bytes: 0, retransmittedBytes: 0, retransmissions: 0, outOfOrder: 0, duplicateAcks: 0, lostSegments: 0,
            ackedUnseen: 0, zeroWindows: 0, keepAlives: 0, challengeAcks: 0, maxWindow: 0, maxSegment: 0, isn: nil, mss: nil,
            windowScale: nil, sackPermitted: false, timestamps: false, ecn: false)
        self.init(trace: l.trace, stream: l.stream, client: l.client, server: l.server, state: l.state, history: l.history,
                  firstFrame: l.firstFrame, lastFrame: l.lastFrame, packets: l.packets, bytes: l.bytes, startTime: l.startTime,
                  durationS: l.durationS, handshakeRTTms: l.handshakeRTTms, synToSynAckMs: nil, synAckToAckMs: nil,
                  initialRTTms: nil, synRetransmissions: 0, maxIdleS: 0, close: nil, toServer: none, toClient: none, ackRTTms: nil)
    }
}
