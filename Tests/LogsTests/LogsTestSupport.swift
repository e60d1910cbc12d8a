import Foundation
import Logs
import TestSupport
import XCTest

/// Reading fixtures and writing expected values compactly.
enum LogsFixture {
    static func text(_ relative: String) throws -> String {
        try String(contentsOfFile: Fixtures.path(relative), encoding: .utf8)
    }

    /// Parses a fixture under `Tests/Fixtures` with `LogFile.parse`, named by its last component.
    static func log(_ relative: String) throws -> LogFile {
        try LogFile.parse(text: text(relative), name: (relative as NSString).lastPathComponent)
    }

    /// `2026-11-20T08:14:03Z` as a Date, read by Foundation (independent of the parsers).
    static func utc(_ text: String) -> Date? {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.date(from: text)
    }
}

extension LogFile {
    /// The entry read from line `n`, failing the test when there is none.
    func entry(line n: Int, file: StaticString = #filePath, line: UInt = #line) throws -> LogEntry {
        try XCTUnwrap(entries.first(where: { $0.lineNumber == n }), "no entry for line \(n)", file: file, line: line)
    }
}

extension LogEntry {
    /// `10.1.1.1:53695`, `203.0.113.66` without a port, nil without an address.
    var src: String? { source?.description ?? sourceAddress?.description }
    var dst: String? { destination?.description ?? destinationAddress?.description }
    var xsrc: String? { translatedSource?.description ?? translatedSourceAddress?.description }
    var xdst: String? { translatedDestination?.description ?? translatedDestinationAddress?.description }
}

extension Array where Element == UnparsedLine {
    /// The reason of the `i`th unparsed line, or "(none)" when there are fewer.
    func reason(_ i: Int) -> String { i < count ? self[i].reason : "(none)" }
}
