import CaseFile
import Foundation
import TestSupport
import XCTest

/// Files written through a temporary file and a rename: the whole content or nothing.
final class AtomicWriteTests: XCTestCase {
    /// A file made in pieces (more than the MiB after which written parts are handed over for
    /// write-back) arrives whole, and no temporary file is left beside it.
    func testStreamedPiecesArriveWhole() throws {
        let dir = try Fixtures.scratch()
        let url = dir.appendingPathComponent("doc.json")
        var expected = Data()
        try AtomicWrite.stream(to: url) { append in
            for i in 0..<40 {
                let piece = [UInt8](repeating: UInt8(ascii: "a") + UInt8(i % 26), count: 65_536 + i)
                expected.append(contentsOf: piece)
                try piece.withUnsafeBytes { try append($0) }
            }
        }
        XCTAssertEqual(try Data(contentsOf: url), expected)
        XCTAssertGreaterThan(expected.count, 2 << 20)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["doc.json"])
    }

    /// A failure while the pieces are made leaves the earlier file as it was and no temporary file.
    func testAFailedStreamLeavesTheOldFile() throws {
        struct Stop: Error {}
        let dir = try Fixtures.scratch()
        let url = dir.appendingPathComponent("doc.json")
        try AtomicWrite.write(Data("old\n".utf8), to: url)
        XCTAssertThrowsError(try AtomicWrite.stream(to: url) { append in
            try [UInt8](repeating: 0x41, count: 3 << 20).withUnsafeBytes { try append($0) }
            throw Stop()
        })
        XCTAssertEqual(try String(contentsOf: url, encoding: .utf8), "old\n")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["doc.json"])
    }
}
