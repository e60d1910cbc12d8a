import Diagnosis
import XCTest

final class PerfZeroWindowTests: XCTestCase {
    /// lab slow-reader: the client stops reading on two connections; one finding names the
    /// receiving host once, with both stalled connections and the first zero window of each.
    func testOneFindingPerReceiverWithEveryStalledConnection() throws {
        let all = try findings(lab: "slow-reader/client.pcap")
        let f = all.with("perf.zero-window")
        XCTAssertEqual(f.count, 1)
        XCTAssertEqual(f[0].severity, "warning")
        XCTAssertEqual(f[0].title, "10.0.5.10 advertised a zero window in 2 connections (4 segments): the receiver could not keep up")
        XCTAssertEqual(f[0].connections.map(\.stream), [0, 1])
        XCTAssertEqual(f[0].evidence.map(\.frame), [12, 130])
        XCTAssertEqual(f[0].evidence.map { $0.fields["tcp.stream"] }, ["0", "1"])
        XCTAssertEqual(f[0].displayFilter, "ip.src == 10.0.5.10 && tcp.analysis.zero_window")
        XCTAssertTrue(f[0].plain.hasPrefix("The receiving program on the host (10.0.5.10) could not take data as fast as it arrived"), f[0].plain)
        // A receiver that stalls is not loss, and the server was never refused or silent.
        XCTAssertTrue(all.with("perf.retransmissions").isEmpty)
        XCTAssertTrue(all.with("handshake.no-response").isEmpty)
    }

    func testOneStalledConnectionIsNamedByItsStream() throws {
        let f = try findings(path: try corpusCapture("suricata-verify/mqtt-limit-2.pcap"), name: "mqtt.pcap").with("perf.zero-window")
        XCTAssertEqual(f.count, 1)
        XCTAssertEqual(f[0].evidence.map(\.frame), [13])
        XCTAssertTrue(f[0].displayFilter.hasPrefix("tcp.stream eq "), f[0].displayFilter)
    }
}
