@testable import Report
import XCTest

/// The timeline's hand-written RFC 3339 reader agrees with Foundation's.
final class TimelineTimeTests: XCTestCase {
    func testFastParserAgreesWithTheFormatter() throws {
        for s in ["2026-11-22T11:07:17.873970000Z", "2026-11-22T11:07:17Z", "2024-02-29T23:59:59.5+01:00",
                  "1999-12-31T18:30:00.000001-05:30", "2026-03-01T00:00:00.25Z"] {
            let fast = try XCTUnwrap(TimelineLayout.fastSeconds(s), s)
            let slow = try XCTUnwrap(TimelineLayout.parsedSeconds(s), s)
            XCTAssertEqual(fast, slow, accuracy: 1e-6, s)
        }
        XCTAssertEqual(TimelineLayout.fastSeconds("2026-11-22T11:07:17Z"), 1_795_345_637)
        XCTAssertNil(TimelineLayout.fastSeconds("22 Nov 2026 11:07:17"))
        XCTAssertNil(TimelineLayout.fastSeconds("2026-13-22T11:07:17Z"))
    }
}
