import Foundation
import Capture
import TestSupport
import XCTest

final class TraceFileTests: XCTestCase {
    func readAll(_ path: String) throws -> (frames: [(Int, Timestamp, Int, Int, [UInt8])], problems: [TraceProblem], trace: TraceFile) {
        let trace = try TraceFile(path: path)
        var reader = trace.makeReader()
        var frames: [(Int, Timestamp, Int, Int, [UInt8])] = []
        while let f = reader.next() {
            frames.append((f.number, f.timestamp, f.capturedLength, f.originalLength, Array(f.bytes)))
        }
        return (frames, trace.headerProblems + reader.problems, trace)
    }

    func testLabPcapFramesTimesAndLengths() throws {
        let r = try readAll(Fixtures.lab("basic/client.pcap"))
        XCTAssertEqual(r.trace.format, .pcap(bigEndian: false, nanosecond: false, modified: false))
        XCTAssertEqual(r.frames.count, 16)
        XCTAssertEqual(r.frames.map(\.0), Array(1...16))
        // tshark: frame 1 is 74 bytes, frame 12 (the RST/ACK) 54 bytes; frame 2 at 0.000066 s.
        XCTAssertEqual(r.frames[0].3, 74)
        XCTAssertEqual(r.frames[11].3, 54)
        XCTAssertEqual(Timestamp.nanoseconds(from: r.frames[0].1, to: r.frames[1].1), 66_000)
        XCTAssertEqual(r.frames[1].1.epochString, "1795344869.030584000")
        XCTAssertTrue(r.problems.isEmpty)
    }

    /// A big-endian nanosecond pcap from the corpus (PcapPlusPlus' test data), against capinfos:
    /// 10 packets, 2198 bytes of data, first and last packet times to the nanosecond.
    func testBigEndianNanosecondPcapMatchesCapinfos() throws {
        let path = Fixtures.repoRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus/pcapplusplus/nanosecs_big_endian.pcap").path
        guard FileManager.default.fileExists(atPath: path) else {
            throw XCTSkip("../shared/corpus is not beside this checkout: nanosecs_big_endian.pcap skipped")
        }
        let r = try readAll(path)
        XCTAssertEqual(r.trace.format, .pcap(bigEndian: true, nanosecond: true, modified: false))
        XCTAssertEqual(r.frames.count, 10)
        XCTAssertEqual(r.frames.map(\.2).reduce(0, +), 2198)
        XCTAssertEqual(r.frames.first?.1.rfc3339, "2025-12-22T00:05:26.167647291Z")
        XCTAssertEqual(r.frames.last?.1.rfc3339, "2025-12-22T00:05:26.168451894Z")
        XCTAssertTrue(r.problems.isEmpty)
    }

    func testPcapngNanosecondAndGzipReadTheSameFrames() throws {
        let base = try readAll(Fixtures.lab("basic/client.pcap"))
        for (name, format) in [("captures/basic-client.pcapng", TraceFormat.pcapng),
                               ("captures/basic-client-nsec.pcap", .pcap(bigEndian: false, nanosecond: true, modified: false)),
                               ("captures/basic-client.pcap.gz", .pcap(bigEndian: false, nanosecond: false, modified: false))] {
            let other = try readAll(Fixtures.path(name))
            XCTAssertEqual(other.trace.format, format, name)
            XCTAssertEqual(other.frames.count, 16, name)
            for (a, b) in zip(base.frames, other.frames) {
                XCTAssertEqual(a.1, b.1, "\(name) frame \(a.0) time")
                XCTAssertEqual(a.4, b.4, "\(name) frame \(a.0) bytes")
            }
        }
        XCTAssertTrue(try TraceFile(path: Fixtures.path("captures/basic-client.pcap.gz")).isGzipCompressed)
    }

    func testSummaryGivesLinkTypesCountAndSpan() throws {
        let s = try TraceFile(path: Fixtures.path("captures/basic-client.pcapng")).summarize()
        XCTAssertEqual(s.linkTypes, [.ethernet])
        XCTAssertEqual(s.packets, 16)
        XCTAssertEqual(s.firstTime?.rfc3339, "2026-11-22T10:54:29.030518000Z")
        XCTAssertEqual(s.lastTime.map { Timestamp.interval(from: s.firstTime!, to: $0) } ?? 0, 9.571400, accuracy: 1e-9)
    }

    // MARK: damaged and bad files

    func testCutMidRecordYieldsEveryCompleteFrameAndSaysWhere() throws {
        let dir = try Fixtures.scratch()
        let bytes = try Fixtures.bytes(Fixtures.lab("basic/client.pcap"))
        let path = try Fixtures.write(Array(bytes.dropLast(30)), named: "cut.pcap", in: dir)
        let r = try readAll(path)
        XCTAssertEqual(r.frames.count, 15)
        XCTAssertEqual(r.problems.map(\.kind), [.truncatedFile])
        XCTAssertTrue(r.problems[0].message.hasPrefix("file truncated after frame 15"), r.problems[0].message)
    }

    func testPcapngWithBadBlockLengthStopsWithAProblem() throws {
        let dir = try Fixtures.scratch()
        var bytes = try Fixtures.bytes(Fixtures.path("captures/basic-client.pcapng"))
        // Find the third Enhanced Packet Block and corrupt its total length (not a multiple of 4).
        var offset = 0, epb = 0
        while offset + 8 <= bytes.count {
            let type = UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
            let len = Int(bytes[offset + 4]) | Int(bytes[offset + 5]) << 8 | Int(bytes[offset + 6]) << 16 | Int(bytes[offset + 7]) << 24
            if type == 6 { epb += 1; if epb == 3 { bytes[offset + 4] = 0x3F; break } }
            offset += len
        }
        let path = try Fixtures.write(bytes, named: "bad.pcapng", in: dir)
        let r = try readAll(path)
        XCTAssertEqual(r.frames.count, 2)
        XCTAssertEqual(r.problems.first?.kind, .badRecordLength)
        XCTAssertTrue(r.problems.first?.message.contains("after frame 2") ?? false)
    }

    func testUnreadableFilesThrowOneClearError() throws {
        let dir = try Fixtures.scratch()
        let empty = try Fixtures.write([], named: "empty.pcap", in: dir)
        XCTAssertThrowsError(try TraceFile(path: empty)) { XCTAssertEqual($0 as? CaptureError, .empty(path: empty)) }
        let header = try Fixtures.bytes(Fixtures.lab("basic/client.pcap"))
        let short = try Fixtures.write(Array(header.prefix(10)), named: "short.pcap", in: dir)
        XCTAssertThrowsError(try TraceFile(path: short)) {
            XCTAssertEqual("\($0)", "\(short): file header truncated: 10 of 24 bytes")
        }
        let garbageGzip = try Fixtures.write([0x1F, 0x8B, 0x08, 0x00, 1, 2, 3, 4, 5, 6, 7, 8, 9], named: "garbage.gz", in: dir)
        XCTAssertThrowsError(try TraceFile(path: garbageGzip)) { error in
            guard case .badGzip(let p, _) = error as? CaptureError else { return XCTFail("\(error)") }
            XCTAssertEqual(p, garbageGzip)
        }
        XCTAssertThrowsError(try TraceFile(path: dir.path)) { XCTAssertEqual($0 as? CaptureError, .isDirectory(path: dir.path)) }
        let missing = dir.appendingPathComponent("nope.pcap").path
        XCTAssertThrowsError(try TraceFile(path: missing)) {
            XCTAssertEqual("\($0)", "\(missing): cannot open: No such file or directory")
        }
        let text = try Fixtures.write(Array("hello world, not a capture\n".utf8), named: "notes.pcap", in: dir)
        XCTAssertThrowsError(try TraceFile(path: text)) {
            XCTAssertEqual("\($0)", "\(text): not a pcap or pcapng capture (unknown magic number 0x68656c6c)")
        }
    }

    func testBPFFilterCompiledByLibpcapSelectsFrames() throws {
        let trace = try TraceFile(path: Fixtures.lab("basic/client.pcap"))
        let filter = try BPFFilter(expression: "tcp port 8081", linkTypes: [.ethernet])
        var reader = trace.makeReader()
        var matched: [Int] = []
        while let f = reader.next() { if filter.matches(f) { matched.append(f.number) } }
        XCTAssertEqual(matched, [11, 12])
        XCTAssertThrowsError(try BPFFilter(expression: "tcp port", linkTypes: [.ethernet])) { error in
            guard case .badFilter(let e, let reason) = error as? CaptureError else { return XCTFail("\(error)") }
            XCTAssertEqual(e, "tcp port")
            XCTAssertFalse(reason.isEmpty)
        }
    }

    func testTimestampFormatting() {
        let t = Timestamp(seconds: 1_258_589_770, nanoseconds: 49_012_000)
        XCTAssertEqual(t.epochString, "1258589770.049012000")
        XCTAssertEqual(t.rfc3339, "2009-11-19T00:16:10.049012000Z")
        XCTAssertEqual(Timestamp(seconds: -1, nanoseconds: 500_000_000).epochString, "-0.500000000")
        XCTAssertEqual(Timestamp(seconds: 0, nanoseconds: 0).rfc3339, "1970-01-01T00:00:00.000000000Z")
        XCTAssertEqual(Timestamp(seconds: -1, nanoseconds: 500_000_000).rfc3339, "1969-12-31T23:59:59.500000000Z")
        XCTAssertEqual(Timestamp(seconds: 253_402_300_799, nanoseconds: 999_999_999).rfc3339, "9999-12-31T23:59:59.999999999Z")
        XCTAssertEqual(Timestamp(seconds: -62_135_596_800, nanoseconds: 1).rfc3339, "0001-01-01T00:00:00.000000001Z")
    }
}
