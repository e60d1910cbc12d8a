import Diagnosis
import XCTest

final class AppNoResponseTests: XCTestCase {
    func testSMTPServerNeverAnswersTheEndOfData() throws {
        let all = try findings(lab: "smtp-silent/client.pcap")
        let f = all.with("app.no-response")
        XCTAssertEqual(f.count, 1)
        XCTAssertTrue(f[0].title.contains("the \".\" that ends the DATA message"), f[0].title)
        XCTAssertTrue(f[0].evidence.contains { $0.frame == 15 })
        XCTAssertTrue(f[0].technical.contains("5.00"), f[0].technical)
        XCTAssertFalse(all.ids.contains("perf.retransmissions"))
    }

    func testTLSClientHelloWithoutServerHello() throws {
        let f = try findings(lab: "tls-proxy-reset/client.pcap").with("app.no-response")
        XCTAssertEqual(f.count, 1)
        XCTAssertTrue(f[0].title.contains("TLS ClientHello"))
        XCTAssertEqual(f[0].evidence.first?.frame, 4)
    }

    func testHealthyExchangeHasNoAppFinding() throws {
        XCTAssertTrue(try findings(lab: "basic/client.pcap").with("app.no-response").isEmpty)
    }
}
