import Foundation
import Logs
import Packets
import XCTest

final class GenericKeyValueParserTests: XCTestCase {
    let parser = GenericKeyValueParser()

    func testPlainKeys() throws {
        let e = try parser.parse("time=2026-11-20T09:14:03+01:00 action=drop proto=tcp src=10.0.1.10 sport=40002 dst=10.0.2.20 dport=445 rule=FWD-REJECT",
                                 lineNumber: 4, sourceFile: "kv.log")
        XCTAssertEqual(e.format, .keyValue)
        XCTAssertEqual(e.action, .drop)
        XCTAssertEqual(e.ipProtocol, "tcp")
        XCTAssertEqual(e.src, "10.0.1.10:40002")
        XCTAssertEqual(e.dst, "10.0.2.20:445")
        XCTAssertEqual(e.rule, "FWD-REJECT")
        XCTAssertEqual(e.time, LogsFixture.utc("2026-11-20T08:14:03Z"))
        XCTAssertEqual(e.fields["sport"], "40002")
        XCTAssertEqual(e.lineNumber, 4)
    }

    func testFortiGateStyleKeys() throws {
        let line = "date=2026-11-20 time=09:14:03 devname=\"fg-edge\" type=\"traffic\" srcip=10.20.0.15 srcport=51514 srcintf=\"port2\" dstip=203.0.113.80 dstport=443 dstintf=\"port1\" proto=6 action=\"deny\" policyid=12"
        let e = try parser.parse(line[...], lineNumber: 1, sourceFile: "fg.log")
        XCTAssertEqual(e.action, .deny)
        XCTAssertEqual(e.src, "10.20.0.15:51514")
        XCTAssertEqual(e.dst, "203.0.113.80:443")
        XCTAssertEqual(e.ipProtocol, "tcp")
        XCTAssertEqual(e.inputInterface, "port2")
        XCTAssertEqual(e.outputInterface, "port1")
        XCTAssertEqual(e.host, "fg-edge")
        XCTAssertEqual(e.rule, "12")
        XCTAssertNil(e.time, "no zone on the line")
        XCTAssertEqual(e.wallClock?.description, "2026-11-20 09:14:03")
        XCTAssertEqual(e.resolved(timeZone: TimeZone(secondsFromGMT: 3600) ?? .current), LogsFixture.utc("2026-11-20T08:14:03Z"))
    }

    func testWithoutActionAndBadValues() throws {
        let logged = try parser.parse("src=192.0.2.1 dst=192.0.2.2 dport=53", lineNumber: 1, sourceFile: "kv.log")
        XCTAssertEqual(logged.action, .log)
        XCTAssertEqual(logged.destinationPort, 53)
        XCTAssertNil(logged.source)
        XCTAssertThrowsError(try parser.parse("src=192.0.2.300 dst=192.0.2.2 action=drop", lineNumber: 1, sourceFile: "kv.log"))
        XCTAssertThrowsError(try parser.parse("src=192.0.2.1 dst=192.0.2.2 dport=99999", lineNumber: 1, sourceFile: "kv.log"))
        XCTAssertThrowsError(try parser.parse("src=192.0.2.1 sport=5", lineNumber: 1, sourceFile: "kv.log"))
        XCTAssertThrowsError(try parser.parse("user=alice action=login", lineNumber: 1, sourceFile: "kv.log"))
    }

    func testAFileOfGenericLinesIsDetectedAndRead() throws {
        let text = """
        # pfSense export
        src=10.0.1.10 dst=10.0.2.20 sport=40001 dport=8082 proto=tcp action=pass
        src=10.0.1.10 dst=10.0.2.20 sport=40002 dport=445 proto=tcp action=block

        src=10.0.1.10 dst=10.0.2.999 sport=40003 dport=445 proto=tcp action=block
        """
        XCTAssertEqual(LogFormat.detect(text)?.format, .keyValue)
        let log = try LogFile.parse(text: text, name: "pf.log")
        XCTAssertEqual(log.format, .keyValue)
        XCTAssertEqual(log.entries.map(\.lineNumber), [2, 3])
        XCTAssertEqual(log.entries.map(\.action), [.accept, .drop])
        XCTAssertEqual(log.unparsed.map(\.lineNumber), [1, 5])
        // A Check Point line still goes to the Check Point reader.
        XCTAssertEqual(LogFormat.detect("action=accept src=10.1.1.1 s_port=53695 dst=10.2.2.2 service=5061 proto=tcp")?.format, .checkPoint)
    }
}
