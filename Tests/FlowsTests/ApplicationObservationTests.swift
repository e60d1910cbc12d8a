import Capture
@testable import Flows
import Foundation
import TestSupport
import XCTest

/// The server-side payload checks that run on nearly every segment a server sends.
final class ApplicationObservationTests: XCTestCase {
    func observe(_ text: String) -> ApplicationObservation {
        var a = ApplicationObservation()
        Array(text.utf8).withUnsafeBytes { a.serverPayload($0, frame: 7) }
        return a
    }

    func testStatusAndReplyLinesAreKeptOtherPayloadIsNot() {
        XCTAssertEqual(observe("HTTP/1.1 503 Service Unavailable\r\nServer: x\r\n").lastServerReply, "HTTP/1.1 503 Service Unavailable")
        XCTAssertEqual(observe("HTTP/1.1 503 Service Unavailable\r\n").lastServerReplyFrame, 7)
        XCTAssertEqual(observe("250-mail.example.org\r\n").lastServerReply, "250-mail.example.org")
        for other in ["HTTP", "HTTPS/1.1 200", "http/1.1 200 OK", "HTTX/1.1", "<html>", "25 ok"] {
            XCTAssertNil(observe(other).lastServerReply, other)
            XCTAssertEqual(observe(other).lastServerDataFrame, 7, other)
        }
    }

    /// A real HTTP exchange (tcpdump's print-flags.pcap in ../shared/corpus): tshark shows the
    /// response line "HTTP/1.1 200 OK" in frame 6.
    func testTheStatusLineOfARealResponse() throws {
        let path = Fixtures.repoRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus/tcpdump/print-flags.pcap").path
        guard FileManager.default.fileExists(atPath: path) else { throw XCTSkip("../shared/corpus is not beside the checkout") }
        let c = try trackedSummaries(path) { _ in }
        XCTAssertEqual(c.count, 1)
        XCTAssertEqual(c[0].application.lastServerReply, "HTTP/1.1 200 OK")
        XCTAssertEqual(c[0].application.lastServerReplyFrame, 6)
    }

    func testHTTPStatusPrefixNeedsAllFiveBytes() {
        func check(_ s: String) -> Bool { Array(s.utf8).withUnsafeBytes { ApplicationObservation.startsWithHTTPStatus($0) } }
        XCTAssertTrue(check("HTTP/"))
        XCTAssertTrue(check("HTTP/2 200"))
        XCTAssertFalse(check("HTTP"))
        XCTAssertFalse(check("HTTP 1.1"))
        XCTAssertFalse(check("XHTTP/"))
        XCTAssertFalse(check(""))
    }
}
