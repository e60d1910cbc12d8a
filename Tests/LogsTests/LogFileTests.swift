import Foundation
import Logs
import Packets
import XCTest

final class LogFileTests: XCTestCase {
    func testTLSProxyResetLabLog() throws {
        let log = try LogsFixture.log("lab/tls-proxy-reset/firewall.log")
        XCTAssertEqual(log.format, .checkPoint)
        XCTAssertEqual(log.entries.count, 3)
        XCTAssertEqual(log.unparsedCount, 0)
        // The line the firewall team showed: the connection is allowed …
        let accept = try log.entry(line: 1)
        XCTAssertEqual(accept.action, .accept)
        XCTAssertEqual(accept.source, Endpoint(try XCTUnwrap(IPAddress("10.1.1.1")), 53695))
        XCTAssertEqual(accept.destination, Endpoint(try XCTUnwrap(IPAddress("10.2.2.2")), 5061))
        XCTAssertEqual(accept.fields["service_id"], "sip_tls_authentication")
        XCTAssertEqual(accept.time, LogsFixture.utc("2026-11-22T11:07:17Z"))
        // … and the line found later: the reply direction is dropped by the VoIP inspection.
        let drop = try log.entry(line: 2)
        XCTAssertEqual(drop.action, .drop)
        XCTAssertEqual(drop.src, "10.2.2.2:5061")
        XCTAssertEqual(drop.dst, "10.1.1.1:53695")
        XCTAssertEqual(drop.reason, "TLS connection has to be closed")
        XCTAssertEqual(drop.rule, "7")
        XCTAssertTrue(drop.fields["voip_config"]?.contains("'sip_tls_with_server_certificate' service") == true)
        XCTAssertEqual(try log.entry(line: 3).fields["service_id"], "sip_tls_with_server_certificate")
    }

    func testForgedRSTLabLog() throws {
        let log = try LogsFixture.log("lab/forged-rst/firewall.log")
        XCTAssertEqual(log.format, .netfilter)
        XCTAssertEqual(log.entries.count, 2)
        let reject = try log.entry(line: 1)
        XCTAssertEqual(reject.action, .reject)
        XCTAssertEqual(reject.rule, "FWD-REJECT-445")
        XCTAssertEqual(reject.src, "10.0.1.10:40002")
        XCTAssertEqual(reject.dst, "10.0.2.20:445")
        XCTAssertEqual(reject.tcpFlags, [.syn])
        XCTAssertEqual(reject.fields["uptime"], "576.121505")
        XCTAssertEqual(reject.host, "lab-router")
        let rst = try log.entry(line: 2)
        XCTAssertEqual(rst.action, .log)
        XCTAssertEqual(rst.rule, "OUT-RST-445")
        XCTAssertEqual(rst.src, "10.0.2.20:445")
        XCTAssertEqual(rst.dst, "10.0.1.10:40002")
        XCTAssertEqual(rst.tcpFlags, [.ack, .rst])
        XCTAssertEqual(rst.packet?.ttl, 64)
        XCTAssertEqual(rst.packet?.ipID, 0)
        XCTAssertEqual(rst.outputInterface, "eth0")
        XCTAssertEqual(rst.resolved(timeZone: TimeZone(secondsFromGMT: 0) ?? .current, fallbackYear: 2026),
                       LogsFixture.utc("2026-11-22T10:55:05Z"))
    }

    func testAFileWithNoUnderstoodLineIsAnError() {
        for (text, name) in [("The firewall team will call back on Monday.\nNothing else.\n", "notes.txt"), ("", "empty.log"),
                             ("hostname r1\n!\nip nat outside source static 10.1.1.1 192.1.1.1\n", "r1.cfg")] {
            XCTAssertThrowsError(try LogFile.parse(text: text, name: name)) { error in
                XCTAssertEqual("\(error)", "\(name): no line is a Check Point, Cisco ASA, netfilter or key=value firewall log entry")
                XCTAssertEqual((error as? LocalizedError)?.errorDescription, "\(name): no line is a Check Point, Cisco ASA, netfilter or key=value firewall log entry")
            }
        }
    }

    func testEveryNonBlankLineIsAnEntryOrUnparsed() throws {
        let cp = "action=accept service_id=sip_tls_authentication src=10.1.1.1 s_port=53695 dst=10.2.2.2 service=5061 proto=tcp"
        let nf = "Nov 22 10:55:05 lab-router kernel: [  576.121549] OUT-RST-445: IN= OUT=eth0 SRC=10.0.2.20 DST=10.0.1.10 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=0 DF PROTO=TCP SPT=445 DPT=40002 WINDOW=0 RES=0x00 ACK RST URGP=0"
        let text = "# exported by fw-mgmt\r\n\(cp)\r\n\r\n\(nf)\r\n\(cp)\r\n"
        let log = try LogFile.parse(text: text, name: "mixed.log")
        XCTAssertEqual(log.format, .checkPoint)
        XCTAssertEqual(log.entries.map(\.lineNumber), [2, 4, 5])
        XCTAssertEqual(log.entries.map(\.format), [.checkPoint, .netfilter, .checkPoint])
        XCTAssertEqual(log.unparsed, [UnparsedLine(lineNumber: 1, text: "# exported by fw-mgmt", reason: "not a firewall log line of a known format")])
        XCTAssertEqual(log.entries[0].rawLine, cp)
    }

    func testSampleFilesCountEveryLine() throws {
        for (file, entries, unparsed) in [("logs/checkpoint-sample.log", 13, [14, 15]), ("logs/cisco-asa-sample.log", 15, [16, 17]),
                                          ("logs/netfilter-sample.log", 10, [11, 12])] {
            let log = try LogsFixture.log(file)
            XCTAssertEqual(log.entries.count, entries, file)
            XCTAssertEqual(log.unparsed.map(\.lineNumber), unparsed, file)
            XCTAssertEqual(log.name, (file as NSString).lastPathComponent)
        }
    }

    func testEveryCutOfEveryFixtureLineIsReadOrReportedWithoutTrapping() throws {
        for file in ["logs/checkpoint-sample.log", "logs/cisco-asa-sample.log", "logs/netfilter-sample.log", "lab/tls-proxy-reset/firewall.log"] {
            for line in try LogsFixture.text(file).split(separator: "\n") {
                for cut in stride(from: 1, through: line.count, by: 3) {
                    let text = String(line.prefix(cut))
                    guard let log = try? LogFile.parse(text: text, name: "cut.log") else { continue }
                    XCTAssertEqual(log.entries.count + log.unparsedCount, 1, text)
                }
            }
        }
    }

    func testWallClockTimes() throws {
        XCTAssertNil(WallClockTime(year: 2026, month: 2, day: 29, hour: 0, minute: 0, second: 0))
        XCTAssertNotNil(WallClockTime(year: nil, month: 2, day: 29, hour: 0, minute: 0, second: 0))
        XCTAssertNil(WallClockTime(year: 2026, month: 11, day: 20, hour: 24, minute: 0, second: 0))
        let t = try XCTUnwrap(WallClockTime(epochSeconds: 1_795_162_443))
        XCTAssertEqual(t.description, "2026-11-20 08:14:03Z")
        XCTAssertEqual(t.absoluteDate, LogsFixture.utc("2026-11-20T08:14:03Z"))
        let before1970 = try XCTUnwrap(WallClockTime(epochSeconds: -1))
        XCTAssertEqual(before1970.description, "1969-12-31 23:59:59Z")
        // 02:30 on the spring-forward night does not exist in Berlin.
        let gap = try XCTUnwrap(WallClockTime(year: 2026, month: 3, day: 29, hour: 2, minute: 30, second: 0))
        XCTAssertNil(gap.date(in: try XCTUnwrap(TimeZone(identifier: "Europe/Berlin"))))
        let summer = try XCTUnwrap(WallClockTime(year: 2026, month: 7, day: 1, hour: 12, minute: 0, second: 0))
        XCTAssertEqual(summer.date(in: try XCTUnwrap(TimeZone(identifier: "Europe/Berlin"))), LogsFixture.utc("2026-07-01T10:00:00Z"))
    }
}
