@testable import Report
import XCTest

/// casebook's Markdown renderer for notes, node by node.
final class MarkdownRendererTests: XCTestCase {
    typealias N = MarkdownNode
    func md(_ s: String) -> [N] { NoteMarkdown.render(s) }

    func testBlocks() {
        XCTAssertEqual(md("# Title #\n\ntext\nmore"), [.element("h4", [.text("Title")]), .element("p", [.text("text more")])])
        XCTAssertEqual(md("### x"), [.element("h6", [.text("x")])])
        XCTAssertEqual(md("#5 is not a heading"), [.element("p", [.text("#5 is not a heading")])])
        XCTAssertEqual(md("> quoted *x*\n> more"), [.element("blockquote", [.element("p", [.text("quoted "), .element("em", [.text("x")]), .text(" more")])])])
        XCTAssertEqual(md("---"), [.element("hr", [])])
        XCTAssertEqual(md("```sh\n<b>&\n```\nafter"), [.element("pre", [.element("code", [.text("<b>&\n")])]), .element("p", [.text("after")])])
        XCTAssertEqual(md("para\n\n    indented <x>\n    two"), [.element("p", [.text("para")]), .element("pre", [.element("code", [.text("indented <x>\ntwo\n")])])])
    }

    func testLists() {
        XCTAssertEqual(md("- a\n- b"), [.element("ul", [.element("li", [.text("a")]), .element("li", [.text("b")])])])
        XCTAssertEqual(md("1. one\n2. two\n\ntext"), [.element("ol", [.element("li", [.text("one")]), .element("li", [.text("two")])]), .element("p", [.text("text")])])
        XCTAssertEqual(md("- a\n  - b"), [.element("ul", [.element("li", [.element("p", [.text("a")]), .element("ul", [.element("li", [.text("b")])])])])])
    }

    func testInlines() {
        XCTAssertEqual(md("*em* **strong** ***both*** snake_case_name"), [.element("p", [
            .element("em", [.text("em")]), .text(" "), .element("strong", [.text("strong")]), .text(" "),
            .element("strong", [.element("em", [.text("both")])]), .text(" snake_case_name")])])
        XCTAssertEqual(md("`a <b>` and ``x ` y``"), [.element("p", [.element("code", [.text("a <b>")]), .text(" and "), .element("code", [.text("x ` y")])])])
        XCTAssertEqual(md("[ok](https://a.example/?q=1) <http://b.example> [no](file:///etc/passwd) ![img](http://c.example/i.png)"), [.element("p", [
            .element("a", [.text("ok")], href: "https://a.example/?q=1"), .text(" "), .element("a", [.text("http://b.example")], href: "http://b.example"),
            .text(" [no](file:///etc/passwd) ![img](http://c.example/i.png)")])])
        XCTAssertEqual(md("a  \nb \\*not em\\*"), [.element("p", [.text("a"), .element("br", []), .text("b *not em*")])])
        XCTAssertEqual(md("2 * 3 * 4 and *unclosed"), [.element("p", [.text("2 * 3 * 4 and *unclosed")])])
    }

    func testHostileInputsStayTextAndDoNotRecurse() {
        for pattern in ["[", "<", "![", "[x](", "*a ", "`", "> ", "- ", "_"] {
            let text = String(String(repeating: pattern, count: 20_000).prefix(20_000))
            let out = md(text)
            XCTAssertFalse(out.isEmpty, pattern)
        }
        // Lists and quotes nested past the depth limit end as text.
        let deep = (0..<50).map { String(repeating: " ", count: $0 * 2) + "- x" }.joined(separator: "\n")
        func depth(_ n: N) -> Int { if case .element(_, let kids, _) = n { return 1 + (kids.map(depth).max() ?? 0) }; return 0 }
        XCTAssertLessThanOrEqual(md(deep).map(depth).max() ?? 0, 2 * (NoteMarkdown.maxDepth + 1) + 1)
        XCTAssertLessThanOrEqual(md(String(repeating: ">", count: 5_000) + " x").map(depth).max() ?? 0, NoteMarkdown.maxDepth + 3)
    }
}
