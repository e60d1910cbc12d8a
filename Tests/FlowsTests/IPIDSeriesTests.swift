import Capture
import Flows
import Packets
import TestSupport
import XCTest

/// IP ID series per connection and direction, on lab captures (values checked with tshark).
final class IPIDSeriesTests: XCTestCase {
    func connections(_ lab: String) throws -> [ConnectionSummary] {
        let trace = try TraceFile(path: Fixtures.lab(lab))
        var reader = trace.makeReader()
        var tracker = ConnectionTracker()
        while let f = reader.next() { _ = tracker.process(PacketDecoder.decode(f)) }
        return Array(tracker.finish())
    }

    func testSeriesPerDirectionOnTheLabCaptures() throws {
        let r = try connections("tls-proxy-reset/server.pcap")
        let proxied = r[0]
        // The proxy's packets to the server: frames 1, 3, 4, 7, 8, 10 = 0xd8c6 … 0xd8cb, all DF.
        XCTAssertEqual(proxied.toServer.ipIDs.first, [0xd8c6, 0xd8c7, 0xd8c8, 0xd8c9])
        XCTAssertEqual(proxied.toServer.ipIDs.last, 0xd8cb)
        XCTAssertEqual(proxied.toServer.ipIDs.count, 6)
        XCTAssertEqual(proxied.toServer.ipIDs.dontFragment, 6)
        XCTAssertEqual(proxied.toServer.ipIDs.behaviour, "+1 per packet")
        // The server's: SYN/ACK 0, then 0xe810, 0xe811, 0xe812.
        XCTAssertEqual(proxied.toClient.ipIDs.first, [0, 0xe810, 0xe811, 0xe812])
        XCTAssertEqual(proxied.toClient.ipIDs.zeros, 1)
        XCTAssertEqual(proxied.toClient.ipIDs.behaviour, "+1 per packet")
        // A lone RST/ACK with ID 0 (forged-rst client frame 12): zero.
        let forged = try connections("forged-rst/client.pcap")[1]
        XCTAssertEqual(forged.toClient.ipIDs.first, [0])
        XCTAssertEqual(forged.toClient.ipIDs.behaviour, "zero")
        XCTAssertNil(forged.toServer.ipIDs.behaviour, "one SYN: no step to judge")
    }

    func testMergedSeriesEqualsTheWholeOne() {
        // server → client IDs of tls-proxy-reset client.pcap stream 0: 0, 0x0849, 0x084a, 0x084b; then
        // stream 1's 0x1223 … 0x122a from the same host, as if the stream had been released and continued.
        let ids: [UInt16] = [0, 0x0849, 0x084a, 0x084b, 0x1223, 0x1224, 0x1225, 0x1226]
        var whole = IPIDSeries(), a = IPIDSeries(), b = IPIDSeries()
        for (i, id) in ids.enumerated() {
            whole.add(id, dontFragment: true)
            if i < 2 { a.add(id, dontFragment: true) } else { b.add(id, dontFragment: true) }
        }
        let m = a.merged(with: b)
        XCTAssertEqual(m.first, whole.first)
        XCTAssertEqual([m.count, m.zeros, m.steps, m.plusOne, m.smallSteps, m.dontFragment], [whole.count, whole.zeros, whole.steps, whole.plusOne, whole.smallSteps, whole.dontFragment])
        XCTAssertEqual(m, whole)
        XCTAssertEqual(m.last, 0x1226)
        XCTAssertEqual(whole.steps, 6)
        XCTAssertEqual(whole.plusOne, 5, "0x084b → 0x1223 is the one jump")
        XCTAssertEqual(whole.behaviour, "+1 per packet")
    }
}
