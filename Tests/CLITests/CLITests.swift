import Foundation
import TestSupport
import XCTest

/// Runs the built `casebook` binary and pins exit codes, stdout and the one-line stderr.
final class CLITests: XCTestCase {
    struct Result { let code: Int32; let out: String; let err: String }

    static var binary: URL {
        let candidates = [Bundle.main.bundleURL, Bundle(for: CLITests.self).bundleURL.deletingLastPathComponent(),
                          Fixtures.repoRoot.appendingPathComponent(".build/debug")]
        for dir in candidates {
            let url = dir.appendingPathComponent("casebook")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return candidates.last!.appendingPathComponent("casebook")
    }

    func run(_ args: [String], env: [String: String] = [:], stdout: FileHandle? = nil) throws -> Result {
        let p = Process()
        p.executableURL = Self.binary
        p.arguments = args
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        environment.removeValue(forKey: "CASEBOOK_ROOT")
        for (k, v) in env { environment[k] = v }
        p.environment = environment
        let out = Pipe(), err = Pipe()
        p.standardOutput = stdout ?? out
        p.standardError = err
        try p.run()
        if stdout != nil { try out.fileHandleForWriting.close() }
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(code: p.terminationStatus, out: String(decoding: o, as: UTF8.self), err: String(decoding: e, as: UTF8.self))
    }

    func testWholeWorkflowThroughTheBinary() throws {
        let root = try Fixtures.scratch().path
        var r = try run(["new", "ticket-123", "--title", "telnet fails", "--root", root])
        XCTAssertEqual(r.code, 0, r.err)
        r = try run(["attach", "ticket-123", Fixtures.lab("basic/client.pcap"), "--vantage", "client"], env: ["CASEBOOK_ROOT": root])
        XCTAssertEqual(r.code, 0, r.err)
        XCTAssertEqual(r.out, "attached client.pcap as client.pcap: trace, pcap (little-endian, usec), 16 packets, link type EN10MB\n")
        r = try run(["show", "ticket-123", "--root", root, "--filter", "tcp port 8081"])
        XCTAssertEqual(r.code, 0, r.err)
        XCTAssertEqual(r.out.split(separator: "\n").count, 2)
        XCTAssertTrue(r.out.contains("   12   1.191936    10.0.2.20 → 10.0.1.10    TCP 54 8081 → 40002 [RST, ACK] Seq=1 Ack=1 Win=0 Len=0"), r.out)
        r = try run(["list", "--root", root])
        XCTAssertTrue(r.out.contains("ticket-123  open    1"), r.out)
        // CASE may also be a path.
        r = try run(["note", root + "/ticket-123", "server", "team", "notified"])
        XCTAssertEqual(r.code, 0, r.err)
    }

    /// `analyze --json` hands over the document file byte for byte (through a pipe here); a
    /// stdout that cannot take it (a full disk) is an error line and exit code 1.
    func testAnalyzeJSONCopiesTheDocumentAndReportsAFailedWrite() throws {
        let root = try Fixtures.scratch().path
        _ = try run(["new", "c", "--root", root])
        _ = try run(["attach", "c", Fixtures.lab("basic/client.pcap"), "--root", root])
        var r = try run(["analyze", "c", "--json", "--root", root])
        XCTAssertEqual(r.code, 0, r.err)
        let file = try String(contentsOfFile: root + "/c/analysis/analysis.json", encoding: .utf8)
        XCTAssertEqual(r.out, file)
        XCTAssertTrue(r.out.contains("\"tcp_connections\" : 3"), r.out)
        guard let full = FileHandle(forWritingAtPath: "/dev/full") else { throw XCTSkip("no /dev/full on this system") }
        r = try run(["analyze", "c", "--json", "--root", root], stdout: full)
        XCTAssertEqual(r.code, 1)
        XCTAssertEqual(r.err, "casebook: standard output: writing analysis.json failed (No space left on device)\n")
    }

    func testErrorsAreOneLineWithTheRightExitCode() throws {
        let root = try Fixtures.scratch().path
        _ = try run(["new", "c", "--root", root])
        let dir = try Fixtures.scratch()
        let empty = try Fixtures.write([], named: "empty.pcap", in: dir)
        let checks: [([String], Int32, String)] = [
            (["attach", "c", empty, "--root", root], 1, "casebook: \(empty): empty file (0 bytes), nothing to attach\n"),
            (["attach", "nope", empty, "--root", root], 1, "casebook: case \"nope\": not found under \(root)\n"),
            (["new", "../x", "--root", root], 1, "casebook: case id \"../x\": must not start with a dot\n"),
            (["show", "c", "--root", root], 1, "casebook: case c: no traces attached; use `casebook attach`\n"),
            (["attach", "c", "--root", root], 2, "casebook: attach: name at least one file (see casebook --help)\n"),
            (["frobnicate"], 2, "casebook: Unexpected argument 'frobnicate' (see casebook --help)\n"),
            (["show", "c", "--stream=-3", "--root", root], 2, "casebook: --stream must be 0 or more (see casebook --help)\n"),
        ]
        for (args, code, stderr) in checks {
            let r = try run(args)
            XCTAssertEqual(r.code, code, args.joined(separator: " "))
            XCTAssertEqual(r.err, stderr, args.joined(separator: " "))
        }
        // Bad BPF filter: libpcap's message, exit 1.
        _ = try run(["attach", "c", Fixtures.lab("basic/client.pcap"), "--root", root])
        let r = try run(["show", "c", "--root", root, "--filter", "tcp port"])
        XCTAssertEqual(r.code, 1)
        XCTAssertTrue(r.err.hasPrefix("casebook: capture filter \"tcp port\": "), r.err)
        XCTAssertEqual(r.err.filter { $0 == "\n" }.count, 1)
    }

    func testHelpAndVersionExitZero() throws {
        let r = try run(["--help"])
        XCTAssertEqual(r.code, 0)
        XCTAssertTrue(r.out.contains("attach"))
        XCTAssertEqual(try run(["--version"]).out, "0.1.0\n")
    }
}
