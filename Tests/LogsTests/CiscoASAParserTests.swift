import Foundation
import Logs
import Packets
import XCTest

final class CiscoASAParserTests: XCTestCase {
    struct Row {
        var line: Int, local: String, id: String, action: LogEntry.Action
        var src: String?, srcIf: String?, dst: String?, dstIf: String?
        var xsrc: String?, xdst: String?, conn: String?
    }

    /// Tests/Fixtures/logs/README.md, `cisco-asa-sample.log` table; `local` is read at +01:00.
    let rows: [Row] = [
        Row(line: 1, local: "2026-11-20T09:14:03+01:00", id: "305011", action: .translation, src: "10.20.0.15:51514", srcIf: "inside", dst: nil, dstIf: "outside", xsrc: "198.51.100.10:30021", xdst: nil, conn: nil),
        Row(line: 2, local: "2026-11-20T09:14:03+01:00", id: "302013", action: .built, src: "10.20.0.15:51514", srcIf: "inside", dst: "203.0.113.80:443", dstIf: "outside", xsrc: "198.51.100.10:30021", xdst: nil, conn: "1184223"),
        Row(line: 3, local: "2026-11-20T09:14:07+01:00", id: "302013", action: .built, src: "203.0.113.7:49152", srcIf: "outside", dst: "10.20.0.25:443", dstIf: "dmz", xsrc: nil, xdst: "198.51.100.25:443", conn: "1184224"),
        Row(line: 4, local: "2026-11-20T09:14:12+01:00", id: "106023", action: .deny, src: "203.0.113.66:40112", srcIf: "outside", dst: "10.20.0.25:445", dstIf: "dmz", xsrc: nil, xdst: nil, conn: nil),
        Row(line: 5, local: "2026-11-20T09:14:34+01:00", id: "302014", action: .teardown, src: "10.20.0.15:51514", srcIf: "inside", dst: "203.0.113.80:443", dstIf: "outside", xsrc: nil, xdst: nil, conn: "1184223"),
        Row(line: 6, local: "2026-11-20T09:14:37+01:00", id: "302014", action: .teardown, src: "203.0.113.7:49152", srcIf: "outside", dst: "10.20.0.25:443", dstIf: "dmz", xsrc: nil, xdst: nil, conn: "1184224"),
        Row(line: 7, local: "2026-11-20T09:14:40+01:00", id: "302013", action: .built, src: "10.20.0.31:55001", srcIf: "inside", dst: "203.0.113.9:25", dstIf: "outside", xsrc: "198.51.100.10:30022", xdst: nil, conn: "1184230"),
        Row(line: 8, local: "2026-11-20T09:15:10+01:00", id: "302014", action: .teardown, src: "10.20.0.31:55001", srcIf: "inside", dst: "203.0.113.9:25", dstIf: "outside", xsrc: nil, xdst: nil, conn: "1184230"),
        Row(line: 9, local: "2026-11-20T09:15:36+01:00", id: "305012", action: .translationTeardown, src: "10.20.0.15:51514", srcIf: "inside", dst: nil, dstIf: "outside", xsrc: "198.51.100.10:30021", xdst: nil, conn: nil),
        Row(line: 10, local: "2026-11-20T09:15:41+01:00", id: "302013", action: .built, src: "10.1.1.1:53695", srcIf: "outside", dst: "10.2.2.2:5061", dstIf: "inside", xsrc: nil, xdst: nil, conn: "1184301"),
        Row(line: 11, local: "2026-11-20T09:15:41+01:00", id: "302014", action: .teardown, src: "10.1.1.1:53695", srcIf: "outside", dst: "10.2.2.2:5061", dstIf: "inside", xsrc: nil, xdst: nil, conn: "1184301"),
        Row(line: 12, local: "2026-11-20T09:15:57+01:00", id: "302013", action: .built, src: "10.20.0.40:60230", srcIf: "inside", dst: "203.0.113.50:8443", dstIf: "outside", xsrc: "198.51.100.10:30023", xdst: nil, conn: "1184310"),
        Row(line: 13, local: "2026-11-20T09:15:58+01:00", id: "106015", action: .deny, src: "203.0.113.80:443", srcIf: "outside", dst: "198.51.100.10:30021", dstIf: nil, xsrc: nil, xdst: nil, conn: nil),
        Row(line: 14, local: "2026-11-20T09:16:02+01:00", id: "302014", action: .teardown, src: "10.20.0.40:60230", srcIf: "inside", dst: "203.0.113.50:8443", dstIf: "outside", xsrc: nil, xdst: nil, conn: "1184310"),
    ]

    func testSampleLinesReadAsTheREADMESays() throws {
        let log = try LogsFixture.log("logs/cisco-asa-sample.log")
        XCTAssertEqual(log.format, .ciscoASA)
        XCTAssertEqual(log.entries.map(\.lineNumber), Array(1...15))
        let plusOne = try XCTUnwrap(TimeZone(secondsFromGMT: 3600))
        for row in rows {
            let e = try log.entry(line: row.line)
            let at = "line \(row.line)"
            XCTAssertNil(e.time, "ASA timestamps have no zone (\(at))")
            XCTAssertFalse(e.timeZoneKnown, at)
            XCTAssertEqual(e.resolved(timeZone: plusOne), LogsFixture.utc(row.local), at)
            XCTAssertEqual(e.messageID, row.id, at)
            XCTAssertEqual(e.action, row.action, at)
            XCTAssertEqual(e.ipProtocol, "tcp", at)
            XCTAssertEqual(e.src, row.src, at)
            XCTAssertEqual(e.inputInterface, row.srcIf, at)
            XCTAssertEqual(e.dst, row.dst, at)
            XCTAssertEqual(e.outputInterface, row.dstIf, at)
            XCTAssertEqual(e.xsrc, row.xsrc, at)
            XCTAssertEqual(e.xdst, row.xdst, at)
            XCTAssertEqual(e.connectionID, row.conn, at)
            XCTAssertEqual(e.host, "asa-edge01", at)
            XCTAssertEqual(e.fields["severity"], row.line == 4 ? "4" : "6", at)
        }
        XCTAssertEqual(try log.entry(line: 1).wallClock?.description, "2026-11-20 09:14:03")
    }

    func testTeardownsDurationsBytesAndReasons() throws {
        let log = try LogsFixture.log("logs/cisco-asa-sample.log")
        let expected: [(Int, TimeInterval, UInt64, String, LogEntry.Direction)] = [
            (5, 31, 48213, "TCP FINs", .outbound), (6, 30, 5120, "TCP Reset-I", .inbound),
            (8, 30, 0, "SYN Timeout", .outbound), (11, 0, 187, "Flow closed by inspection", .inbound),
            (14, 5, 2311, "TCP Reset-O", .outbound),
        ]
        for (line, duration, bytes, reason, direction) in expected {
            let e = try log.entry(line: line)
            XCTAssertEqual(e.duration, duration, "line \(line)")
            XCTAssertEqual(e.bytes, bytes, "line \(line)")
            XCTAssertEqual(e.reason, reason, "line \(line)")
            XCTAssertEqual(e.direction, direction, "line \(line) takes its direction from the 302013 of the same connection")
        }
        XCTAssertEqual(try log.entry(line: 14).fields["teardown_initiator"], "outside")
        XCTAssertEqual(try log.entry(line: 2).direction, .outbound)
        XCTAssertEqual(try log.entry(line: 3).direction, .inbound)
        XCTAssertEqual(try log.entry(line: 9).duration, 93)
        XCTAssertEqual(try log.entry(line: 4).rule, "outside_access_in")
        let noConn = try log.entry(line: 13)
        XCTAssertEqual(noConn.tcpFlags, [.rst])
        XCTAssertEqual(noConn.reason, "no connection")
    }

    func testOtherMessagesAreKeptAndMalformedOnesReported() throws {
        let log = try LogsFixture.log("logs/cisco-asa-sample.log")
        let other = try log.entry(line: 15)
        XCTAssertEqual(other.messageID, "111008")
        XCTAssertEqual(other.action, .other("User 'admin' executed the 'write memory' command."))
        XCTAssertEqual(other.fields["severity"], "5")
        XCTAssertNil(other.sourceAddress)
        XCTAssertEqual(log.unparsed.map(\.lineNumber), [16, 17])
        XCTAssertTrue(log.unparsed.reason(0).contains("\"to\""), log.unparsed.reason(0))
        XCTAssertTrue(log.unparsed.reason(1).contains("connection id"), log.unparsed.reason(1))
    }

    func testTeardownWithoutItsBuiltMessageKeepsTheListedOrder() throws {
        var parser = CiscoASAParser()
        let e = try parser.parse("Nov 20 2026 09:14:34 asa-edge01 : %ASA-6-302014: Teardown TCP connection 99 for outside:203.0.113.80/443 to inside:10.20.0.15/51514 duration 0:00:31 bytes 1 TCP FINs",
                                 lineNumber: 1, sourceFile: "asa.log")
        XCTAssertEqual(e.src, "203.0.113.80:443")
        XCTAssertNil(e.direction)
    }

    func testOtherLayouts() throws {
        var parser = CiscoASAParser()
        // No year, no device id, UDP, identity tag; 106100 with ICMP type/code; 106023 ICMP.
        let udp = try parser.parse("Jun 23 07:01:02: %ASA-6-302015: Built outbound UDP connection 7 for outside:192.0.2.53/53 (192.0.2.53/53) to inside:10.20.0.2/53211 (198.51.100.10/4000) (LOCAL\\alice)",
                                   lineNumber: 2, sourceFile: "a.log")
        XCTAssertEqual(udp.ipProtocol, "udp")
        XCTAssertEqual(udp.src, "10.20.0.2:53211")
        XCTAssertEqual(udp.xsrc, "198.51.100.10:4000")
        XCTAssertNil(udp.wallClock?.year)
        XCTAssertEqual(udp.resolved(timeZone: TimeZone(secondsFromGMT: 0) ?? .current, fallbackYear: 2026), LogsFixture.utc("2026-06-23T07:01:02Z"))
        XCTAssertNil(udp.resolved(timeZone: TimeZone(secondsFromGMT: 0) ?? .current), "no year and none given")
        let acl = try parser.parse("%ASA-4-106100: access-list outside_access_in denied icmp outside/203.0.113.66(8) -> inside/10.20.0.25(0) hit-cnt 1 first hit [0x91c26a3, 0x0]",
                                   lineNumber: 3, sourceFile: "a.log")
        XCTAssertEqual(acl.action, .deny)
        XCTAssertEqual(acl.rule, "outside_access_in")
        XCTAssertEqual(acl.src, "203.0.113.66")
        XCTAssertEqual(acl.packet?.icmpType, 8)
        XCTAssertEqual(acl.fields["hit_count"], "1")
        XCTAssertNil(acl.wallClock)
        let permitted = try parser.parse("%ASA-6-106100: access-list in permitted tcp inside/10.20.0.15(51514) -> outside/203.0.113.80(443) hit-cnt 3 300-second interval [0x1, 0x0]",
                                         lineNumber: 4, sourceFile: "a.log")
        XCTAssertEqual(permitted.action, .accept)
        XCTAssertEqual(permitted.dst, "203.0.113.80:443")
        let icmpDeny = try parser.parse("2026-11-20T09:14:12Z asa : %ASA-4-106023: Deny icmp src outside:203.0.113.66 dst dmz:10.20.0.25 (type 8, code 0) by access-group \"outside_access_in\" [0x0, 0x0]",
                                        lineNumber: 5, sourceFile: "a.log")
        XCTAssertEqual(icmpDeny.time, LogsFixture.utc("2026-11-20T09:14:12Z"))
        XCTAssertEqual(icmpDeny.packet?.icmpCode, 0)
        XCTAssertEqual(icmpDeny.dst, "10.20.0.25")
        XCTAssertThrowsError(try parser.parse("%ASA-6-302013: Built sideways TCP connection 1 for a:1.1.1.1/1 (1.1.1.1/1) to b:2.2.2.2/2 (2.2.2.2/2)", lineNumber: 6, sourceFile: "a.log"))
    }
}
