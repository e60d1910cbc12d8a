import Diagnosis
import XCTest

final class CaptureOffloadArtifactTests: XCTestCase {
    func testTSOFramesAndUnfinishedChecksumsAreNotLoss() throws {
        let all = try findings(lab: "offload/server.pcap")
        let f = all.with("capture.offload-artifact")
        XCTAssertEqual(f.count, 2)
        XCTAssertTrue(f.allSatisfy { $0.severity == "info" })
        XCTAssertEqual(f[0].evidence.map(\.frame), [6, 8, 10])
        XCTAssertTrue(f[0].title.contains("up to 14480 bytes"), f[0].title)
        XCTAssertTrue(f[1].title.contains("192.0.2.80"), f[1].title)
        XCTAssertFalse(all.ids.contains("perf.retransmissions"))
        XCTAssertFalse(all.contains { $0.severity == "error" })
    }
}
