import Foundation
import Logs
import Packets
import XCTest

final class CheckPointParserTests: XCTestCase {
    struct Row {
        var line: Int, time: String, action: LogEntry.Action, proto: String
        var src: String, dst: String, xsrc: String?, xdst: String?, rule: String?
    }

    /// Tests/Fixtures/logs/README.md, `checkpoint-sample.log` table.
    let rows: [Row] = [
        Row(line: 1, time: "2026-11-20T08:14:03Z", action: .accept, proto: "tcp", src: "10.20.0.15:51514", dst: "203.0.113.80:443", xsrc: "198.51.100.10:30021", xdst: nil, rule: "4"),
        Row(line: 2, time: "2026-11-20T08:14:07Z", action: .accept, proto: "tcp", src: "203.0.113.7:49152", dst: "198.51.100.25:443", xsrc: nil, xdst: "10.20.0.25:443", rule: "6"),
        Row(line: 3, time: "2026-11-20T08:14:12Z", action: .drop, proto: "tcp", src: "203.0.113.66:40112", dst: "198.51.100.25:445", xsrc: nil, xdst: nil, rule: "15"),
        Row(line: 4, time: "2026-11-20T08:14:30Z", action: .reject, proto: "tcp", src: "10.20.0.31:55001", dst: "203.0.113.9:25", xsrc: nil, xdst: nil, rule: "9"),
        Row(line: 5, time: "2026-11-20T08:14:31Z", action: .accept, proto: "udp", src: "10.20.0.2:53211", dst: "192.0.2.53:53", xsrc: nil, xdst: nil, rule: "3"),
        Row(line: 6, time: "2026-11-20T08:14:45Z", action: .drop, proto: "icmp", src: "203.0.113.66", dst: "198.51.100.25", xsrc: nil, xdst: nil, rule: "15"),
        Row(line: 7, time: "2026-11-20T08:15:41Z", action: .accept, proto: "tcp", src: "10.1.1.1:53695", dst: "10.2.2.2:5061", xsrc: nil, xdst: nil, rule: "7"),
        Row(line: 8, time: "2026-11-20T08:15:41Z", action: .drop, proto: "tcp", src: "10.2.2.2:5061", dst: "10.1.1.1:53695", xsrc: nil, xdst: nil, rule: "7"),
        Row(line: 9, time: "2026-11-20T08:15:58Z", action: .drop, proto: "tcp", src: "203.0.113.80:443", dst: "198.51.100.10:30021", xsrc: nil, xdst: nil, rule: nil),
        Row(line: 10, time: "2026-11-20T08:16:00Z", action: .accept, proto: "tcp", src: "10.20.0.40:60222", dst: "10.30.0.5:22", xsrc: nil, xdst: nil, rule: "5"),
        Row(line: 11, time: "2026-11-20T08:16:20Z", action: .accept, proto: "tcp", src: "10.30.0.5:41000", dst: "172.16.5.10:8443", xsrc: "192.0.2.200:41000", xdst: "10.99.0.10:443", rule: "11"),
        Row(line: 12, time: "2026-11-20T08:17:02Z", action: .drop, proto: "tcp", src: "198.51.100.77:33333", dst: "198.51.100.25:3389", xsrc: nil, xdst: nil, rule: "15"),
        Row(line: 13, time: "2026-11-20T08:17:30Z", action: .accept, proto: "udp", src: "10.20.0.2:123", dst: "203.0.113.123:123", xsrc: "198.51.100.10:123", xdst: nil, rule: "3"),
    ]

    func testSampleLinesReadAsTheREADMESays() throws {
        let log = try LogsFixture.log("logs/checkpoint-sample.log")
        XCTAssertEqual(log.format, .checkPoint)
        XCTAssertEqual(log.entries.map(\.lineNumber), Array(1...13))
        for row in rows {
            let e = try log.entry(line: row.line)
            let at = "line \(row.line)"
            XCTAssertEqual(e.time, LogsFixture.utc(row.time), at)
            XCTAssertTrue(e.timeZoneKnown, at)
            XCTAssertEqual(e.action, row.action, at)
            XCTAssertEqual(e.ipProtocol, row.proto, at)
            XCTAssertEqual(e.src, row.src, at)
            XCTAssertEqual(e.dst, row.dst, at)
            XCTAssertEqual(e.xsrc, row.xsrc, at)
            XCTAssertEqual(e.xdst, row.xdst, at)
            XCTAssertEqual(e.rule, row.rule, at)
            XCTAssertEqual(e.host, "192.0.2.254", at)
            XCTAssertEqual(e.fields["product"], "VPN-1 & FireWall-1", at)
            XCTAssertEqual(e.format, .checkPoint, at)
            XCTAssertEqual(e.sourceFile, "checkpoint-sample.log", at)
            XCTAssertEqual(e.direction, .inbound, at)
        }
    }

    func testNamesReasonsFlagsAndICMP() throws {
        let log = try LogsFixture.log("logs/checkpoint-sample.log")
        let l1 = try log.entry(line: 1)
        XCTAssertEqual(l1.fields["service_id"], "https")
        XCTAssertEqual(l1.inputInterface, "eth2")
        XCTAssertEqual(l1.ruleName, "Internet access")
        XCTAssertEqual(try log.entry(line: 3).ruleName, "Cleanup rule")
        XCTAssertEqual(try log.entry(line: 4).ruleName, "No direct SMTP")
        let icmp = try log.entry(line: 6)
        XCTAssertNil(icmp.source)
        XCTAssertNil(icmp.sourcePort)
        XCTAssertEqual(icmp.packet?.icmpType, 8)
        XCTAssertEqual(icmp.packet?.icmpCode, 0)
        let voip = try log.entry(line: 8)
        XCTAssertEqual(voip.reason, "TLS connection has to be closed")
        XCTAssertEqual(voip.fields["voip_reason_info"], "Encrypted VoIP signaling over TCP is not allowed")
        XCTAssertEqual(voip.fields["content_type"], "VoIP Session")
        XCTAssertEqual(voip.inputInterface, "eth1")
        let outOfState = try log.entry(line: 9)
        XCTAssertEqual(outOfState.reason, "TCP packet out of state: First packet isn't SYN")
        XCTAssertEqual(outOfState.tcpFlags, [.rst, .ack])
        XCTAssertNil(outOfState.ruleName)
        XCTAssertEqual(try log.entry(line: 12).fields["proto"], "6")
    }

    func testMalformedLinesAreReportedWithTheirNumbers() throws {
        let log = try LogsFixture.log("logs/checkpoint-sample.log")
        XCTAssertEqual(log.unparsed.map(\.lineNumber), [14, 15])
        XCTAssertEqual(log.unparsedCount, 2)
        XCTAssertTrue(log.unparsed.reason(0).contains("dst"), log.unparsed.reason(0))
        XCTAssertTrue(log.unparsed.first?.text.hasSuffix("s_po") == true)
        XCTAssertTrue(log.unparsed.reason(1).contains("time"), log.unparsed.reason(1))
        // Each fault of line 15 is enough on its own.
        let parser = CheckPointParser()
        for bad in ["src=10.20.0.300 s_port=1 dst=198.51.100.25 service=80", "src=10.20.0.3 s_port=70000 dst=198.51.100.25 service=80",
                    "time=20/11/2026 src=10.20.0.3 dst=198.51.100.25", "src=10.20.0.3 dst=198.51.100.25 rule_name=\"open"] {
            XCTAssertThrowsError(try parser.parse(("action=drop " + bad)[...], lineNumber: 1, sourceFile: "x"), bad)
        }
    }

    func testSemicolonAndPipeSeparatedForms() throws {
        let parser = CheckPointParser()
        let semi = try parser.parse("action=drop; src=10.2.2.2; s_port=5061; dst=10.1.1.1; service=53695; proto=tcp; rule_name=\"VoIP rule\";",
                                    lineNumber: 3, sourceFile: "semi.log")
        XCTAssertEqual(semi.action, .drop)
        XCTAssertEqual(semi.src, "10.2.2.2:5061")
        XCTAssertEqual(semi.dst, "10.1.1.1:53695")
        XCTAssertEqual(semi.ruleName, "VoIP rule")
        XCTAssertEqual(semi.lineNumber, 3)
        XCTAssertNil(semi.time)
        // Log Exporter "splunk" layout: `|` between fields, epoch time, unquoted values with spaces.
        let pipe = try parser.parse("time=1795162443|action=Accept|origin=192.0.2.254|product=VPN-1 & FireWall-1|src=10.20.0.15|s_port=51514|dst=203.0.113.80|service=443|proto=6|xlatesrc=0.0.0.0|xlatesport=0|",
                                    lineNumber: 1, sourceFile: "splunk.log")
        XCTAssertEqual(pipe.action, .accept)
        XCTAssertEqual(pipe.time, LogsFixture.utc("2026-11-20T08:14:03Z"))
        XCTAssertEqual(pipe.fields["product"], "VPN-1 & FireWall-1")
        XCTAssertEqual(pipe.ipProtocol, "tcp")
        XCTAssertNil(pipe.translatedSourceAddress, "xlatesrc=0.0.0.0 means not translated")
        XCTAssertEqual(pipe.dst, "203.0.113.80:443")
    }
}
