import CaseFile
import CasebookKit
import Foundation
import Markup
import TestSupport
import XCTest

/// The case's notes are Markdown, rendered through an allow-list.
final class NoteMarkdownTests: XCTestCase {
    func notesSection(_ note: String) throws -> (html: String, notes: MarkupNode) {
        let root = try Fixtures.scratch()
        let cb = Casebook(locator: CaseLocator(root: root.path))
        _ = try cb.newCase(id: "c", title: "notes")
        _ = try cb.attach(case: "c", files: [Fixtures.lab("basic/client.pcap")], vantage: "client", kind: nil)
        _ = try cb.note(case: "c", text: note)
        let url = try cb.report(case: "c", output: nil, audience: .technical, templates: Fixtures.repoRoot.appendingPathComponent("Templates").path)
        let html = try String(contentsOf: url, encoding: .utf8)
        let tree = try MarkupDocument.parseXML(html)
        let notes = try XCTUnwrap(tree.elements(named: "div").first { $0.attributes["class"] == "note" })
        return (html, notes)
    }

    func testHeadingListEmphasisAndLinks() throws {
        let (_, n) = try notesSection("""
            # Firewall change

            Asked the *network team*:

            - rule **4711** added
            - `tcp.port == 5061` shows the resets

            See [the ticket](https://tickets.example/CHG-1?a=1&b=2) or [mail](mailto:noc@example.org).
            """)
        XCTAssertEqual(n.elements(named: "h4").map(\.text), ["Firewall change"], "a note's h1 sits below the report's headings")
        let items = n.elements(named: "ul").first?.elements(named: "li") ?? []
        XCTAssertEqual(items.count, 2)
        XCTAssertEqual(items.first?.elements(named: "strong").first?.text, "4711")
        XCTAssertEqual(n.elements(named: "em").map(\.text), ["network team"])
        XCTAssertEqual(n.elements(named: "code").map(\.text), ["tcp.port == 5061"])
        XCTAssertEqual(n.elements(named: "a").map { $0.attributes["href"] ?? "" }, ["https://tickets.example/CHG-1?a=1&b=2", "mailto:noc@example.org"])
        XCTAssertEqual(n.elements(named: "a").first?.text, "the ticket")
    }

    /// A pasted log of 6,000 characters in a code block is shown whole (a note is capped at 20,000).
    func testALongCodeBlockIsNotCut() throws {
        let log = (0..<120).map { String(format: "%03d drop 10.2.2.2:5061 -> 10.1.1.1:53695 rule 7 reason T", $0) }.joined(separator: "\n")
        XCTAssertGreaterThan(log.count, 6000)
        let (_, n) = try notesSection("```\n\(log)\n```")
        XCTAssertEqual(n.elements(named: "pre").first?.elements(named: "code").first?.text, log + "\n")
    }

    func testCodeIsShownAsTextAndUnsafeLinksLoseTheirLink() throws {
        let (html, n) = try notesSection("""
            Payload was `<script>alert(1)</script>` and [click](javascript:alert(2)) or [this](JaVaScRiPt:alert(3)) or ![x](http://tracker.example/p.png)

            ```
            <img src=x onerror=alert(4)> & done
            ```

            <b onclick="alert(5)">raw</b>
            """)
        XCTAssertTrue(n.elements(named: "script").isEmpty)
        XCTAssertTrue(n.elements(named: "img").isEmpty, "no remote image")
        XCTAssertTrue(n.elements(named: "b").isEmpty)
        XCTAssertEqual(n.elements(named: "code").first?.text, "<script>alert(1)</script>", "the code span shows the markup as text")
        XCTAssertEqual(n.elements(named: "pre").first?.elements(named: "code").first?.text, "<img src=x onerror=alert(4)> & done\n")
        XCTAssertTrue(n.elements(named: "a").isEmpty, "javascript: links are text, not links")
        XCTAssertTrue(n.elements(named: "p").first?.text.contains("click") == true)
        XCTAssertTrue(html.contains("&lt;b onclick=\"alert(5)\"&gt;raw&lt;/b&gt;") || html.contains("&lt;b onclick=&quot;alert(5)&quot;&gt;raw&lt;/b&gt;"), "raw HTML in a note is shown as typed")
        func attributes(_ node: MarkupNode) -> [String] { Array(node.attributes.keys) + node.children.flatMap(attributes) }
        XCTAssertEqual(Set(attributes(n)), ["class"], "no attribute but the note's own class")
    }
}
