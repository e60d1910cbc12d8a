import CaseFile
import Foundation
import TestSupport
import XCTest

final class CaseWorkspaceTests: XCTestCase {
    func testCreateWritesManifestNotesAndEvidenceFolder() throws {
        let root = try Fixtures.scratch()
        let ws = try CaseWorkspace.create(id: "ticket-123", title: "SfB TLS failure", root: root,
                                          now: Date(timeIntervalSince1970: 1_700_000_000))
        let m = try ws.loadManifest()
        XCTAssertEqual(m.id, "ticket-123")
        XCTAssertEqual(m.title, "SfB TLS failure")
        XCTAssertEqual(m.status, "open")
        XCTAssertEqual(m.created, "2023-11-14T22:13:20Z")
        XCTAssertTrue(m.attachments.isEmpty)
        XCTAssertTrue(FileManager.default.fileExists(atPath: ws.evidenceDirectory.path))
        // No temporary files are left behind.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root.path), ["ticket-123"])
        XCTAssertThrowsError(try CaseWorkspace.create(id: "ticket-123", title: nil, root: root)) {
            XCTAssertTrue("\($0)".contains("already exists"), "\($0)")
        }
    }

    func testCaseIdsAreValidated() {
        for bad in ["../x", "a/b", ".hidden", "", "x y", "ü"] {
            XCTAssertThrowsError(try CaseWorkspace.validate(id: bad), bad)
        }
        for good in ["ticket-123", "INC_0042.a", "a"] {
            XCTAssertNoThrow(try CaseWorkspace.validate(id: good), good)
        }
    }

    func testNotesAreTimestampedAndReadBack() throws {
        let ws = try CaseWorkspace.create(id: "n", title: nil, root: try Fixtures.scratch())
        try ws.appendNote("first capture from the client", now: Date(timeIntervalSince1970: 0))
        try ws.appendNote("server team says: nothing in the logs", now: Date(timeIntervalSince1970: 60))
        let notes = ws.notes()
        XCTAssertEqual(notes.map(\.time), ["1970-01-01T00:00:00Z", "1970-01-01T00:01:00Z"])
        XCTAssertEqual(notes.map(\.text), ["first capture from the client", "server team says: nothing in the logs"])
    }

    func testManifestRoundTripsThroughYAML() throws {
        var m = Manifest(id: "x", title: "t", created: "2026-01-01T00:00:00Z")
        m.aliases["10.1.1.1"] = "ResourceServer1"
        m.attachments.append(Attachment(
            stored: "client.pcap", original: "/tmp/client.pcap", kind: .trace, vantage: "client", size: 42,
            sha256: String(repeating: "a", count: 64), attachedAt: "2026-01-01T00:00:01Z",
            trace: TraceFacts(format: "pcap", compressed: nil, linkTypes: ["EN10MB"], packets: 3,
                              firstTime: "2026-01-01T00:00:00.000000000Z", lastTime: nil, problems: [])))
        let yaml = try m.yaml()
        XCTAssertTrue(yaml.contains("attached_at:"))
        XCTAssertTrue(yaml.contains("link_types:"))
        let url = try Fixtures.scratch().appendingPathComponent("case.yaml")
        try yaml.write(to: url, atomically: true, encoding: .utf8)
        XCTAssertEqual(try Manifest.load(from: url), m)
    }

    func testUniqueStoredNames() {
        XCTAssertEqual(CaseWorkspace.uniqueStoredName(for: "/a/client.pcap", taken: []), "client.pcap")
        XCTAssertEqual(CaseWorkspace.uniqueStoredName(for: "/b/client.pcap", taken: ["client.pcap"]), "client-2.pcap")
        XCTAssertEqual(CaseWorkspace.uniqueStoredName(for: "log", taken: ["log", "log-2"]), "log-3")
    }

    func testSHA256OfAFile() throws {
        let dir = try Fixtures.scratch()
        let path = try Fixtures.write(Array("abc".utf8), named: "abc.txt", in: dir)
        XCTAssertEqual(try FileDigest.sha256(of: URL(fileURLWithPath: path)),
                       "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    func testLocatorRootPrecedence() {
        let env = ["CASEBOOK_ROOT": "/srv/cases"]
        XCTAssertEqual(CaseLocator(root: "/x", environment: env, currentDirectory: "/home").root.path, "/x")
        XCTAssertEqual(CaseLocator(root: nil, environment: env, currentDirectory: "/home").root.path, "/srv/cases")
        XCTAssertEqual(CaseLocator(root: nil, environment: [:], currentDirectory: "/home").root.path, "/home/Cases")
    }
}
