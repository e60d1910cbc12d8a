import Capture
@testable import Flows
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
