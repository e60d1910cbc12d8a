import Diagnosis
import XCTest

final class HandshakeStaleStateTests: XCTestCase {
    func testRecoveredByTheClientsReset() throws {
        let all = try findings(lab: "stale-state-recovered/client.pcap")
        let f = all.with("handshake.stale-state")
        XCTAssertEqual(f.count, 1)
        XCTAssertEqual(f[0].severity, "warning")
        XCTAssertTrue(f[0].title.contains("cleared by the client's RST"))
        XCTAssertEqual(f[0].evidence.first { $0.frame == 9 }?.fields["tcp.ack_raw"], "224953830")
        XCTAssertTrue(f[0].technical.contains("it never closed (no FIN or RST)"), f[0].technical)
        XCTAssertTrue(f[0].technical.contains("idle 3.89"), f[0].technical)
        XCTAssertTrue(f[0].technical.contains("recovered"))
        XCTAssertFalse(all.ids.contains("capture.incomplete"), "the challenge ACK's numbers are not missing data")
    }

    func testStuckWhenTheResetIsDropped() throws {
        let f = try findings(lab: "stale-state-stuck/client.pcap").with("handshake.stale-state")
        XCTAssertEqual(f.count, 1)
        XCTAssertEqual(f[0].severity, "error")
        XCTAssertTrue(f[0].technical.contains("It happened 6 time(s)"), f[0].technical)
        XCTAssertTrue(f[0].technical.contains("stuck"))
        XCTAssertEqual(f[0].evidence[1].fields["tcp.ack_raw"], "342153639")
    }
}
