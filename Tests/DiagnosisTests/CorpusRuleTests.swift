import Diagnosis
import XCTest

/// Rules whose stories the lab does not stage, on real corpus captures (skipped without ../shared).
final class CorpusRuleTests: XCTestCase {
    func testICMPFragmentationNeededQuotingTheSMTPConnection() throws {
        let all = try findings(path: try corpusCapture("zeek/smtp.pcap"), name: "smtp.pcap")
        let f = all.with("path.icmp-error")
        XCTAssertEqual(f.count, 1)
        XCTAssertEqual(f[0].title, "192.168.1.1 reports fragmentation needed (next-hop MTU 1492) for 10.10.1.4:1470 → 74.53.140.153:25")
        XCTAssertEqual(f[0].evidence.first?.frame, 26)
        XCTAssertEqual(f[0].evidence.first?.fields["icmp.code"], "4")
        // Retransmitting smaller segments after that ICMP is path MTU discovery, not loss.
        XCTAssertTrue(all.with("perf.retransmissions").isEmpty)
    }

    func testIPv6NoRouteQuotingTheTLSConnection() throws {
        let f = try findings(path: try corpusCapture("suricata-verify/ipv6-evasion_ipv6-kill-router-gateway.pcap"), name: "v6.pcap").with("path.icmp-error")
        XCTAssertEqual(f.first?.severity, "error")
        XCTAssertTrue(f.first?.title.contains("no route to destination") ?? false)
    }

    func testRetransmissionsAndFastRetransmit() throws {
        let f = try findings(path: try corpusCapture("zeek/tcp_retransmit-fast009.pcap"), name: "fast009.pcap").with("perf.retransmissions")
        XCTAssertEqual(f.count, 1)
        XCTAssertEqual(f[0].title, "3 retransmissions (15.3% of the bytes) server → client in stream 0")
        XCTAssertEqual(f[0].evidence.map(\.frame), [32, 34, 36])
    }

    func testZeroWindowOnLoopbackIsNotOffload() throws {
        let all = try findings(path: try corpusCapture("suricata-verify/mqtt-limit-2.pcap"), name: "mqtt.pcap")
        XCTAssertEqual(all.with("perf.zero-window").first?.evidence.first?.frame, 13)
        XCTAssertTrue(all.with("capture.offload-artifact").isEmpty, "loopback has a 64 KiB MTU and no checksum to finish")
    }

    func testMidStreamCaptureIsIncomplete() throws {
        let f = try findings(path: try corpusCapture("zeek/smtp.pcap"), name: "smtp.pcap").with("capture.incomplete")
        XCTAssertTrue(f.contains { $0.title == "3 connection(s) were already open when the capture started" })
    }
}
