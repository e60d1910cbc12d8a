import Diagnosis
import XCTest

final class HandshakeRefusedTests: XCTestCase {
    func testClosedPortRefusedByTheServerItself() throws {
        let f = try findings(lab: "basic/client.pcap").with("handshake.refused")
        XCTAssertEqual(f.count, 1)
        XCTAssertEqual(f[0].confidence, "high")
        XCTAssertEqual(f[0].evidence.map(\.frame), [11, 12])
        XCTAssertEqual(f[0].evidence[1].fields["ip.ttl"], "63")
        XCTAssertEqual(f[0].displayFilter, "tcp.stream eq 1")
        XCTAssertTrue(f[0].technical.contains("the same as the server's 4 other packets (TTL 63)"), f[0].technical)
        XCTAssertTrue(f[0].technical.contains("59 µs after the first SYN"), f[0].technical)
    }
}
