import Capture
@testable import Flows
import Foundation
import Packets
import TestSupport
import XCTest

/// The compact store of finished connections must give back exactly what the tracker summarised.
final class ConnectionStoreTests: XCTestCase {
    /// Every capture of the lab and the fixtures, plus ../shared/corpus when it is beside the checkout.
    static func captures() -> [String] {
        var out: [String] = []
        var roots = [Fixtures.directory.appendingPathComponent("lab"), Fixtures.directory.appendingPathComponent("captures")]
        let corpus = Fixtures.repoRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus")
        if FileManager.default.fileExists(atPath: corpus.path) { roots.append(corpus) }
        for root in roots {
            guard let e = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { continue }
            for case let url as URL in e where ["pcap", "pcapng", "cap", "gz"].contains(url.pathExtension) { out.append(url.path) }
        }
        return out.sorted()
    }

    func testEverySummaryRoundTripsThroughTheCompactEncoding() throws {
        var checked = 0, traces = 0, encoded = 0
        for path in Self.captures() {
            guard let trace = try? TraceFile(path: path) else { continue }
            var reader = trace.makeReader()
            var tracker = ConnectionTracker()
            var raw: [ConnectionSummary] = []
            tracker.summaryObserver = { raw.append($0) }
            while let f = reader.next() { _ = tracker.process(PacketDecoder.decode(f)) }
            let store = tracker.finish()
            traces += 1
            for s in raw {
                let one = ConnectionStore([s])
                XCTAssertEqual(one.first, s, "\(path) stream \(s.stream)")
                encoded += one.encodedSize
                checked += 1
            }
            // In stream order, one entry per stream, each findable by its stream.
            XCTAssertEqual(store.map(\.stream), Set(raw.map(\.stream)).sorted(), path)
            for s in store { XCTAssertEqual(store.connection(stream: s.stream)?.stream, s.stream) }
        }
        XCTAssertGreaterThan(traces, 10)
        XCTAssertGreaterThan(checked, 50)
        // Compact: well under the in-memory struct's size on average.
        XCTAssertLessThan(encoded / max(checked, 1), MemoryLayout<ConnectionSummary>.size / 3)
    }
}
