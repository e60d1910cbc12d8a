import Logs
import XCTest

final class LogFormatTests: XCTestCase {
    func testDetectsEachFormatFromItsLines() {
        let checkPoint = "action=accept service_id=sip_tls_authentication src=10.1.1.1 s_port=53695 dst=10.2.2.2 service=5061 proto=tcp"
        let asa = "Jun 23 07:01:02 fw1 : %ASA-6-302013: Built inbound TCP connection 1234 for outside:192.4.4.4/32333 (192.4.4.4/32333) to inside:10.1.1.1/23 (10.1.1.1/23)"
        let nf = "Nov 22 10:14:31 lab kernel: [ 123.456] DROP: IN=veth0 OUT= SRC=10.0.1.10 DST=10.0.2.20 LEN=60 TTL=63 ID=1 DF PROTO=TCP SPT=40003 DPT=8082 SYN"
        XCTAssertEqual(LogFormat.detect(checkPoint)?.format, .checkPoint)
        XCTAssertEqual(LogFormat.detect(asa + "\n" + asa)?.format, .ciscoASA)
        XCTAssertEqual(LogFormat.detect(nf)?.format, .netfilter)
        XCTAssertEqual(LogFormat.detect("!\ninterface Gi0/0\n ip nat inside\n!\nip nat inside source static 10.1.1.1 192.1.1.1\n")?.format, .ciscoIOSConfig)
        XCTAssertNil(LogFormat.detect("The firewall team will call back on Monday.\nNothing else.\n"))
        XCTAssertNil(LogFormat.detect("!\n!\n"))
        let mixed = LogFormat.detect(checkPoint + "\n# exported by fw-mgmt\n" + checkPoint)
        XCTAssertEqual(mixed?.matchingLines, 2)
        XCTAssertEqual(mixed?.totalLines, 3)
    }
}
