import Diagnosis
import XCTest

final class PathMTUBlackholeTests: XCTestCase {
    func testFullSizeDFSegmentsRetransmittedWithoutICMP() throws {
        let all = try findings(lab: "pmtu-blackhole/client.pcap")
        let f = all.with("path.mtu-blackhole")
        XCTAssertEqual(f.count, 1)
        XCTAssertEqual(f[0].confidence, "high")
        XCTAssertEqual(Array(f[0].evidence.map(\.frame).prefix(2)), [10, 11])
        XCTAssertTrue(f[0].evidence.allSatisfy { $0.fields["tcp.len"] == "1448" })
        XCTAssertFalse(all.ids.contains("perf.retransmissions"), "loss of big segments is the black hole, not congestion")
    }
}
