import Markup
import XCTest

final class MarkupDocumentTests: XCTestCase {
    func testParsesXMLIntoATree() throws {
        let svg = #"<svg xmlns="http://www.w3.org/2000/svg" width="10"><text x="1">SYN &amp; ACK</text><line/></svg>"#
        let root = try MarkupDocument.parseXML(svg)
        XCTAssertEqual(root.name, "svg")
        XCTAssertEqual(root.attributes["width"], "10")
        XCTAssertEqual(root.elements(named: "text").first?.text, "SYN & ACK")
        XCTAssertEqual(root.children.count, 2)
    }

    func testReportsTheFirstWellFormednessErrorWithItsLine() {
        XCTAssertThrowsError(try MarkupDocument.checkWellFormed("<p>\n<b>bold</p>", source: "report.html")) { error in
            guard let e = error as? MarkupError else { return XCTFail("\(error)") }
            XCTAssertEqual(e.source, "report.html")
            XCTAssertEqual(e.line, 2)
            XCTAssertTrue(e.message.contains("mismatch"), e.message)
        }
    }

    func testExternalEntitiesAreNotFetched() throws {
        let xml = #"<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "http://127.0.0.1:9/evil">]><r>&x;</r>"#
        let root = try? MarkupDocument.parseXML(xml)
        XCTAssertEqual(root?.text ?? "", "")
    }

    func testHTMLParserIsTolerant() throws {
        let root = try MarkupDocument.parseHTML("<html><body><p>one<p>two</body></html>")
        XCTAssertEqual(root.elements(named: "p").count, 2)
    }
}
