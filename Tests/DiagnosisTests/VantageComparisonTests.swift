import CasebookKit
import Correlation
import Diagnosis
import Flows
import TestSupport
import XCTest

/// Packet-by-packet comparisons across two vantage points on the lab's two-sided captures
/// (every value below read back with tshark from the committed pcaps).
final class VantageComparisonTests: XCTestCase {
    func compare(_ lab: String) throws -> (traces: [DocumentBuilder.TraceResult], compared: Casebook.VantageComparison, findings: [Finding]) {
        let traces = try ["client", "server"].map { (v: String) in
            try Casebook.analyzeTrace(path: Fixtures.lab("\(lab)/\(v).pcap"), name: "\(v).pcap", vantage: v, sha256: "")
        }
        let c = try Casebook.compareVantages(results: traces, correlation: Rules.correlate(traces)) { Fixtures.lab("\(lab)/\($0)") }
        return (traces, c, Rules.run(traces, aliases: [:], correlation: (c.matches, c.offsets), diffs: c.diffs))
    }

    func frames(_ refs: [(trace: String, frame: Int)]) -> [String] { refs.map { "\($0.trace):\($0.frame)" } }

    func testProxyOwnHandshakeAndClosesAreCreatedBetween() throws {
        let r = try compare("tls-proxy-reset")
        let i = try XCTUnwrap(r.compared.matches.firstIndex { $0.streamA == 0 && $0.streamB == 0 })
        let d = try XCTUnwrap(r.compared.diffs[i])
        // The proxy's SYN/ACK to the client (2) and its FIN (6); its SYN to the server (1) and its FIN (8).
        XCTAssertEqual(frames(d.createdBetween), ["client.pcap:2", "client.pcap:6", "server.pcap:1", "server.pcap:8"])
        // The ServerHello flight (613 bytes) was never relayed to the client.
        XCTAssertEqual(frames(d.lostBetween), ["server.pcap:6"])
        XCTAssertEqual(d.pairing?.pairs.map { "\($0.client.frame)/\($0.server.frame)" }, ["4/4"], "the ClientHello, 187 bytes, relayed verbatim")
        // The relayed connection in the other direction: only the proxy's own handshake; both FINs relayed.
        let j = try XCTUnwrap(r.compared.matches.firstIndex { $0.streamA == 1 && $0.streamB == 1 })
        XCTAssertEqual(frames(try XCTUnwrap(r.compared.diffs[j]).createdBetween), ["server.pcap:12", "client.pcap:9"])
        XCTAssertEqual(r.compared.diffs[j]?.lostBetween.count, 0)

        let close = try XCTUnwrap(r.findings.first { $0.id == "close.by-middlebox" })
        for fact in ["the FIN in client.pcap (frame 6) has no origin in server.pcap: the server sent no FIN at that point of the stream (its own FIN, frame 9, comes at another stream position)",
                     "nor has the client's FIN in server.pcap (frame 8) an origin in client.pcap",
                     "The server's data in server.pcap (frame 6) never reached the client side."] {
            XCTAssertTrue(close.technical.contains(fact), "missing: \(fact)\n\(close.technical)")
        }
        XCTAssertEqual(close.evidence.first?.text, "the client side sees the server close; no origin at the server side")
    }

    func testIPIDSequencesOverTheWholeConnectionAtEachSide() throws {
        let r = try compare("tls-proxy-reset")
        let f = try XCTUnwrap(r.findings.first { $0.id == "middlebox.tcp-terminating" && $0.title.contains("10.1.1.1:53695") })
        for fact in [
            "client→server IP IDs 0xdd15, 0xdd16, 0xdd17, 0xdd18 (4 packets, +1 per packet, DF) at the client side vs 0xd8c6, 0xd8c7, 0xd8c8, 0xd8c9, …, 0xd8cb (6 packets, +1 per packet, DF) at the server side;",
            "server→client IP IDs 0x0000, 0x0849, 0x084a, 0x084b (4 packets, +1 per packet, 1 zero, DF) at the client side vs 0x0000, 0xe810, 0xe811, 0xe812 (4 packets, +1 per packet, 1 zero, DF) at the server side;",
            // .877728 at the client side, .880332 at the server side, offset +1.5 µs ± 1.8805 ms.
            "The SYN/ACK reached the client side (client.pcap frame 2) 2.60 ms before the server sent its own (server.pcap frame 2; clocks related within ± 1.88 ms, from the relayed payload): the device answered the client before the server had.",
            "The same 187 payload bytes (from the client) carry IP ID 0xdd17 at the client side (client.pcap frame 4) and 0xd8c8 at the server side (server.pcap frame 4): the device sends its own packets",
        ] {
            XCTAssertTrue(f.technical.contains(fact), "missing: \(fact)\n\(f.technical)")
        }
        XCTAssertTrue(f.evidence.contains { $0.trace == "server.pcap" && $0.frame == 4 && $0.fields["ip.id"] == "0xd8c8" })
        // Where the same segments pass both capture points, both see the same IDs (no finding, same series).
        let nat = try compare("basic")
        let client = try XCTUnwrap(nat.traces[0].connection(stream: 0)), server = try XCTUnwrap(nat.traces[1].connection(stream: 0))
        XCTAssertEqual(client.toServer.ipIDs, server.toServer.ipIDs)
        XCTAssertEqual(client.toServer.ipIDs.first, [0x8c35, 0x8c36, 0x8c37, 0x8c38])
        XCTAssertEqual(client.toServer.ipIDs.last, 0x8c3a)
        XCTAssertEqual(client.toClient.ipIDs.behaviour, "+1 per packet")
        XCTAssertFalse(nat.findings.contains { $0.id == "middlebox.tcp-terminating" })
    }

    func testRoundTripAcrossADelayedWANLink() throws {
        let r = try compare("wan-delay")
        let t = try XCTUnwrap(r.compared.timings.first)
        // Fastest each way (tshark): frame 7 at .913361 → .915152 (1.791 ms); frame 5 at .911141 → .912935 (1.794 ms).
        XCTAssertEqual(t.aToB.map { [$0.frameA, $0.frameB, $0.samples] }, [7, 7, 6])
        XCTAssertEqual(try XCTUnwrap(t.aToB).lag, 0.001791, accuracy: 1e-9)
        XCTAssertEqual(t.bToA.map { [$0.frameA, $0.frameB, $0.samples] }, [5, 5, 4])
        XCTAssertEqual(try XCTUnwrap(t.bToA).lag, -0.001794, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(t.roundTrip), 0.003585, accuracy: 1e-9)
        let o = try XCTUnwrap(r.compared.offsets.first)
        XCTAssertEqual(o.offset, -0.0000015, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(o.uncertainty), 0.0017925, accuracy: 1e-9)
        XCTAssertEqual(o.samples, 10)
        XCTAssertLessThanOrEqual(abs(o.offset), o.uncertainty!, "one host clock: the true offset 0 lies within")
        // Clocks known to agree: the one-way delays.
        let w = t.oneWay(offset: 0)
        XCTAssertEqual(try XCTUnwrap(w.aToB), 0.001791, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(w.bToA), 0.001794, accuracy: 1e-9)
        XCTAssertTrue(r.compared.diffs.values.allSatisfy { $0.lostBetween.isEmpty && $0.createdBetween.isEmpty })
    }

    func testRoundTripBetweenTheVantagePointsWithoutKnowingTheClocks() throws {
        let r = try compare("basic")
        let t = try XCTUnwrap(r.compared.timings.first)
        XCTAssertFalse(t.proxied)
        // client.pcap → server.pcap fastest: frame 3 (ACK) .030600 → .030604; back: frame 5 .030684 → .030688.
        XCTAssertEqual(t.aToB.map { [$0.frameA, $0.frameB] }, [3, 3])
        XCTAssertEqual(try XCTUnwrap(t.aToB).lag, 0.000004, accuracy: 1e-9)
        XCTAssertEqual(t.bToA.map { [$0.frameA, $0.frameB] }, [5, 5])
        XCTAssertEqual(try XCTUnwrap(t.bToA).lag, -0.000004, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(t.roundTrip), 0.000008, accuracy: 1e-9)
        // The offset is narrowed to ± half that round trip, and the shared clock's 0 lies within.
        let o = try XCTUnwrap(r.compared.offsets.first)
        XCTAssertEqual(o.basis, .sameSegments)
        XCTAssertEqual(try XCTUnwrap(o.uncertainty), 0.000004, accuracy: 1e-9)
        XCTAssertLessThanOrEqual(abs(o.offset), o.uncertainty! + 1e-9)
    }
}
