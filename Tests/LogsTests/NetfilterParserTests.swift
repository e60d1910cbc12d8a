import Foundation
import Logs
import Packets
import XCTest

final class NetfilterParserTests: XCTestCase {
    struct Row {
        var line: Int, clock: String, uptime: String?, rule: String, action: LogEntry.Action, proto: String
        var src: String, dst: String, inIf: String?, outIf: String?
        var ttl: Int, id: Int, len: Int, flags: TCPFlags?
    }

    /// Tests/Fixtures/logs/README.md, `netfilter-sample.log` table (kern.log time: no year, no zone).
    let rows: [Row] = [
        Row(line: 1, clock: "Nov 20 09:14:03", uptime: "12345.678901", rule: "DROP-IN", action: .drop, proto: "tcp", src: "10.0.1.10:40001", dst: "10.0.2.20:8082", inIf: "eth0", outIf: nil, ttl: 63, id: 54321, len: 60, flags: [.syn]),
        Row(line: 2, clock: "Nov 20 09:14:05", uptime: "12347.702114", rule: "FWD-REJECT", action: .reject, proto: "tcp", src: "10.0.1.10:40002", dst: "10.0.2.20:445", inIf: "eth0", outIf: "eth1", ttl: 63, id: 22542, len: 60, flags: [.syn]),
        Row(line: 3, clock: "Nov 20 09:14:05", uptime: "12347.702160", rule: "OUT-RST", action: .log, proto: "tcp", src: "10.0.2.20:445", dst: "10.0.1.10:40002", inIf: nil, outIf: "eth0", ttl: 64, id: 0, len: 40, flags: [.ack, .rst]),
        Row(line: 4, clock: "Nov 20 09:14:20", uptime: "12362.003117", rule: "DROP-IN", action: .drop, proto: "udp", src: "192.0.2.77:123", dst: "10.0.2.20:123", inIf: "eth0", outIf: nil, ttl: 57, id: 0, len: 76, flags: nil),
        Row(line: 5, clock: "Nov 20 09:14:31", uptime: "12373.410552", rule: "DROP-IN", action: .drop, proto: "icmp", src: "203.0.113.66", dst: "10.0.2.20", inIf: "eth0", outIf: nil, ttl: 52, id: 4113, len: 84, flags: nil),
        Row(line: 6, clock: "Nov 20 09:14:48", uptime: "12390.118230", rule: "nft-fwd-drop", action: .drop, proto: "tcp", src: "10.0.2.20:443", dst: "10.0.1.10:51514", inIf: "eth1", outIf: "eth0", ttl: 63, id: 40417, len: 1004, flags: [.ack, .psh]),
        Row(line: 7, clock: "Nov 20 09:15:10", uptime: nil, rule: "DROP-IN", action: .drop, proto: "tcp", src: "198.51.100.77:33333", dst: "10.0.2.20:3389", inIf: "eth0", outIf: nil, ttl: 117, id: 31337, len: 52, flags: [.cwr, .ece, .syn]),
        Row(line: 8, clock: "Nov 20 09:15:12", uptime: "12414.550901", rule: "FWD-ACCEPT", action: .accept, proto: "tcp", src: "10.0.2.20:8080", dst: "10.0.1.10:40001", inIf: "eth1", outIf: "eth0", ttl: 63, id: 51000, len: 52, flags: [.ack, .fin]),
        Row(line: 9, clock: "Nov 20 09:15:20", uptime: "12422.901774", rule: "DROP-IN", action: .drop, proto: "tcp", src: "10.0.1.10:40003", dst: "10.0.2.20:8080", inIf: "eth0", outIf: nil, ttl: 63, id: 0, len: 40, flags: [.ack, .rst]),
        Row(line: 10, clock: "2026-11-20 09:15:30+01:00", uptime: nil, rule: "DROP-IN", action: .drop, proto: "tcp", src: "10.0.1.10:40004", dst: "10.0.2.20:8082", inIf: "eth0", outIf: nil, ttl: 63, id: 61002, len: 60, flags: [.syn]),
    ]

    func testSampleLinesReadAsTheREADMESays() throws {
        let log = try LogsFixture.log("logs/netfilter-sample.log")
        XCTAssertEqual(log.format, .netfilter)
        XCTAssertEqual(log.entries.map(\.lineNumber), Array(1...10))
        for row in rows {
            let e = try log.entry(line: row.line)
            let at = "line \(row.line)"
            XCTAssertEqual(e.wallClock?.description, row.clock, at)
            XCTAssertEqual(e.fields["uptime"], row.uptime, at)
            XCTAssertEqual(e.rule, row.rule, at)
            XCTAssertEqual(e.action, row.action, at)
            XCTAssertEqual(e.ipProtocol, row.proto, at)
            XCTAssertEqual(e.src, row.src, at)
            XCTAssertEqual(e.dst, row.dst, at)
            XCTAssertEqual(e.inputInterface, row.inIf, at)
            XCTAssertEqual(e.outputInterface, row.outIf, at)
            XCTAssertEqual(e.packet?.ttl, row.ttl, at)
            XCTAssertEqual(e.packet?.ipID, row.id, at)
            XCTAssertEqual(e.packet?.length, row.len, at)
            XCTAssertEqual(e.packet?.dontFragment, true, at)
            XCTAssertEqual(e.tcpFlags, row.flags, at)
            XCTAssertEqual(e.host, "fw-lab", at)
            XCTAssertNil(e.direction, at)
        }
    }

    func testTimesWithoutYearOrZoneNeedTheCaller() throws {
        let log = try LogsFixture.log("logs/netfilter-sample.log")
        let first = try log.entry(line: 1)
        XCTAssertNil(first.time)
        XCTAssertNil(first.wallClock?.year)
        let plusOne = try XCTUnwrap(TimeZone(secondsFromGMT: 3600))
        XCTAssertNil(first.resolved(timeZone: plusOne))
        XCTAssertEqual(first.resolved(timeZone: plusOne, fallbackYear: 2026), LogsFixture.utc("2026-11-20T08:14:03Z"))
        let berlin = try XCTUnwrap(TimeZone(identifier: "Europe/Berlin"))
        XCTAssertEqual(first.resolved(timeZone: berlin, fallbackYear: 2026), LogsFixture.utc("2026-11-20T08:14:03Z"))
        let journal = try log.entry(line: 10)
        XCTAssertTrue(journal.timeZoneKnown)
        XCTAssertEqual(journal.time, LogsFixture.utc("2026-11-20T08:15:30Z"))
        XCTAssertEqual(journal.resolved(timeZone: berlin), journal.time, "a zoned line ignores --tz")
    }

    func testRepeatedKeysAndSequenceNumbers() throws {
        let log = try LogsFixture.log("logs/netfilter-sample.log")
        let l1 = try log.entry(line: 1)
        XCTAssertEqual(l1.packet?.destinationMAC, "02:00:00:00:02:20")
        XCTAssertEqual(l1.packet?.sourceMAC, "02:00:00:00:01:10")
        XCTAssertEqual(l1.packet?.etherType, "0x0800")
        XCTAssertEqual(l1.packet?.window, 64240)
        XCTAssertNil(try log.entry(line: 3).packet?.mac, "no MAC on a locally generated packet")
        XCTAssertEqual(try log.entry(line: 3).packet?.window, 0)
        let udp = try log.entry(line: 4)
        XCTAssertEqual(udp.packet?.udpLength, 56)
        XCTAssertEqual(udp.fields["LEN"], "76")
        XCTAssertEqual(udp.fields["UDP.LEN"], "56")
        let icmp = try log.entry(line: 5)
        XCTAssertEqual(icmp.packet?.icmpType, 8)
        XCTAssertEqual(icmp.packet?.icmpCode, 0)
        XCTAssertEqual(icmp.packet?.icmpID, 2718)
        XCTAssertEqual(icmp.packet?.icmpSequence, 1)
        XCTAssertEqual(icmp.fields["ICMP.ID"], "2718")
        XCTAssertNil(icmp.sourcePort)
        let seq = try log.entry(line: 6)
        XCTAssertEqual(seq.packet?.sequence, 3_176_013_178)
        XCTAssertEqual(seq.packet?.acknowledgment, 3_197_502_551)
        XCTAssertEqual(seq.packet?.window, 502)
        XCTAssertEqual(try log.entry(line: 8).fields["MARK"], "0x1")
    }

    func testMalformedLinesAreReportedWithTheirNumbers() throws {
        let log = try LogsFixture.log("logs/netfilter-sample.log")
        XCTAssertEqual(log.unparsed.map(\.lineNumber), [11, 12])
        XCTAssertTrue(log.unparsed.reason(0).contains("PROTO"), log.unparsed.reason(0))
        XCTAssertTrue(log.unparsed.reason(1).contains("10.0.1.999"), log.unparsed.reason(1))
    }

    func testOtherLayouts() throws {
        let parser = NetfilterParser()
        // dmesg style, prefix without a trailing space, ICMP error quoting the offending packet.
        let e = try parser.parse("[  576.121505] DROPIN=eth0 OUT= SRC=10.0.2.1 DST=10.0.1.10 LEN=576 TOS=0x00 PREC=0xC0 TTL=64 ID=1 PROTO=ICMP TYPE=3 CODE=4 [SRC=10.0.1.10 DST=10.0.2.20 LEN=1500 TOS=0x00 PREC=0x00 TTL=63 ID=2 DF PROTO=TCP SPT=40001 DPT=8082 WINDOW=502 RES=0x00 ACK URGP=0 ] MTU=1400",
                                 lineNumber: 1, sourceFile: "dmesg.txt")
        XCTAssertEqual(e.rule, "DROP")
        XCTAssertEqual(e.action, .drop)
        XCTAssertEqual(e.fields["uptime"], "576.121505")
        XCTAssertEqual(e.src, "10.0.2.1")
        XCTAssertEqual(e.packet?.icmpType, 3)
        XCTAssertEqual(e.packet?.ipID, 1)
        XCTAssertEqual(e.packet?.dontFragment, false)
        XCTAssertEqual(e.fields["inner.SRC"], "10.0.1.10")
        XCTAssertEqual(e.fields["MTU"], "1400")
        XCTAssertNil(e.tcpFlags)
        let v6 = try parser.parse("Nov 20 09:14:03 fw kernel: LOG6: IN=eth0 OUT= SRC=2001:db8::1 DST=2001:db8::2 LEN=80 TC=0 HOPLIMIT=64 FLOWLBL=0 PROTO=TCP SPT=1 DPT=443 WINDOW=1 RES=0x00 SYN URGP=0",
                                  lineNumber: 2, sourceFile: "k.log")
        XCTAssertEqual(v6.src, "[2001:db8::1]:1")
        XCTAssertEqual(v6.packet?.ttl, 64)
        XCTAssertEqual(v6.action, .log)
        XCTAssertThrowsError(try parser.parse("IN=eth0 OUT= SRC=10.0.1.10 DST=10.0.2.20 PROTO=TCP SPT=40001", lineNumber: 3, sourceFile: "k.log"))
    }
}
