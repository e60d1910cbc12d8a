import Foundation
import Logs
import Packets
import XCTest

final class IOSConfigParserTests: XCTestCase {
    func testSampleConfigStaticRules() throws {
        let config = try ConfigFile.parse(text: LogsFixture.text("logs/ios-nat-sample.cfg"), name: "ios-nat-sample.cfg")
        XCTAssertEqual(config.hostname, "edge-r1")
        XCTAssertEqual(config.unparsedCount, 0)
        XCTAssertEqual(config.staticNATRules.map(\.lineNumber), [36, 37, 38])

        let web = config.staticNATRules[0]
        XCTAssertEqual(web.side, .inside)
        XCTAssertEqual(web.ipProtocol, "tcp")
        XCTAssertEqual(web.real?.description, "10.20.0.25:443")
        XCTAssertEqual(web.translated?.description, "198.51.100.25:443")
        XCTAssertEqual(web.localAddress.description, "10.20.0.25", "inside local")
        XCTAssertEqual(web.globalAddress.description, "198.51.100.25", "inside global")
        XCTAssertEqual(web.rawLine, "ip nat inside source static tcp 10.20.0.25 443 198.51.100.25 443 extendable")

        let host = config.staticNATRules[1]
        XCTAssertEqual(host.side, .inside)
        XCTAssertNil(host.ipProtocol)
        XCTAssertNil(host.realPort)
        XCTAssertEqual(host.realAddress.description, "10.20.0.26")
        XCTAssertEqual(host.translatedAddress.description, "198.51.100.26")

        let outside = config.staticNATRules[2]
        XCTAssertEqual(outside.side, .outside)
        XCTAssertEqual(outside.realAddress.description, "10.1.1.1")
        XCTAssertEqual(outside.translatedAddress.description, "172.16.1.1")
        XCTAssertEqual(outside.globalAddress.description, "10.1.1.1", "outside global")
        XCTAssertEqual(outside.localAddress.description, "172.16.1.1", "outside local")

        // The dynamic PAT rule is valid IOS, kept aside rather than counted as unparsed.
        XCTAssertEqual(config.otherNATLines.map(\.lineNumber), [35])
    }

    func testOneWayNATLabConfig() throws {
        let config = try ConfigFile.parse(text: LogsFixture.text("lab/one-way-nat/router-config.txt"), name: "router-config.txt")
        XCTAssertEqual(config.hostname, "lab-nat-router")
        XCTAssertEqual(config.staticNATRules.count, 1)
        let rule = try XCTUnwrap(config.staticNATRules.first)
        XCTAssertEqual(rule.rawLine, "ip nat outside source static 10.1.1.1 198.51.100.1")
        XCTAssertEqual(rule.lineNumber, 13)
        XCTAssertEqual(rule.side, .outside)
        XCTAssertEqual(rule.realAddress, IPAddress("10.1.1.1"))
        XCTAssertEqual(rule.translatedAddress, IPAddress("198.51.100.1"))
        XCTAssertEqual(config.unparsedCount, 0)
    }

    func testSuffixesAreIgnoredAndBadRulesReported() throws {
        let text = """
        hostname r2
        ip nat inside source static 10.0.0.5 192.0.2.5 no-alias route-map RM-WEB extendable
        ip nat outside source static udp 10.1.1.1 53 172.16.1.1 5353 add-route
        ip nat inside source static 10.0.0.300 192.0.2.6
        ip nat outside source static 10.1.1.2
        ip nat inside source static tcp 10.0.0.7 80 192.0.2.7
        ip nat inside source static 10.0.0.8 192.0.2.8 bogus
        ip nat inside source static tcp 10.0.0.9 22 interface GigabitEthernet0/0 2222
        """
        let config = try ConfigFile.parse(text: text, name: "r2.cfg")
        XCTAssertEqual(config.staticNATRules.map(\.lineNumber), [2, 3])
        XCTAssertEqual(config.staticNATRules[1].real?.description, "10.1.1.1:53")
        XCTAssertEqual(config.staticNATRules[1].translated?.description, "172.16.1.1:5353")
        XCTAssertEqual(config.staticNATRules[1].ipProtocol, "udp")
        XCTAssertEqual(config.unparsed.map(\.lineNumber), [4, 5, 6, 7])
        XCTAssertTrue(config.unparsed.reason(0).contains("10.0.0.300"), config.unparsed.reason(0))
        XCTAssertEqual(config.otherNATLines.map(\.lineNumber), [8])
    }

    func testTextWithoutConfigurationIsRejected() {
        XCTAssertThrowsError(try ConfigFile.parse(text: "Call the ISP on Monday.\n", name: "notes.txt")) { error in
            XCTAssertEqual("\(error)", "notes.txt: no line is Cisco IOS configuration (interface, ip nat, ip route, hostname …)")
        }
    }
}
