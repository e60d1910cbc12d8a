import Diagnosis
import XCTest

final class HandshakeNoResponseTests: XCTestCase {
    func testSilentlyDroppedSYNsWithBackoff() throws {
        let f = try findings(lab: "basic/client.pcap").with("handshake.no-response")
        XCTAssertEqual(f.count, 1)
        XCTAssertEqual(f[0].title, "No answer to SYNs for 10.0.2.20:8082: 4 tries over 7.2 s")
        XCTAssertEqual(f[0].evidence.map(\.frame), [13, 16])
        XCTAssertTrue(f[0].technical.contains("The same server did answer on port 8080"), f[0].technical)
    }

    func testServerSideHasNothingToSay() throws {
        XCTAssertTrue(try findings(lab: "basic/server.pcap").with("handshake.no-response").isEmpty)
    }
}
