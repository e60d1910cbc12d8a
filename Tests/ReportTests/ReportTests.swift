import CaseFile
import CasebookKit
import Foundation
import Markup
import Report
import TestSupport
import XCTest

final class ReportTests: XCTestCase {
    var templates: String { Fixtures.repoRoot.appendingPathComponent("Templates").path }

    func makeCase(_ lab: String, root: URL) throws -> Casebook {
        let cb = Casebook(locator: CaseLocator(root: root.path))
        _ = try cb.newCase(id: "c", title: "TLS to the SIP server fails")
        for v in ["client", "server"] {
            _ = try cb.attach(case: "c", files: [Fixtures.lab("\(lab)/\(v).pcap")], vantage: v, kind: nil)
        }
        return cb
    }

    func testReportOfTheTLSProxyStory() throws {
        let root = try Fixtures.scratch()
        let cb = try makeCase("tls-proxy-reset", root: root)
        _ = try cb.attach(case: "c", files: [Fixtures.lab("tls-proxy-reset/firewall.log")], vantage: nil, kind: nil)
        _ = try cb.alias(case: "c", address: "10.1.1.1", name: "SfB-FE-1")
        let url = try cb.report(case: "c", output: nil, audience: .both, templates: templates)
        XCTAssertEqual(url.path, root.appendingPathComponent("c/report/report.html").path)
        let html = try String(contentsOf: url, encoding: .utf8)
        let tree = try MarkupDocument.parseXML(html)
        // Executive part: one picture per problem, the device marked for the middlebox close.
        XCTAssertTrue(html.contains("For the meeting: what went wrong, in plain words"))
        XCTAssertTrue(html.contains("Neither side closed 10.1.1.1:53695 → 10.2.2.2:5061: a device between them did"))
        XCTAssertTrue(html.contains("<rect class=\"box bad\" x=\"300\""), "the firewall box is marked")
        // The client box: address on one line, alias on the next.
        XCTAssertTrue(html.contains(">10.1.1.1:53695</text>") && html.contains(">SfB-FE-1</text>"))
        // Technical part: ladder with the FIN the proxy sent, highlighted as evidence, and the log lines.
        let groups = tree.elements(named: "g").filter { $0.attributes["class"]?.contains("evidence") == true }
        XCTAssertTrue(groups.contains { $0.elements(named: "text").contains { $0.text.hasPrefix("#6 FIN, ACK") } })
        XCTAssertTrue(html.contains("firewall.log</td><td>line 2</td>"))
        XCTAssertTrue(html.contains("10.1.1.1:53695 (SfB-FE-1)"))
        // Timeline: both traces, the firewall log row, the failing connection drawn as a problem.
        XCTAssertTrue(html.contains(">firewall logs</text>"))
        XCTAssertTrue(html.contains("<rect class=\"bar bad\""))
        XCTAssertTrue(html.contains("firewall.log line 2: drop 10.2.2.2:5061 → 10.1.1.1:53695"))
        // Custody: every trace's SHA-256.
        let sha = try FileDigest.sha256(of: URL(fileURLWithPath: Fixtures.lab("tls-proxy-reset/client.pcap")))
        XCTAssertTrue(html.contains(sha))
        XCTAssertFalse(html.contains("http://") && html.contains("<script"), "no scripts")
        XCTAssertLessThan(html.utf8.count, 500_000)
        // Every connection is in the table: no "… and 0 more" line.
        XCTAssertFalse(html.contains("more connections in the analysis document"))
        XCTAssertFalse(html.contains("more hosts in the analysis document"))
    }

    func testAudiences() throws {
        let root = try Fixtures.scratch()
        let cb = try makeCase("basic", root: root)
        let exec = try String(contentsOf: cb.report(case: "c", output: root.appendingPathComponent("e.html").path, audience: .executive, templates: templates), encoding: .utf8)
        XCTAssertTrue(exec.contains("id=\"executive\""))
        XCTAssertFalse(exec.contains("id=\"technical\""))
        let tech = try String(contentsOf: cb.report(case: "c", output: root.appendingPathComponent("t.html").path, audience: .technical, templates: templates), encoding: .utf8)
        XCTAssertFalse(tech.contains("id=\"executive\""))
        XCTAssertTrue(tech.contains("handshake.refused"))
    }

    func testHostileContentIsEscapedAndTheFileStaysWellFormed() throws {
        let root = try Fixtures.scratch()
        let cb = Casebook(locator: CaseLocator(root: root.path))
        _ = try cb.newCase(id: "c", title: "\"><script>alert('title')</script>")
        _ = try cb.attach(case: "c", files: [Fixtures.lab("basic/client.pcap")], vantage: "<svg onload=alert(1)>", kind: nil)
        _ = try cb.alias(case: "c", address: "10.0.2.20", name: "<img src=x onerror=alert(2)>\u{1}\u{7}")
        _ = try cb.note(case: "c", text: "look: <svg onload=alert(3)> & \u{0B}\u{1B}[31m red \"quotes\"")
        let scratch = try Fixtures.scratch()
        let hugeLine = "action=drop src=10.0.2.20 s_port=8081 dst=10.0.1.10 service=40002 proto=tcp comment=\"" + String(repeating: "<script>x</script>", count: 600_000) + "\"\n"
        let log = scratch.appendingPathComponent("x\"><img src=x onerror=alert(4)>.log")
        try hugeLine.write(to: log, atomically: true, encoding: .utf8)
        _ = try cb.attach(case: "c", files: [log.path], vantage: nil, kind: .log)
        let url = try cb.report(case: "c", output: nil, audience: .both, templates: templates)
        let html = try String(contentsOf: url, encoding: .utf8)
        let tree = try MarkupDocument.parseXML(html)
        XCTAssertTrue(tree.elements(named: "script").isEmpty)
        XCTAssertTrue(tree.elements(named: "img").isEmpty)
        func attributes(_ n: MarkupNode) -> [String] { Array(n.attributes.keys) + n.children.flatMap(attributes) }
        XCTAssertFalse(attributes(tree).contains { $0.lowercased().hasPrefix("on") }, "no event handler attribute anywhere")
        XCTAssertTrue(html.contains("&lt;img src=x onerror=alert(2)&gt;"))
        XCTAssertTrue(html.contains("<div class=\"note\"><p>look: &lt;svg onload=alert(3)&gt; &amp; [31m red &quot;quotes&quot;</p></div>"),
                      "the note goes through Markdown and its raw HTML is shown as typed")
        XCTAssertFalse(html.contains("\u{1}") || html.contains("\u{1B}"), "control characters dropped")
        XCTAssertLessThan(html.utf8.count, 1_000_000, "a 10 MB log line does not end up in the page")
    }

    func testMissingTemplatesGiveOneLine() throws {
        let root = try Fixtures.scratch()
        let cb = try makeCase("basic", root: root)
        let empty = try Fixtures.scratch().path
        XCTAssertThrowsError(try cb.report(case: "c", output: nil, audience: .both, templates: empty)) {
            XCTAssertEqual(($0 as? CasebookError)?.message, "\(empty): no report.html.mustache in this templates directory")
        }
    }
}

/// The report in a real browser: headless Chromium (Debian package `chromium`) renders it to PNG.
final class ReportBrowserTests: XCTestCase {
    func testChromiumRendersANonEmptyPage() throws {
        let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let chromium else { throw XCTSkip("chromium is not installed: browser rendering check skipped (apt-get install chromium)") }
        let root = try Fixtures.scratch()
        let cb = Casebook(locator: CaseLocator(root: root.path))
        _ = try cb.newCase(id: "c", title: "browser check")
        _ = try cb.attach(case: "c", files: [Fixtures.lab("basic/client.pcap")], vantage: "client", kind: nil)
        let html = try cb.report(case: "c", output: nil, audience: .both, templates: Fixtures.repoRoot.appendingPathComponent("Templates").path)
        let png = root.appendingPathComponent("page.png")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: chromium)
        p.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1100,1400",
                       "--screenshot=\(png.path)", html.absoluteString]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        let data = try Data(contentsOf: png)
        XCTAssertEqual(Array(data.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "a PNG")
        // IHDR: width and height, big-endian, at bytes 16 and 20.
        let width = data[16..<20].reduce(0) { $0 << 8 | Int($1) }, height = data[20..<24].reduce(0) { $0 << 8 | Int($1) }
        XCTAssertEqual(width, 1100)
        XCTAssertEqual(height, 1400)
        XCTAssertGreaterThan(data.count, 20_000, "a blank page compresses to a few KB; the report does not")
    }
}
