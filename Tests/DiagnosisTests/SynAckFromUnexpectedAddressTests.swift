import Diagnosis
import XCTest

final class SynAckFromUnexpectedAddressTests: XCTestCase {
    func testOneWayNATSeenFromTheClient() throws {
        let all = try findings(lab: "one-way-nat/client.pcap", aliases: ["10.1.1.1": "ResourceServer1"])
        let f = all.with("handshake.synack-from-unexpected-address")
        XCTAssertEqual(f.count, 1)
        XCTAssertEqual(f[0].severity, "error")
        XCTAssertEqual(f[0].confidence, "high")
        XCTAssertEqual(f[0].evidence.map(\.frame), [11, 12, 13], "SYN, SYN/ACK from the NAT address, client RST")
        XCTAssertEqual(f[0].evidence[1].fields["ip.src"], "198.51.100.1")
        XCTAssertEqual(f[0].evidence[1].fields["tcp.ack_raw"], "1330708476")
        XCTAssertTrue(f[0].technical.contains("The same happened 6 times: every SYN/ACK (frames 12, 15, 18, 21, 24, 27) came from 198.51.100.1"), f[0].technical)
        XCTAssertTrue(f[0].technical.hasPrefix("SYN from 192.0.2.4:40002 to 10.1.1.1:80 (ResourceServer1) (frame 11) was answered from 198.51.100.1 (frame 12"), f[0].technical)
        // With the client's trace only, the server side is worth capturing.
        XCTAssertTrue(f[0].nextSteps.contains { $0.hasPrefix("Capture on the server side too") })
        // Not silence, not a refusal: those would be wrong conclusions here.
        XCTAssertFalse(all.ids.contains("handshake.no-response"))
        XCTAssertFalse(all.ids.contains("handshake.refused"))
        XCTAssertFalse(all.ids.contains("rst.injected-by-middlebox"))
    }

    func testServerSideLooksNormal() throws {
        // Seen from the resource side the handshake looks fine: no NAT finding from one trace.
        let all = try findings(lab: "one-way-nat/server.pcap")
        XCTAssertTrue(all.with("handshake.synack-from-unexpected-address").isEmpty)
    }
}
