import CaseFile
import CasebookKit
import Foundation
import TestSupport
import XCTest

final class AttachTests: XCTestCase {
    func makeCase() throws -> (Casebook, URL) {
        let root = try Fixtures.scratch()
        let cb = Casebook(locator: CaseLocator(root: root.path))
        _ = try cb.newCase(id: "c", title: "test")
        return (cb, root.appendingPathComponent("c"))
    }

    func testKindIsDetectedFromContentNotName() throws {
        let (cb, dir) = try makeCase()
        let scratch = try Fixtures.scratch()
        // A pcap named .txt is still a trace; a Check Point log named .pcap is still a log.
        let pcap = scratch.appendingPathComponent("capture.txt")
        try FileManager.default.copyItem(atPath: Fixtures.lab("basic/client.pcap"), toPath: pcap.path)
        let log = try Fixtures.write(Array("action=accept service_id=sip_tls_authentication src=10.1.1.1 s_port=53695 dst=10.2.2.2 service=5061 proto=tcp\n".utf8),
                                     named: "fw.pcap", in: scratch)
        let cfg = try Fixtures.write(Array("hostname EdgeR2\n!\ninterface GigabitEthernet0/0\n ip nat outside\n!\nip nat outside source static 10.1.1.1 192.1.1.1\n".utf8),
                                     named: "r1.txt", in: scratch)
        let lines = try cb.attach(case: "c", files: [pcap.path, log, cfg, Fixtures.path("captures/basic-client.pcap.gz")],
                                  vantage: "client", kind: nil)
        XCTAssertEqual(lines.count, 4)
        let m = try CaseWorkspace(directory: dir).loadManifest()
        XCTAssertEqual(m.attachments.map(\.kind), [.trace, .log, .config, .trace])
        XCTAssertEqual(m.attachments[0].trace?.packets, 16)
        XCTAssertEqual(m.attachments[0].trace?.linkTypes, ["EN10MB"])
        XCTAssertEqual(m.attachments[0].trace?.firstTime, "2026-11-22T10:54:29.030518000Z")
        XCTAssertEqual(m.attachments[1].log?.format, "checkpoint")
        XCTAssertEqual(m.attachments[2].log?.format, "cisco-ios-config")
        XCTAssertEqual(m.attachments[3].trace?.compressed, "gzip")
        XCTAssertEqual(m.attachments[0].vantage, "client")
        XCTAssertEqual(m.attachments[0].sha256, try FileDigest.sha256(of: URL(fileURLWithPath: Fixtures.lab("basic/client.pcap"))))
        // The copy is byte-identical and the original untouched.
        XCTAssertEqual(try Data(contentsOf: dir.appendingPathComponent("evidence/capture.txt")), try Data(contentsOf: pcap))
    }

    func testSameContentTwiceIsReportedNotDuplicatedAndNamesDoNotClash() throws {
        let (cb, dir) = try makeCase()
        _ = try cb.attach(case: "c", files: [Fixtures.lab("basic/client.pcap")], vantage: nil, kind: nil)
        let again = try cb.attach(case: "c", files: [Fixtures.lab("basic/client.pcap")], vantage: nil, kind: nil)
        XCTAssertTrue(again[0].contains("same content as client.pcap"), again[0])
        _ = try cb.attach(case: "c", files: [Fixtures.lab("forged-rst/client.pcap")], vantage: nil, kind: nil)
        let m = try CaseWorkspace(directory: dir).loadManifest()
        XCTAssertEqual(m.attachments.map(\.stored), ["client.pcap", "client-2.pcap"])
    }

    func testBadInputsFailWithOneLineAndLeaveTheCaseUnchanged() throws {
        let (cb, dir) = try makeCase()
        _ = try cb.attach(case: "c", files: [Fixtures.lab("basic/client.pcap")], vantage: nil, kind: nil)
        let before = Fixtures.snapshot(dir)
        let scratch = try Fixtures.scratch()
        let good = try Fixtures.bytes(Fixtures.lab("basic/server.pcap"))
        let cases: [(String, String)] = [
            (try Fixtures.write([], named: "empty.pcap", in: scratch), "empty file"),
            (try Fixtures.write(Array(good.prefix(12)), named: "hdr.pcap", in: scratch), "file header truncated: 12 of 24 bytes"),
            (try Fixtures.write([0x1F, 0x8B, 8, 0, 9, 9, 9, 9, 9, 9], named: "junk.gz", in: scratch), "gzip data cannot be decompressed"),
            (try Fixtures.write([0x00, 0x01, 0x02, 0xFF, 0x00, 0x7F], named: "blob.bin", in: scratch), "unknown binary file"),
            (scratch.path, "is a directory"),
            (scratch.appendingPathComponent("missing.pcap").path, "no such file"),
        ]
        for (path, expected) in cases {
            // A good file before the bad one must not be attached either: inspection comes first.
            XCTAssertThrowsError(try cb.attach(case: "c", files: [Fixtures.lab("basic/server.pcap"), path], vantage: nil, kind: nil)) { error in
                let e = error as? CasebookError
                XCTAssertEqual(e?.exitCode, 1)
                XCTAssertTrue(e?.message.hasPrefix(path) ?? false, "names the file: \(String(describing: e))")
                XCTAssertTrue(e?.message.contains(expected) ?? false, "\(String(describing: e)) should say \(expected)")
                XCTAssertFalse(e?.message.contains("\n") ?? true)
            }
            XCTAssertEqual(Fixtures.snapshot(dir).filter { !$0.key.hasSuffix(".lock") }, before.filter { !$0.key.hasSuffix(".lock") }, path)
        }
        // A file cut mid-record is attached: everything readable is kept, the damage recorded.
        let cut = try Fixtures.write(Array(good.dropLast(7)), named: "cut.pcap", in: scratch)
        _ = try cb.attach(case: "c", files: [cut], vantage: nil, kind: nil)
        let facts = try CaseWorkspace(directory: dir).loadManifest().attachments.last?.trace
        XCTAssertEqual(facts?.packets, 11)
        XCTAssertEqual(facts?.problems.first?.hasPrefix("file truncated after frame 11"), true)
    }

    func testALogWithNoLineUnderstoodIsRefused() throws {
        let (cb, dir) = try makeCase()
        let before = Fixtures.snapshot(dir)
        let scratch = try Fixtures.scratch()
        let notes = try Fixtures.write(Array("meeting notes\nnothing to parse here\n".utf8), named: "fw.log", in: scratch)
        XCTAssertThrowsError(try cb.attach(case: "c", files: [notes], vantage: nil, kind: .log)) { error in
            let message = (error as? CasebookError)?.message ?? ""
            XCTAssertTrue(message.hasPrefix(notes + ": "), message)
            XCTAssertTrue(message.contains("no line is a"), message)
        }
        XCTAssertEqual(Fixtures.snapshot(dir).filter { !$0.key.hasSuffix(".lock") }, before.filter { !$0.key.hasSuffix(".lock") })
        let lines = try cb.attach(case: "c", files: [Fixtures.path("logs/cisco-asa-sample.log")], vantage: nil, kind: .log)
        XCTAssertTrue(lines[0].contains("log, cisco-asa, "), lines[0])
    }

    func testMissingCaseAndBadIds() throws {
        let root = try Fixtures.scratch()
        let cb = Casebook(locator: CaseLocator(root: root.path))
        XCTAssertThrowsError(try cb.attach(case: "nope", files: [Fixtures.lab("basic/client.pcap")], vantage: nil, kind: nil)) {
            XCTAssertEqual(($0 as? CasebookError)?.message, "case \"nope\": not found under \(root.path)")
        }
        XCTAssertThrowsError(try cb.newCase(id: "../x", title: nil)) {
            XCTAssertEqual(($0 as? CasebookError)?.exitCode, 1)
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root.path), [])
    }

    func testAliasNotesAndList() throws {
        let (cb, dir) = try makeCase()
        XCTAssertEqual(try cb.alias(case: "c", address: "10.1.1.1", name: "ResourceServer1"), "10.1.1.1 = ResourceServer1")
        XCTAssertThrowsError(try cb.alias(case: "c", address: "10.1.1", name: "x"))
        _ = try cb.note(case: "c", text: "client reports telnet fails")
        XCTAssertEqual(try CaseWorkspace(directory: dir).loadManifest().aliases, ["10.1.1.1": "ResourceServer1"])
        let list = try cb.list()
        XCTAssertTrue(list.contains("c "), list)
        XCTAssertTrue(list.split(separator: "\n")[1].contains("open"), list)
    }
}
