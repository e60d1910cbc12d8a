import Capture
import CasebookKit
import Foundation
import TestSupport
import XCTest

/// `casebook show` lines must equal tshark's default output for every frame of our lab
/// captures whose Protocol column is TCP (application dissectors are not emulated), analysis
/// tags included. casebook's own "[TCP Challenge ACK]" tag is the one addition.
final class PacketListTests: XCTestCase {
    func testLabPacketListsMatchTshark() throws {
        let labs = ["basic/client.pcap", "basic/server.pcap", "forged-rst/client.pcap", "one-way-nat/client.pcap",
                    "one-way-nat/server.pcap", "stale-state-recovered/client.pcap", "stale-state-stuck/client.pcap",
                    "smtp-silent/client.pcap", "pmtu-blackhole/client.pcap", "offload/server.pcap"]
        var compared = 0
        var challengeAcks: [String] = []
        for lab in labs {
            let expected = try String(contentsOfFile: Fixtures.path("conformance/lab/\(lab).txt"), encoding: .utf8)
                .split(separator: "\n").map(String.init)
            var ours: [String] = []
            try Casebook.packetList(of: TraceFile(path: Fixtures.lab(lab)), stream: nil, filter: nil, colour: false) { ours.append($0) }
            XCTAssertEqual(ours.count, expected.count, lab)
            for (a, b) in zip(ours, expected) {
                let fields = b.split(separator: " ", omittingEmptySubsequences: true)
                // Protocol TCP with an application's text in Info (HTTP "GET …  [TCP segment of a
                // reassembled PDU]") needs the application dissectors: not compared.
                guard fields.count > 5, fields[5] == "TCP", !b.hasSuffix("[TCP segment of a reassembled PDU]") else { continue }
                if a.contains("[TCP Challenge ACK] ") { challengeAcks.append("\(lab) \(fields[0])") }
                XCTAssertEqual(a.replacingOccurrences(of: "[TCP Challenge ACK] ", with: ""), b, lab)
                compared += 1
            }
        }
        XCTAssertEqual(compared, 199, "TCP lines of the lab lists compared with tshark")
        // The server's plain ACKs carrying the old connection's numbers in answer to new SYNs:
        // once when the client's RST clears the state, six times when the RST is dropped
        // (tshark calls the repeats "Dup ACK 9#n").
        XCTAssertEqual(challengeAcks, ["stale-state-recovered/client.pcap 9", "stale-state-stuck/client.pcap 9",
                                       "stale-state-stuck/client.pcap 13", "stale-state-stuck/client.pcap 16",
                                       "stale-state-stuck/client.pcap 19", "stale-state-stuck/client.pcap 22",
                                       "stale-state-stuck/client.pcap 25"])
    }

    func testStreamOptionFollowsOneConnection() throws {
        var lines: [String] = []
        try Casebook.packetList(of: TraceFile(path: Fixtures.lab("basic/client.pcap")), stream: 1, filter: nil, colour: false) { lines.append($0) }
        XCTAssertEqual(lines.count, 2)
        XCTAssertTrue(lines[0].hasPrefix("   11 "))
        XCTAssertTrue(lines[1].hasSuffix("8081 → 40002 [RST, ACK] Seq=1 Ack=1 Win=0 Len=0"))
    }
}
