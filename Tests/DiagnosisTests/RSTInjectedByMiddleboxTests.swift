import Diagnosis
import XCTest

final class RSTInjectedByMiddleboxTests: XCTestCase {
    func testForgedResetWithTTL64AmongTTL127() throws {
        let all = try findings(lab: "forged-rst/client.pcap")
        let f = all.with("rst.injected-by-middlebox")
        XCTAssertEqual(f.count, 1)
        XCTAssertEqual(f[0].confidence, "high")
        let rst = f[0].evidence.first { $0.frame == 12 }
        XCTAssertEqual(rst?.fields["ip.ttl"], "64")
        XCTAssertEqual(rst?.fields["tcp.flags.str"], "RST, ACK")
        XCTAssertTrue(f[0].technical.contains("TTL 127"), f[0].technical)
        XCTAssertTrue(f[0].technical.contains("with no router between it and the capture point and initial TTL 64"), f[0].technical)
        XCTAssertTrue(f[0].technical.contains("It arrived 44 µs after the SYN; genuine answers from 10.0.2.20 take 54 µs"), f[0].technical)
        XCTAssertEqual(f[0].displayFilter, "ip.src == 10.0.2.20 && tcp.flags.reset == 1 && ip.ttl == 64")
        // The forged RST on 445 is not reported as a refusal; the genuine RST on port 81 is.
        let refused = all.with("handshake.refused")
        XCTAssertEqual(refused.count, 1)
        XCTAssertTrue(refused[0].title.contains(":81 "), refused[0].title)
    }

    func testGenuineRefusalIsNotCalledForged() throws {
        XCTAssertTrue(try findings(lab: "basic/client.pcap").with("rst.injected-by-middlebox").isEmpty)
    }
}
