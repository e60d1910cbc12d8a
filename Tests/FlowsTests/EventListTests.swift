import Capture
@testable import Flows
import Foundation
import Packets
import XCTest

/// Event lists give back every record in order, whether their chunks went to the spill file,
/// stayed in memory for want of one, or could not be written because the records are not plain
/// data.
final class EventListTests: XCTestCase {
    private func record(_ i: Int) -> SegmentRecord {
        SegmentRecord(frame: i, time: Timestamp(nanoseconds: Int64(i) * 1_000), stream: i / 3,
                      source: Endpoint(i % 2 == 0 ? .v4(0x0A00_0001) : .v6(0x2001_0db8, UInt64(i)), UInt16(truncatingIfNeeded: i)),
                      destination: Endpoint(.v4(0xC633_6401), 443), flags: [.rst, .ack], seq: UInt32(truncatingIfNeeded: i &* 2_654_435_761),
                      ack: 1, ttl: UInt8(truncatingIfNeeded: i), ipID: 7, mac: i % 4 == 0 ? nil : MACAddress(UInt64(i)),
                      length: 0, window: i, dontFragment: i % 2 == 1)
    }

    func testRecordsComeBackInOrderFromTheSpillFileAndFromMemory() {
        let n = EventList<SegmentRecord>.chunkSize * 5 + 17
        for tmp in [nil, "/nonexistent-casebook-tmp"] {
            let saved = getenv("TMPDIR").map { String(cString: $0) }
            if let tmp { setenv("TMPDIR", tmp, 1) }
            defer { if let saved { setenv("TMPDIR", saved, 1) } else { unsetenv("TMPDIR") } }
            var list = EventList<SegmentRecord>()
            XCTAssertTrue(list.isEmpty)
            for i in 0..<n { list.append(record(i)) }
            XCTAssertEqual(list.count, n)
            XCTAssertEqual(list.chunksInFile, tmp == nil ? 5 : 0)
            XCTAssertEqual(Array(list), (0..<n).map(record))
            // A second pass, and a copy, read the same.
            let copy = list
            XCTAssertEqual(copy.map(\.frame), Array(0..<n))
            XCTAssertEqual(list.filter { $0.frame % 1000 == 999 }.map(\.frame), [999, 1999, 2999, 3999, 4999])
        }
    }

    func testRecordsWithReferencesStayInMemory() {
        var list = EventList<[Int]>()
        let n = EventList<[Int]>.chunkSize * 3 + 1
        for i in 0..<n { list.append([i, i + 1]) }
        XCTAssertEqual(list.chunksInFile, 0)
        XCTAssertEqual(Array(list), (0..<n).map { [$0, $0 + 1] })
    }
}
