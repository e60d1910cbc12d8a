import Capture
import Flows
import Packets
import TestSupport
import XCTest

/// The conversation layer on our own lab captures, asserted by value.
final class ConnectionTrackerTests: XCTestCase {
    struct Run { var connections: [ConnectionSummary]; var analyses: [Int: SegmentAnalysis]; var hosts: HostTable }

    func run(_ lab: String) throws -> Run {
        let trace = try TraceFile(path: Fixtures.lab(lab))
        var reader = trace.makeReader()
        var tracker = ConnectionTracker()
        var analyses: [Int: SegmentAnalysis] = [:]
        while let f = reader.next() {
            if let a = tracker.process(PacketDecoder.decode(f)) { analyses[f.number] = a }
        }
        return Run(connections: Array(tracker.finish()), analyses: analyses, hosts: tracker.hosts)
    }

    func testWorkingRefusedAndDroppedConnections() throws {
        let r = try run("basic/client.pcap")
        XCTAssertEqual(r.connections.map(\.state), [.SF, .REJ, .S0])
        XCTAssertEqual(r.connections.map(\.history), ["ShADadFf", "Sr", "S"])
        XCTAssertEqual(r.connections.map { $0.server.description }, ["10.0.2.20:8080", "10.0.2.20:8081", "10.0.2.20:8082"])
        let ok = r.connections[0]
        XCTAssertEqual(ok.toServer.payloadBytes, 15)
        XCTAssertEqual(ok.toClient.payloadBytes, 18)
        XCTAssertEqual(ok.handshake.synToSynAck!, 0.000066, accuracy: 1e-9)
        XCTAssertEqual(ok.handshake.synAckToAck!, 0.000016, accuracy: 1e-9)
        XCTAssertEqual(ok.closedByServer, false)
        XCTAssertEqual(ok.toServer.mss, 1460)
        XCTAssertEqual(ok.toServer.windowScale, 10)
        let dropped = r.connections[2]
        XCTAssertEqual(dropped.handshake.synRetransmissions, 3)
        XCTAssertEqual(dropped.duration, 7.2168, accuracy: 1e-4)
        XCTAssertEqual(r.analyses[14]?.flags, [.retransmission])
        XCTAssertEqual(r.analyses[14]?.tags, ["TCP Retransmission"])
        XCTAssertEqual(r.analyses[12]?.stream, 1)
    }

    func testForgedResetIsVisibleInHostTTLs() throws {
        let r = try run("forged-rst/client.pcap")
        let server = r.hosts.hosts[IPAddress("10.0.2.20")!]
        XCTAssertEqual(server?.commonTTL, 127)
        XCTAssertEqual(server?.ttlCounts[64], 1, "the one forged RST/ACK")
        XCTAssertEqual(server?.hops, 1)
    }

    func testStaleStateChallengeAcksAndPortReuse() throws {
        let r = try run("stale-state-stuck/client.pcap")
        // The old connection, then the new SYNs from the same port in a new stream.
        XCTAssertEqual(r.connections.count, 2)
        XCTAssertEqual(r.analyses[8]?.flags.contains(.reusedPorts), true)
        XCTAssertEqual(r.connections[1].toClient.challengeAcks, 6)
        XCTAssertEqual(r.analyses[9]?.flags.contains(.challengeAck), true)
        XCTAssertEqual(r.connections[0].closeFrame, nil, "the old connection never closed")
        let recovered = try run("stale-state-recovered/client.pcap")
        XCTAssertEqual(recovered.connections[1].toClient.challengeAcks, 1)
        XCTAssertNotNil(recovered.connections[1].handshake.synAckFrame)
    }

    func testOffloadSegmentsAndSMTPSilence() throws {
        let off = try run("offload/server.pcap")
        XCTAssertEqual(off.connections.map(\.toClient.maxSegment).max(), 14480)
        let smtp = try run("smtp-silent/client.pcap")
        let c = smtp.connections[0]
        XCTAssertEqual(c.closedByServer, false)
        XCTAssertEqual(c.closeFrame, 17)
        XCTAssertEqual(Timestamp.interval(from: c.lastDataTime!, to: c.closeTime!), 5.005, accuracy: 0.01)
        XCTAssertEqual(c.toServer.retransmissions + c.toClient.retransmissions, 0)
    }
}
