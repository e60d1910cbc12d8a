import CasebookKit
import Correlation
import Diagnosis
import Logs
import TestSupport
import XCTest

/// Stories that need two vantage points, on the lab's two-sided captures.
final class MultiVantageTests: XCTestCase {
    func run(_ lab: String) throws -> (findings: [Finding], matches: [ConnectionMatch], offsets: [ClockOffset], compared: Casebook.VantageComparison) {
        let traces = try ["client", "server"].map { (v: String) in
            try Casebook.analyzeTrace(path: Fixtures.lab("\(lab)/\(v).pcap"), name: "\(v).pcap", vantage: v, sha256: "")
        }
        let c = try Casebook.compareVantages(results: traces, correlation: Rules.correlate(traces)) { Fixtures.lab("\(lab)/\($0)") }
        let findings = Rules.run(traces, aliases: [:], correlation: (c.matches, c.offsets), diffs: c.diffs)
        return (findings, c.matches, c.offsets, c)
    }

    func testTLSProxyTerminatesTCPAndClosesBothSides() throws {
        let r = try run("tls-proxy-reset")
        XCTAssertEqual(r.matches.first.map { [$0.streamA, $0.streamB] }, [0, 0])
        XCTAssertEqual(r.matches.first?.method, .proxied)
        // No segment passes both capture points unchanged; the relayed payload still bounds the clocks.
        let o = try XCTUnwrap(r.offsets.first)
        XCTAssertEqual(o.basis, .proxied)
        XCTAssertEqual(o.samples, 7, "the ClientHello of stream 0, and the 6 relayed segments of the connection in the other direction")
        XCTAssertEqual(o.offset, 0.0000015, accuracy: 1e-9, "between −1.879 ms (93 bytes: server.pcap frame 18 at .129453, client.pcap frame 16 at .131332) and +1.882 ms (80 bytes: client.pcap frame 19 at .135985, server.pcap frame 21 at .137867)")
        XCTAssertEqual(try XCTUnwrap(o.uncertainty), 0.0018805, accuracy: 1e-9)
        XCTAssertLessThanOrEqual(abs(o.offset), o.uncertainty!, "both captures ran on the host clock: the true offset, 0, lies within")
        XCTAssertEqual(r.compared.timings.count, 1)
        XCTAssertTrue(r.compared.timings.allSatisfy { $0.proxied && $0.roundTrip == nil }, "no round trip through a proxy")
        let t = r.findings.filter { $0.id == "middlebox.tcp-terminating" }
        XCTAssertEqual(t.count, 2, "the failing connection and the one in the other direction")
        let f = t[0]
        for fact in ["client ISN 937522549 vs 937621653", "client window scale 10 (×1024) vs 3 (×8)", "ECN on the SYN true vs false",
                     "the SYN reaches the server with TTL 255 (initial 255, 0 hops away) — the device sits on the server's own segment",
                     "handshake RTT 3.79 ms on the client side", "IP ID of the SYN 0x"] {
            XCTAssertTrue(f.technical.contains(fact), "missing: \(fact)\n\(f.technical)")
        }
        let close = r.findings.filter { $0.id == "close.by-middlebox" }
        XCTAssertEqual(close.count, 1)
        XCTAssertEqual(close[0].evidence.map { "\($0.trace):\($0.frame)" }, ["client.pcap:6", "server.pcap:8", "server.pcap:6"])
        XCTAssertTrue(close[0].technical.contains("comes 189 µs after the server's last data (frame 6), but the client is 3.79 ms away"), close[0].technical)
        XCTAssertEqual(close[0].confidence, "high")
        // With the server's trace at hand, the ServerHello was sent: not an application silence.
        XCTAssertFalse(r.findings.contains { $0.id == "app.no-response" })
        // The reverse-direction connection is oriented by where its SYN appears first.
        XCTAssertTrue(t[1].title.contains("between server.pcap and client.pcap terminates TCP for 10.2.2.2:50123"), t[1].title)
    }

    func testOneWayNATMatchedByISNAndClockOffset() throws {
        let r = try run("one-way-nat")
        // The client's SYN stream and the SYN/ACK stream from the NAT address are both the server's stream 1.
        XCTAssertTrue(r.matches.contains { $0.streamA == 1 && $0.streamB == 1 && $0.method == .sameSegments })
        XCTAssertTrue(r.matches.contains { $0.streamA == 2 && $0.streamB == 1 && $0.method == .translated && $0.evidence.hasPrefix("server ISN") })
        let o = try XCTUnwrap(r.offsets.first)
        XCTAssertEqual(o.clientSide, "client.pcap")
        // Both captures ran on one clock: the estimate must contain 0 within its uncertainty.
        XCTAssertLessThanOrEqual(abs(o.offset), try XCTUnwrap(o.uncertainty) + 1e-9)
        let nat = r.findings.filter { $0.id == "handshake.synack-from-unexpected-address" }
        XCTAssertEqual(nat.count, 1)
        // The server-side trace is already there: no advice to capture it.
        XCTAssertFalse(nat[0].nextSteps.contains { $0.hasPrefix("Capture on the server side too") }, "\(nat[0].nextSteps)")
    }

    func testForgedResetConfirmedByItsAbsenceAtTheServer() throws {
        let r = try run("forged-rst")
        let f = try XCTUnwrap(r.findings.first { $0.id == "rst.injected-by-middlebox" })
        XCTAssertTrue(f.technical.contains("server.pcap (vantage server) has no such RST, nor any packet of this connection"), f.technical)
        // The genuine refusal on port 81, seen at both vantage points, is one finding citing both traces.
        let refused = r.findings.filter { $0.id == "handshake.refused" }
        XCTAssertEqual(refused.count, 1)
        XCTAssertEqual(Set(refused[0].evidence.map(\.trace)), ["client.pcap", "server.pcap"])
    }

    func testDroppedSYNsLocalisedBetweenTheVantagePoints() throws {
        let r = try run("basic")
        let f = try XCTUnwrap(r.findings.first { $0.id == "handshake.no-response" })
        XCTAssertTrue(f.technical.contains("server.pcap (vantage server) has no packet of this connection: the SYNs were lost between the two capture points"), f.technical)
    }
}

/// Firewall logs and router configs tied to the traces.
final class LogEvidenceTests: XCTestCase {
    func testCheckPointLogExplainsTheTLSFailureWithTheReplyDirectionDrop() throws {
        let traces = try ["client", "server"].map { (v: String) in
            try Casebook.analyzeTrace(path: Fixtures.lab("tls-proxy-reset/\(v).pcap"), name: "\(v).pcap", vantage: v, sha256: "")
        }
        let log = try LogFile.parse(text: String(contentsOfFile: Fixtures.lab("tls-proxy-reset/firewall.log"), encoding: .utf8), name: "firewall.log")
        let all = Rules.run(traces, aliases: [:], logEntries: log.entries)
        let f = all.filter { $0.id == "log.contradiction" }
        XCTAssertEqual(f.count, 1)
        XCTAssertEqual(f[0].confidence, "high")
        XCTAssertEqual(f[0].evidence.filter { $0.trace == "firewall.log" }.map(\.frame), [1, 2], "accept line 1, drop line 2")
        XCTAssertTrue(f[0].technical.contains("firewall.log line 2: drop 10.2.2.2:5061 → 10.1.1.1:53695 (TLS connection has to be closed)"), f[0].technical)
        XCTAssertTrue(f[0].technical.contains("for the reply direction"))
        // The connection in the other direction, allowed by rule 12, worked: no finding for it.
        XCTAssertFalse(f.contains { $0.title.contains("50123") })
    }

    func testIOSStaticNATExplainsTheOneWayTranslation() throws {
        let traces = try ["client", "server"].map { (v: String) in
            try Casebook.analyzeTrace(path: Fixtures.lab("one-way-nat/\(v).pcap"), name: "\(v).pcap", vantage: v, sha256: "")
        }
        let config = try ConfigFile.parse(text: String(contentsOfFile: Fixtures.lab("one-way-nat/router-config.txt"), encoding: .utf8), name: "router-config.txt")
        let f = try XCTUnwrap(Rules.run(traces, aliases: [:], natRules: config.staticNATRules).first { $0.id == "handshake.synack-from-unexpected-address" })
        XCTAssertTrue(f.technical.contains("router-config.txt line 13 `ip nat outside source static 10.1.1.1 198.51.100.1`"), f.technical)
        XCTAssertTrue(f.technical.contains("server.pcap shows the same SYN/ACK (server ISN"), f.technical)
        XCTAssertTrue(f.evidence.contains { $0.trace == "router-config.txt" && $0.frame == 13 })
    }

    func testLogEntryMatchedThroughItsTranslatedAddress() throws {
        let trace = try Casebook.analyzeTrace(path: Fixtures.lab("one-way-nat/client.pcap"), name: "client.pcap", vantage: "client", sha256: "")
        // The firewall logged the connection by the NAT address and its translation to the real server.
        let text = "action=accept src=192.0.2.4 s_port=40002 dst=198.51.100.1 service=80 proto=tcp xlatedst=10.1.1.1\n"
        let log = try LogFile.parse(text: text, name: "fw.log")
        let f = Rules.run([trace], aliases: [:], logEntries: log.entries).filter { $0.id == "log.contradiction" }
        XCTAssertEqual(f.count, 1)
        XCTAssertEqual(f[0].confidence, "medium", "an accept and a failure, but no entry that explains it")
        XCTAssertTrue(f[0].title.contains("192.0.2.4:40002 → 10.1.1.1:80 was accepted, but it failed"), f[0].title)
    }
}
