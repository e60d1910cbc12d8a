import CaseFile
import CasebookKit
import Foundation
import Markup
import Report
import TestSupport
import XCTest

/// Side-by-side ladders of one connection seen at two vantage points.
final class VantageLadderTests: XCTestCase {
    var templates: String { Fixtures.repoRoot.appendingPathComponent("Templates").path }

    func report(_ lab: String, extra: [String] = [], aliases: [String: String] = [:]) throws -> (html: String, tree: MarkupNode, doc: AnalysisDocumentSummary) {
        let root = try Fixtures.scratch()
        let cb = Casebook(locator: CaseLocator(root: root.path))
        _ = try cb.newCase(id: "c", title: lab)
        for v in ["client", "server"] { _ = try cb.attach(case: "c", files: [Fixtures.lab("\(lab)/\(v).pcap")], vantage: v, kind: nil) }
        for f in extra { _ = try cb.attach(case: "c", files: [Fixtures.lab("\(lab)/\(f)")], vantage: nil, kind: nil) }
        for (a, n) in aliases { _ = try cb.alias(case: "c", address: a, name: n) }
        let doc = try cb.analyze(case: "c")
        let html = try String(contentsOf: cb.report(case: "c", output: nil, audience: .technical, templates: templates), encoding: .utf8)
        return (html, try MarkupDocument.parseXML(html), AnalysisDocumentSummary(offsets: doc.clockOffsets.map { ($0.traceA, $0.traceB, $0.offsetS, $0.uncertaintyS) }))
    }

    struct AnalysisDocumentSummary { var offsets: [(String, String, Double, Double?)] }

    /// The side-by-side diagrams: SVGs with lane heads.
    func vantageSVGs(_ tree: MarkupNode) -> [MarkupNode] {
        tree.elements(named: "figure").filter { f in f.elements(named: "g").contains { $0.attributes["class"]?.hasPrefix("lane-head") == true } }
    }

    func lanes(_ figure: MarkupNode) -> [(role: String, title: String, detail: String)] {
        figure.elements(named: "g").filter { $0.attributes["class"]?.hasPrefix("lane-head") == true }.map { g in
            let t = g.elements(named: "text").map(\.text)
            return (t[0], t[1], t[2])
        }
    }

    func testProxiedConnectionIsDrawnClientMiddleboxServer() throws {
        let (_, tree, doc) = try report("tls-proxy-reset", extra: ["firewall.log"], aliases: ["10.1.1.1": "SfB-FE-1"])
        let figures = vantageSVGs(tree)
        XCTAssertFalse(figures.isEmpty, "a side-by-side diagram for the proxied connection")
        let f = figures[0]
        let l = lanes(f)
        XCTAssertEqual(l.map(\.role), ["client", "middlebox", "server"])
        XCTAssertEqual(l[0].title, "10.1.1.1")
        XCTAssertEqual(l[0].detail, "port 53695 (SfB-FE-1)")
        XCTAssertEqual(l[2].title, "10.2.2.2")
        let halves = f.elements(named: "text").filter { $0.attributes["class"] == "half" }.map(\.text)
        XCTAssertEqual(halves, ["◂ seen in client.pcap ▸", "◂ seen in server.pcap ▸"])
        // The FIN the proxy sent to the client (client.pcap frame 6) is drawn on the client half, thick.
        let fin = f.elements(named: "g").first { $0.attributes["class"]?.contains("evidence") == true && $0.elements(named: "text").contains { $0.text.hasPrefix("#6 FIN, ACK") } }
        let line = try XCTUnwrap(fin?.elements(named: "line").first)
        XCTAssertEqual(line.attributes["x1"], "500.0", "from the middlebox lane")
        XCTAssertEqual(line.attributes["x2"], "116.0", "to the client lane")
        // Server-side frames are on the right half.
        let serverSide = f.elements(named: "g").filter { $0.attributes["class"]?.hasPrefix("arrow") == true }
            .compactMap { $0.elements(named: "line").first }.filter { Double($0.attributes["x1"] ?? "0")! > 500 || Double($0.attributes["x2"] ?? "0")! > 500 }
        XCTAssertFalse(serverSide.isEmpty)
        let caption = try XCTUnwrap(f.elements(named: "figcaption").first?.text)
        XCTAssertTrue(caption.hasPrefix("client.pcap stream 0 and server.pcap stream 0, side by side (a device between the capture points terminates TCP"), caption)
        if let o = doc.offsets.first {
            XCTAssertTrue(caption.contains("clock offset of \(o.1) against \(o.0)"), caption)
            XCTAssertTrue(caption.contains("estimated from bytes the device relayed"), caption)
        } else {
            XCTAssertTrue(caption.contains("No clock offset between client.pcap and server.pcap is known"), caption)
        }
    }

    func testSameSegmentsAreDrawnWithFourLanesAndTheOffsetApplied() throws {
        let (_, tree, doc) = try report("forged-rst", extra: ["firewall.log"])
        // handshake.refused on port 81 is seen in both traces.
        let f = try XCTUnwrap(vantageSVGs(tree).first { lanes($0).last?.detail.hasPrefix("port 81") == true })
        let l = lanes(f)
        XCTAssertEqual(l.map(\.role), ["client", "capture", "capture", "server"])
        XCTAssertEqual(l.map(\.title), ["10.0.1.10", "client.pcap", "server.pcap", "10.0.2.20"])
        XCTAssertEqual(l[1].detail, "vantage client")
        let caption = try XCTUnwrap(f.elements(named: "figcaption").first?.text)
        XCTAssertTrue(caption.hasPrefix("client.pcap stream 2 and server.pcap stream 1, side by side (the same segments at both capture points)"), caption)
        let o = try XCTUnwrap(doc.offsets.first { $0.0 == "client.pcap" && $0.1 == "server.pcap" })
        let micro = { (v: Double) in String(format: "%.0f µs", abs(v) * 1e6) }
        let signed = { (v: Double) in micro(v) == "0 µs" ? "0 µs" : (v < 0 ? "−" : "+") + micro(v) }
        XCTAssertTrue(caption.contains("Times of server.pcap are shifted by \(signed(-o.2)) onto client.pcap's clock"), caption)
        XCTAssertTrue(caption.contains("clock offset of server.pcap against client.pcap: \(signed(o.2)) ± \(micro(o.3 ?? 0)), estimated from"), caption)
        // The RST/ACK from the server: server.pcap frame 12 on the right half, client.pcap frame 14 on the left.
        let labels = f.elements(named: "text").filter { $0.attributes["class"] == "label" }
        XCTAssertTrue(labels.contains { $0.text.hasPrefix("#12 RST, ACK") && $0.attributes["x"] == "725.0" })
        XCTAssertTrue(labels.contains { $0.text.hasPrefix("#14 RST, ACK") && $0.attributes["x"] == "275.0" })
    }

    func testNATFoldsBothAddressesOfTheServerIntoOneLane() throws {
        let (_, tree, _) = try report("one-way-nat", extra: ["router-config.txt"], aliases: ["10.1.1.1": "ResourceServer1"])
        let f = try XCTUnwrap(vantageSVGs(tree).first)
        let l = lanes(f)
        XCTAssertEqual(l.map(\.role), ["client", "capture", "capture", "server"])
        XCTAssertEqual(l[3].title, "10.1.1.1 / 198.51.100.1")
        XCTAssertEqual(l[3].detail, "port 80 (ResourceServer1)")
        let caption = try XCTUnwrap(f.elements(named: "figcaption").first?.text)
        XCTAssertTrue(caption.contains("client.pcap stream 1, 2 and server.pcap stream 1"), caption)
        XCTAssertTrue(caption.contains("addresses translated by NAT"), caption)
        // Each arrow on the folded lane says which address it used.
        let labels = f.elements(named: "text").filter { $0.attributes["class"] == "label" }.map(\.text)
        XCTAssertTrue(labels.contains { $0.contains("SYN, ACK") && $0.hasSuffix("from 198.51.100.1") }, "\(labels)")
        XCTAssertTrue(labels.contains { $0.hasPrefix("#11 SYN ") && $0.hasSuffix("→ 10.1.1.1") }, "\(labels)")
    }
}
