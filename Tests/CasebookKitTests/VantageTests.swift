import CaseFile
import CasebookKit
import Diagnosis
import Foundation
import TestSupport
import XCTest

final class VantageTests: XCTestCase {
    func twoSided(_ lab: String, clientOffset: Double? = nil) throws -> (Casebook, URL) {
        let root = try Fixtures.scratch()
        let cb = Casebook(locator: CaseLocator(root: root.path))
        _ = try cb.newCase(id: "c", title: lab)
        _ = try cb.attach(case: "c", files: [Fixtures.lab("\(lab)/client.pcap")], vantage: "client", kind: nil, clockOffset: clientOffset)
        _ = try cb.attach(case: "c", files: [Fixtures.lab("\(lab)/server.pcap")], vantage: "server", kind: nil)
        return (cb, root.appendingPathComponent("c"))
    }

    func testOneConnectionFromBothVantagePointsInterleaved() throws {
        let (cb, _) = try twoSided("tls-proxy-reset")
        var lines: [String] = []
        try cb.showAcrossVantages(case: "c", trace: "client.pcap", stream: 0, colour: false) { lines.append($0) }
        // The offset is +1.5 µs ± 1.8805 ms (see MultiVantageTests): printed to the µs, the tie may round either way.
        XCTAssertTrue(lines[0].hasPrefix("# server.pcap stream 0 is the same connection (proxied), shifted by -0.00000"), lines[0])
        XCTAssertTrue(lines[1].hasPrefix("#   clock of server.pcap − client.pcap: +0.00000"), lines[1])
        XCTAssertTrue(lines[1].hasSuffix(" s ± 0.001881 s, bounded by causality from 7 packets (proxied)"), lines[1])
        XCTAssertEqual(lines.count, 20, "8 frames at the client, 10 at the server, two header lines")
        // The proxy opens its own connection to the server only after the client's ClientHello (client frame 4).
        let order = lines.filter { !$0.hasPrefix("#") }.map { $0.contains("client.pcap |") ? "C" : "S" }.joined()
        XCTAssertEqual(order, "CCCCSSSSSSSSSSCCCC")
    }

    func testStatedClockOffsetReplacesTheEstimate() throws {
        let (cb, dir) = try twoSided("one-way-nat", clientOffset: 2.5)
        XCTAssertEqual(try CaseWorkspace(directory: dir).loadManifest().attachments[0].clockOffset, 2.5)
        let doc = try cb.analyze(case: "c")
        let o = try XCTUnwrap(doc.clockOffsets.first)
        XCTAssertEqual(o.stated, true)
        XCTAssertEqual(o.offsetS, -2.5, accuracy: 1e-9, "server.pcap's clock relative to a client clock 2.5 s ahead")
    }

    func testRoundTripBetweenVantagePointsAndOneWayDelaysOnlyWithStatedClocks() throws {
        let (estimated, _) = try twoSided("basic")
        let d = try XCTUnwrap(estimated.analyze(case: "c").vantageDelays.first)
        XCTAssertEqual([d.traceA, d.traceB, d.clock], ["client.pcap", "server.pcap", "estimated"])
        XCTAssertEqual(d.roundTripMs, 0.008, "client.pcap frame 3 → server.pcap frame 3 in 4 µs, server.pcap frame 5 → client.pcap frame 5 in 4 µs")
        XCTAssertNil(d.aToB?.oneWayMs, "one-way delays are not identifiable from an estimated offset")
        var lines: [String] = []
        try estimated.showAcrossVantages(case: "c", trace: "client.pcap", stream: 0, colour: false) { lines.append($0) }
        XCTAssertTrue(lines.contains("#   round trip client.pcap ↔ server.pcap: 0.008 ms (one-way delays unknown: the clocks' offset is only estimated)"), lines.joined(separator: "\n"))
        // The user states that the client's clock is right (offset 0): both captures ran on the host clock.
        let (stated, _) = try twoSided("basic", clientOffset: 0)
        let s = try XCTUnwrap(stated.analyze(case: "c").vantageDelays.first)
        XCTAssertEqual(s.clock, "stated")
        XCTAssertEqual(s.roundTripMs, 0.008)
        XCTAssertEqual(s.aToB?.oneWayMs, 0.004)
        XCTAssertEqual(s.bToA?.oneWayMs, 0.004)
        XCTAssertEqual(s.aToB.map { [$0.frameA, $0.frameB] }, [3, 3])
        XCTAssertTrue(AnalysisSummary.render(try stated.analyze(case: "c")).contains("VANTAGE POINTS"))
        // Across a WAN link that delays every frame 1.75 ms (lab wan-delay), clocks stated.
        let (wan, _) = try twoSided("wan-delay", clientOffset: 0)
        let doc = try wan.analyze(case: "c")
        let w = try XCTUnwrap(doc.vantageDelays.first)
        XCTAssertEqual(w.roundTripMs, 3.585)
        XCTAssertEqual(w.aToB?.oneWayMs, 1.791)
        XCTAssertEqual(w.bToA?.oneWayMs, 1.794)
        let text = AnalysisSummary.render(doc)
        XCTAssertTrue(text.contains("client.pcap  server.pcap  1        +0.000 ms    stated  3.585 ms        1.791 ms     1.794 ms"), text)
    }

    /// Trace names are text, never a format: a name with '%' is printed as it is.
    func testATraceNameWithPercentSigns() throws {
        let root = try Fixtures.scratch()
        let odd = root.appendingPathComponent("c%s%@.pcap")
        try FileManager.default.copyItem(atPath: Fixtures.lab("wan-delay/client.pcap"), toPath: odd.path)
        let cb = Casebook(locator: CaseLocator(root: root.path))
        _ = try cb.newCase(id: "c", title: "percent")
        _ = try cb.attach(case: "c", files: [odd.path], vantage: "client", kind: nil, clockOffset: 0)
        _ = try cb.attach(case: "c", files: [Fixtures.lab("wan-delay/server.pcap")], vantage: "server", kind: nil)
        var lines: [String] = []
        try cb.showAcrossVantages(case: "c", trace: "c%s%@.pcap", stream: 0, colour: false) { lines.append($0) }
        let delay = try XCTUnwrap(lines.first { $0.contains("round trip") }, "\(lines)")
        XCTAssertTrue(delay.contains("one-way 1.791 ms c%s%@.pcap → server.pcap, 1.794 ms back"), delay)
    }

    func testTimeZoneForALogWithoutOne() throws {
        let (cb, dir) = try twoSided("forged-rst")
        _ = try cb.attach(case: "c", files: [Fixtures.lab("forged-rst/firewall.log")], vantage: nil, kind: nil, timeZone: "UTC")
        XCTAssertEqual(try CaseWorkspace(directory: dir).loadManifest().attachments.last?.timeZone, "UTC")
        let f = try XCTUnwrap(cb.analyze(case: "c").findings.first { $0.id == "log.contradiction" })
        XCTAssertTrue(f.technical.contains("The log's time agrees with the trace's within a second."), f.technical)
        XCTAssertThrowsError(try cb.attach(case: "c", files: [Fixtures.lab("basic/client.pcap")], vantage: nil, kind: nil, timeZone: "Mars/Olympus")) {
            XCTAssertEqual(($0 as? CasebookError)?.exitCode, 2)
        }
    }

    func testPacketsLostBetweenTheVantagePoints() throws {
        let (cb, _) = try twoSided("stale-state-stuck")
        let doc = try cb.analyze(case: "c")
        let m = try XCTUnwrap(doc.matches.first { $0.streamA == 1 && $0.streamB == 1 })
        XCTAssertEqual(m.lostBetween?.map(\.frame), [10, 14, 17, 20, 23, 26], "every client RST answering a challenge ACK")
        XCTAssertEqual(m.createdBetween?.count, 0)
        XCTAssertEqual(m.clientSide, "client.pcap", "the analysis settles which capture point is nearer the client")
        let f = try XCTUnwrap(doc.findings.first { $0.id == "handshake.stale-state" })
        XCTAssertTrue(f.technical.contains("never reached the other capture point: a device in between drops them"), f.technical)
        // Where nothing was lost, nothing is listed: the one-way NAT's split streams are one connection.
        let (nat, _) = try twoSided("one-way-nat")
        XCTAssertTrue(try nat.analyze(case: "c").matches.allSatisfy { ($0.lostBetween ?? []).isEmpty && ($0.createdBetween ?? []).isEmpty })
    }
}

/// The report's partial reading of the cached document: the connections it lists and draws, and
/// how many there are, the same entries as a full reading.
extension VantageTests {
    func testOnlyListedAndNamedConnectionsAreRead() throws {
        // basic: the working connection (stream 0) is named by no finding; streams 1 and 2 are.
        let root = try Fixtures.scratch()
        let cb = Casebook(locator: CaseLocator(root: root.path))
        _ = try cb.newCase(id: "c", title: "basic")
        _ = try cb.attach(case: "c", files: [Fixtures.lab("basic/client.pcap")], vantage: "client", kind: nil)
        let full = try cb.analyze(case: "c")
        let data = try Data(contentsOf: root.appendingPathComponent("c/analysis/analysis.json"))
        XCTAssertEqual(full.connections.count, 3)
        let named = Set(full.findings.flatMap { $0.connections.map { "\($0.trace)#\($0.stream)" } }
            + full.matches.flatMap { ["\($0.traceA)#\($0.streamA)", "\($0.traceB)#\($0.streamB)"] })
        XCTAssertEqual(named, ["client.pcap#1", "client.pcap#2"])

        let none = try AnalysisDocument.decodeForReport(data, listed: 0, perTrace: 0)
        XCTAssertEqual(none.connectionCount, 3)
        XCTAssertEqual(Set(none.document.connections.map { "\($0.trace)#\($0.stream)" }), named)
        XCTAssertEqual(none.document.findings, full.findings)
        XCTAssertEqual(none.document.matches, full.matches)

        let some = try AnalysisDocument.decodeForReport(data, listed: 0, perTrace: 1)
        let keys = some.document.connections.map { "\($0.trace)#\($0.stream)" }
        XCTAssertEqual(keys, ["client.pcap#0", "client.pcap#1", "client.pcap#2"], "the trace's first connection, then the named ones")
        for c in some.document.connections {
            let f = try XCTUnwrap(full.connections.first { $0.trace == c.trace && $0.stream == c.stream })
            XCTAssertEqual([c.client, c.server, c.state, c.history], [f.client, f.server, f.state, f.history])
            XCTAssertEqual([c.firstFrame, c.lastFrame, c.packets], [f.firstFrame, f.lastFrame, f.packets])
        }
        XCTAssertEqual(try AnalysisDocument.decodeForReport(data, listed: 1, perTrace: 0).document.connections.count, 3)
        // A document without connections ("connections" : []) keeps everything after them.
        var empty = full
        empty.connections = []
        let read = try AnalysisDocument.decodeForReport(try Casebook.json(empty), listed: 300, perTrace: 400)
        XCTAssertEqual(read.connectionCount, 0)
        XCTAssertEqual(read.document.findings, full.findings)
        XCTAssertEqual(read.document.hosts, full.hosts)
    }
}
