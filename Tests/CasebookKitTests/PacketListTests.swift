import Capture
import CasebookKit
import Foundation
import TestSupport
import XCTest

/// `casebook show` lines must equal tshark's default output for every frame of our lab
/// captures whose Protocol column is TCP and that carries no sequence-analysis tag
/// (those tags come with the conversation layer).
final class PacketListTests: XCTestCase {
    func testLabPacketListsMatchTshark() throws {
        let labs = ["basic/client.pcap", "basic/server.pcap", "forged-rst/client.pcap", "one-way-nat/client.pcap",
                    "one-way-nat/server.pcap", "stale-state-recovered/client.pcap", "stale-state-stuck/client.pcap",
                    "smtp-silent/client.pcap", "pmtu-blackhole/client.pcap", "offload/server.pcap"]
        var compared = 0
        for lab in labs {
            let expected = try String(contentsOfFile: Fixtures.path("conformance/lab/\(lab).txt"), encoding: .utf8)
                .split(separator: "\n").map(String.init)
            var ours: [String] = []
            try Casebook.packetList(of: TraceFile(path: Fixtures.lab(lab)), stream: nil, filter: nil, colour: false) { ours.append($0) }
            XCTAssertEqual(ours.count, expected.count, lab)
            for (a, b) in zip(ours, expected) {
                let fields = b.split(separator: " ", omittingEmptySubsequences: true)
                guard fields.count > 5, fields[5] == "TCP", !b.contains("[TCP ") else { continue }
                XCTAssertEqual(a, b, lab)
                compared += 1
            }
        }
        XCTAssertGreaterThan(compared, 150)
    }

    func testStreamOptionFollowsOneConnection() throws {
        var lines: [String] = []
        try Casebook.packetList(of: TraceFile(path: Fixtures.lab("basic/client.pcap")), stream: 1, filter: nil, colour: false) { lines.append($0) }
        XCTAssertEqual(lines.count, 2)
        XCTAssertTrue(lines[0].hasPrefix("   11 "))
        XCTAssertTrue(lines[1].hasSuffix("8081 → 40002 [RST, ACK] Seq=1 Ack=1 Win=0 Len=0"))
    }
}
