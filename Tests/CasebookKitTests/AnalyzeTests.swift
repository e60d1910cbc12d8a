import CaseFile
import CasebookKit
import Diagnosis
import Foundation
import TestSupport
import XCTest

final class AnalyzeTests: XCTestCase {
    func testAnalysisDocumentForTheExampleStoryAndItsCache() throws {
        let root = try Fixtures.scratch()
        let cb = Casebook(locator: CaseLocator(root: root.path))
        _ = try cb.newCase(id: "c", title: "ports")
        _ = try cb.attach(case: "c", files: [Fixtures.lab("basic/client.pcap")], vantage: "client", kind: nil)
        let doc = try cb.analyze(case: "c")
        XCTAssertEqual(doc.traces.first?.packets, 16)
        XCTAssertEqual(doc.traces.first?.vantage, "client")
        XCTAssertEqual(doc.connections.map(\.state), ["SF", "REJ", "S0"])
        XCTAssertEqual(doc.connections[1].client, "10.0.1.10:40002")
        XCTAssertEqual(doc.connections[1].firstFrame, 11)
        XCTAssertEqual(doc.connections[1].close?.by, "server")
        XCTAssertEqual(doc.connections[1].close?.kind, "rst")
        XCTAssertEqual(doc.connections[0].handshakeRTTms, 0.082)
        let server = doc.hosts.first { $0.address == "10.0.2.20" }
        XCTAssertEqual(server?.seen.first?.ttl, 63)
        XCTAssertEqual(server?.seen.first?.initialTTL, 64)
        XCTAssertEqual(server?.seen.first?.hops, 1)
        // Written to the case, in the contract's field names.
        let file = root.appendingPathComponent("c/analysis/analysis.json")
        let json = try String(contentsOf: file, encoding: .utf8)
        for key in ["\"casebook_version\"", "\"first_frame\" : 11", "\"link_types\"", "\"initial_ttl\" : 64", "\"state\" : \"REJ\""] {
            XCTAssertTrue(json.contains(key), key)
        }
        // The streamed JSON reads back as the same document.
        XCTAssertEqual(try JSONDecoder().decode(AnalysisDocument.self, from: Data(json.utf8)), doc)
        // Cached until something it depends on changes (an alias here).
        let again = try cb.analyze(case: "c")
        XCTAssertEqual(again, doc)
        _ = try cb.alias(case: "c", address: "10.0.2.20", name: "app-server")
        let renamed = try cb.analyze(case: "c")
        XCTAssertNotEqual(renamed.cacheKey, doc.cacheKey)
        XCTAssertEqual(renamed.hosts.first { $0.address == "10.0.2.20" }?.alias, "app-server")
        XCTAssertTrue(AnalysisSummary.render(renamed).contains("10.0.2.20:8081 (app-server)  REJ    Sr"))
    }
}
