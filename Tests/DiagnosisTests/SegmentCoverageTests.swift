import Capture
import Correlation
import Flows
import Packets
import TestSupport
import XCTest

/// Two capture points that cut the same bytes differently (segmentation offload at the sender's
/// capture) see the same packets: nothing lost or created between them.
final class SegmentCoverageTests: XCTestCase {
    /// The server's view from lab offload/server.pcap (TSO: 7240, 7240, 14480 and 1040-byte
    /// segments, then its FIN), and the wire's view of the same stream: the kernel's segments cut
    /// into MSS-sized (1448-byte) ones by the NIC, as the lab README states.
    func testOffloadedSegmentsAreTheSameBytesAsTheWiresSegments() throws {
        let trace = try TraceFile(path: Fixtures.lab("offload/server.pcap"))
        var reader = trace.makeReader()
        var serverSide: [SegmentSighting] = []
        var client: Endpoint?
        while let f = reader.next() {
            let p = PacketDecoder.decode(f)
            guard let ip = p.ip, let tcp = p.tcp else { continue }
            if client == nil { client = Endpoint(ip.source, tcp.sourcePort) }
            serverSide.append(SegmentSighting(
                frame: f.number, time: f.timestamp.secondsSinceEpoch, fromClient: Endpoint(ip.source, tcp.sourcePort) == client,
                seq: tcp.sequenceNumber, ack: tcp.acknowledgementNumber, flags: tcp.flags.rawValue, length: tcp.segmentLength))
        }
        XCTAssertEqual(serverSide.filter { !$0.fromClient && $0.length > 1448 }.map(\.length), [7240, 7240, 14480])
        var wire: [SegmentSighting] = []
        for s in serverSide {
            guard !s.fromClient, s.length > 1448 else { wire.append(s); continue }
            var offset = 0
            while offset < s.length {
                var piece = s
                piece.seq = s.seq &+ UInt32(offset)
                piece.length = min(1448, s.length - offset)
                wire.append(piece)
                offset += 1448
            }
        }
        let diff = VantageDiff.compute(clientSide: ("client.pcap", wire), serverSide: ("server.pcap", serverSide), shift: 0)
        XCTAssertTrue(diff.lostBetween.isEmpty, "\(diff.lostBetween)")
        XCTAssertTrue(diff.createdBetween.isEmpty, "\(diff.createdBetween)")

        // Drop the wire's last piece of the 14480-byte segment: those bytes are lost between.
        let cut = wire.filter { !($0.length == 1448 && $0.seq == serverSide.first { $0.length == 14480 }!.seq &+ 13032) }
        let lossy = VantageDiff.compute(clientSide: ("client.pcap", cut), serverSide: ("server.pcap", serverSide), shift: 0)
        XCTAssertEqual(lossy.lostBetween.map(\.frame), [serverSide.first { $0.length == 14480 }!.frame])
    }
}
