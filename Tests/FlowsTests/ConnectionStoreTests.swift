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

    /// Thousands of records span several 1 MiB blocks; every one reads back.
    func testAStoreLargerThanOneBlock() throws {
        let three = try trackedSummaries(Fixtures.lab("basic/client.pcap")) { _ in }
        var many: [ConnectionSummary] = []
        for i in 0..<30_000 {
            var s = three[i % 3]
            s.stream = i
            many.append(s)
        }
        let store = ConnectionStore(many)
        XCTAssertGreaterThan(store.encodedSize, 2 * ConnectionStore.blockSize)
        XCTAssertEqual(store.count, 30_000)
        for i in [0, 1, 2, 9_999, 15_000, 29_999] { XCTAssertEqual(store[i], many[i]) }
        XCTAssertEqual(store.connection(stream: 20_001), many[20_001])
    }

    /// basic/client.pcap: stream 0 completes (SYN/ACK frame 2), stream 1 is refused (RST/ACK
    /// frame 12), stream 2's four SYNs get nothing back; the trait passes decode only those.
    func testTraitsSelectTheRefusedAndTheUnansweredAttempts() throws {
        let trace = try TraceFile(path: Fixtures.lab("basic/client.pcap"))
        var reader = trace.makeReader()
        var tracker = ConnectionTracker()
        while let f = reader.next() { _ = tracker.process(PacketDecoder.decode(f)) }
        let store = tracker.finish()
        XCTAssertEqual(store.having(.refused).map(\.stream), [1])
        XCTAssertEqual(store.having(.unanswered).map(\.stream), [2])
        XCTAssertEqual(store.having([.refused, .unanswered]).map(\.stream), [1, 2])
        XCTAssertEqual(store.having([.retransmissions, .zeroWindow, .midstream]).map(\.stream), [2])
        XCTAssertEqual(store.heads.map(\.handshake.synAckFrame), [2, nil, nil])
        XCTAssertEqual(store.heads.map(\.server.port), [8080, 8081, 8082])
        XCTAssertEqual(store.head(2).handshake.synRetransmissions, 3)
    }

    /// A spilling store keeps only its last block in memory and reads the rest from the
    /// (unlinked) spill file: every record, in and out of order, and after a reorder with merges.
    func testSpilledBlocksReadBack() throws {
        let three = try trackedSummaries(Fixtures.lab("basic/client.pcap")) { _ in }
        var store = ConnectionStore()
        store.spillFullBlocks()
        var many: [ConnectionSummary] = []
        for i in 0..<30_000 {
            var s = three[i % 3]
            s.stream = 29_999 - i
            many.append(s)
            store.append(s)
        }
        XCTAssertGreaterThan(store.encodedSize, 5 * ConnectionStore.blockSize)
        XCTAssertLessThanOrEqual(store.bytesInMemory, ConnectionStore.blockSize)
        for i in [0, 1, 2, 9_999, 15_000, 29_999] { XCTAssertEqual(store[i], many[i]) }
        // Into stream order, with two pieces of stream 7 merged (appended after the spill).
        var keys = many.map { (stream: $0.stream, firstFrame: $0.firstFrame) }
        keys[0].stream = 7
        store.reorder(keys: keys) { _, later in later }
        XCTAssertEqual(store.count, 29_999)
        XCTAssertEqual(store.map(\.stream).prefix(9), [0, 1, 2, 3, 4, 5, 6, 7, 8])
        XCTAssertEqual(store.connection(stream: 20_001), many[29_999 - 20_001])
        XCTAssertEqual(store.connection(stream: 7), many[29_992])
        XCTAssertEqual(store.heads.filter { $0.handshake.synAckFrame != nil }.count, 9_999)  // one of 10 000 merged away
        // The sorted store was written anew in stream order, and spills as the first one did.
        XCTAssertLessThanOrEqual(store.bytesInMemory, ConnectionStore.blockSize)
        XCTAssertEqual(store.map(\.stream), Array(0..<29_999))
        XCTAssertEqual(store[store.count - 1], many[1])
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
            // The head and the traits kept beside each record say what the whole record says.
            for i in store.indices {
                let s = store[i]
                XCTAssertEqual(store.head(i), s.head, "\(path) stream \(s.stream)")
                XCTAssertEqual(store.traits(i), s.traits, "\(path) stream \(s.stream)")
                let key = store.sortKey(i)
                XCTAssertEqual([key.stream, key.firstFrame], [s.stream, s.firstFrame], "\(path) stream \(s.stream)")
            }
        }
        XCTAssertGreaterThan(traces, 10)
        XCTAssertGreaterThan(checked, 50)
        // Compact: well under the in-memory struct's size on average.
        XCTAssertLessThan(encoded / max(checked, 1), MemoryLayout<ConnectionSummary>.size / 3)
    }
}

/// The summaries of a capture tracked with `configure` applied; `beforeFinish` runs after its
/// last packet, before the live connections are summarised.
func trackedSummaries(_ path: String, beforeFinish: () -> Void = {}, configure: (inout ConnectionTracker) -> Void) throws -> [ConnectionSummary] {
    let trace = try TraceFile(path: path)
    var reader = trace.makeReader()
    var tracker = ConnectionTracker()
    configure(&tracker)
    while let f = reader.next() { _ = tracker.process(PacketDecoder.decode(f)) }
    beforeFinish()
    return Array(tracker.finish())
}

/// Connection attempts released while idle and continued by later packets are merged back into
/// the summary they would have had.
final class IdleReleaseTests: XCTestCase {
    func summaries(_ lab: String, attemptIdle: Double, observe: ((ConnectionSummary) -> Void)? = nil) throws -> [ConnectionSummary] {
        try trackedSummaries(Fixtures.lab(lab)) { $0.attemptIdle = attemptIdle; $0.summaryObserver = observe }
    }

    /// basic/client.pcap stream 2: a SYN dropped by the router, retried after 1, 2 and 4 s.
    /// Released after 1.5 s of quiet, the attempt is continued twice and merged: the same summary.
    func testAnAttemptReleasedBetweenSYNRetriesIsMergedBack() throws {
        var pieces = 0
        let released = try summaries("basic/client.pcap", attemptIdle: 1.5) { if $0.stream == 2 { pieces += 1 } }
        let whole = try summaries("basic/client.pcap", attemptIdle: 60)
        XCTAssertEqual(pieces, 3, "released before the 2 s and the 4 s gap, then finished")
        XCTAssertEqual(released.count, 3)
        let r = released[2], w = whole[2]
        XCTAssertEqual(r.state, .S0)
        XCTAssertEqual(r.history, "S")
        XCTAssertEqual(r.packets, 4)
        XCTAssertEqual(r.handshake.synRetransmissions, 3)
        XCTAssertEqual(r.duration, 7.2168, accuracy: 1e-4)
        XCTAssertEqual(r, w)
    }

    /// An attempt released while unanswered and answered later (the later piece holds the
    /// SYN/ACK and ACK): the merged handshake counts the repeated SYN and takes the answer.
    func testAnAttemptAnsweredAfterItsReleaseTakesTheLaterHandshake() throws {
        let s = try summaries("basic/client.pcap", attemptIdle: 60)
        let attempt = s[2], answered = s[0]
        var later = answered
        later.client = attempt.client
        later.server = attempt.server
        let m = ConnectionSummary.merged(attempt, later)
        XCTAssertEqual(m.handshake.synFrame, attempt.handshake.synFrame)
        XCTAssertEqual(m.handshake.synRetransmissions, attempt.handshake.synRetransmissions + 1)
        XCTAssertEqual(m.handshake.synAckFrame, answered.handshake.synAckFrame)
        XCTAssertEqual(m.handshake.ackFrame, answered.handshake.ackFrame)
        XCTAssertEqual(m.packets, attempt.packets + answered.packets)
    }

    func testMergedHistoryKeepsOneLetterPerDirection() {
        XCTAssertEqual(ConnectionSummary.mergedHistory("ShADadFf", "A"), "ShADadFf")
        XCTAssertEqual(ConnectionSummary.mergedHistory("S", "^hR"), "ShR")
    }
}

/// The records kept for released streams give back what was put in, packed (IPv4) or not (IPv6).
final class ReleasedStreamsTests: XCTestCase {
    func testRecordsComeBackAsTheyWereKept() throws {
        let a = Endpoint(IPAddress("10.0.1.10")!, 40001), b = Endpoint(IPAddress("10.0.2.20")!, 8080)
        let c = Endpoint(IPAddress("2001:db8::1")!, 40001), d = Endpoint(IPAddress("2001:db8::2")!, 443)
        var released = ReleasedStreams()
        var flow = ReleasedStreams.Flow(base: 3_197_502_550, nextSeq: 3_197_502_567, maxSeqToBeAcked: 3_197_502_567)
        flow.window = 504
        flow.winScale = 7
        flow.isFirstAck = true
        flow.lastSegmentFlags = AnalysisFlags.duplicateAck.rawValue
        flow.nextSeqTime = 1_795_344_869_030_584_000
        flow.lastAck = 1_957_713_445
        flow.lastAckTime = 1_795_344_870_000_000_001
        flow.lastNonDupAck = 10
        flow.dupAckNum = 7
        let r4 = ReleasedStreams.Record(stream: 7, flows: (flow, .init(base: nil, nextSeq: 0, maxSeqToBeAcked: 0)),
                                        firstRTT: 66_000, tsMruSyn: 1_795_344_869_030_518_000)
        let r6 = ReleasedStreams.Record(stream: 9, flows: (
            .init(base: 1, nextSeq: 2, maxSeqToBeAcked: 3), .init(base: 0, nextSeq: 4_294_967_295, maxSeqToBeAcked: 5)))
        released.insert(r4, for: ConversationKey(b, a))
        released.insert(r6, for: ConversationKey(c, d))
        XCTAssertEqual(released.count, 2)
        XCTAssertEqual(released[ConversationKey(a, b)], r4)
        XCTAssertNil(released[ConversationKey(a, Endpoint(b.address, 8081))])
        XCTAssertEqual(released.remove(ConversationKey(d, c)), r6)
        XCTAssertEqual(released.remove(ConversationKey(a, b)), r4)
        XCTAssertEqual(released.count, 0)
    }

    /// Enough records to fill many chunks (read back from the spill file), IPv4 and IPv6,
    /// removed and put back; and the same with no spill file (TMPDIR unusable): kept in memory.
    func testManyRecordsThroughTheSpillFileAndWithout() throws {
        for tmp in [nil, "/nonexistent-casebook-tmp"] {
            let saved = getenv("TMPDIR").map { String(cString: $0) }
            if let tmp { setenv("TMPDIR", tmp, 1) }
            defer { if let saved { setenv("TMPDIR", saved, 1) } else { unsetenv("TMPDIR") } }
            var released = ReleasedStreams()
            func key(_ i: Int) -> ConversationKey {
                let client: IPAddress = i % 5 == 0 ? .v6(0x2001_0db8_0000_0000, UInt64(i)) : .v4(0x0A00_0000 | UInt32(i >> 8))
                let server: IPAddress = i % 5 == 0 ? .v6(0x2001_0db8_0000_0001, 443) : .v4(0xC633_6401)
                return ConversationKey(Endpoint(client, UInt16(truncatingIfNeeded: i)), Endpoint(server, 443))
            }
            func record(_ i: Int) -> ReleasedStreams.Record {
                .init(stream: i, flows: (.init(base: i % 3 == 0 ? nil : UInt32(i), nextSeq: UInt32(i) &* 7, maxSeqToBeAcked: UInt32(i) &* 11),
                                         .init(base: UInt32.max - UInt32(i), nextSeq: 1, maxSeqToBeAcked: UInt32(i))))
            }
            let n = 30_000
            for i in 0..<n { released.insert(record(i), for: key(i)) }
            XCTAssertEqual(released.count, n)
            for i in stride(from: 0, to: n, by: 7) { XCTAssertEqual(released[key(i)], record(i), "\(i)") }
            XCTAssertNil(released[ConversationKey(Endpoint(.v4(0x0B00_0001), 1), Endpoint(.v4(0xC633_6401), 443))])
            for i in stride(from: 0, to: n, by: 2) { XCTAssertEqual(released.remove(key(i)), record(i)) }
            XCTAssertEqual(released.count, n / 2)
            XCTAssertNil(released[key(10)])
            XCTAssertEqual(released[key(11)], record(11))
            // Put back under the same keys with new records; the old ones stay gone.
            for i in stride(from: 0, to: n, by: 2) { released.insert(record(i + n), for: key(i)) }
            XCTAssertEqual(released.count, n)
            XCTAssertEqual(released[key(10)], record(10 + n))
            released.insert(record(1), for: key(11))
            XCTAssertEqual(released.count, n)
            XCTAssertEqual(released.remove(key(11)), record(1))
            XCTAssertNil(released.remove(key(11)))
        }
    }
}

/// Closed connections are released after `releaseAfter` quiet seconds, in due order.
final class CloseReleaseTests: XCTestCase {
    func summaries(_ path: String, releaseAfter: Double, observe: ((ConnectionSummary) -> Void)? = nil,
                   beforeFinish: () -> Void = {}) throws -> [ConnectionSummary] {
        try trackedSummaries(path, beforeFinish: beforeFinish) { $0.releaseAfter = releaseAfter; $0.summaryObserver = observe }
    }

    /// Released at the first sweep after they settled (no quiet time at all), the closed
    /// connections of every lab capture (and of the corpus, when beside the checkout) end with
    /// the same summaries as when kept live to the end: late segments continue the stream in a
    /// new record and the pieces merge back (state, roles, history letters, application and
    /// last-data time included); and some are released before the trace ends.
    func testReleasingClosedConnectionsAtOnceChangesNoSummary() throws {
        var releasedBeforeEnd = 0
        for path in ConnectionStoreTests.captures() where (try? TraceFile(path: path)) != nil {
            var pieces = 0
            let early = try summaries(path, releaseAfter: 0, observe: { _ in pieces += 1 }, beforeFinish: { releasedBeforeEnd += pieces })
            XCTAssertEqual(early, try summaries(path, releaseAfter: 1e9), path)
        }
        XCTAssertGreaterThan(releasedBeforeEnd, 0)
    }

    /// The same for each segment's analysis (Wireshark's flags, relative numbers, windows, dup
    /// ACK counts, stream): every lab and corpus capture gives the same answer for every frame
    /// whether its closed connections are released at the first chance or kept to the end.
    func testReleasingClosedConnectionsAtOnceChangesNoSegmentAnalysis() throws {
        var releasedBeforeEnd = 0
        for path in ConnectionStoreTests.captures() where (try? TraceFile(path: path)) != nil {
            func analyses(releaseAfter: Double) throws -> [SegmentAnalysis?] {
                var reader = try TraceFile(path: path).makeReader()
                var tracker = ConnectionTracker()
                tracker.releaseAfter = releaseAfter
                tracker.summaryObserver = { _ in if releaseAfter == 0 { releasedBeforeEnd += 1 } }
                var out: [SegmentAnalysis?] = []
                while let f = reader.next() { out.append(tracker.process(PacketDecoder.decode(f))) }
                return out
            }
            let early = try analyses(releaseAfter: 0), late = try analyses(releaseAfter: 1e9)
            XCTAssertEqual(early.count, late.count, path)
            for (i, (a, b)) in zip(early, late).enumerated() {
                XCTAssertEqual(a?.flags, b?.flags, "\(path) frame \(i + 1)")
                XCTAssertEqual(a?.relativeSeq, b?.relativeSeq, "\(path) frame \(i + 1)")
                XCTAssertEqual(a?.relativeAck, b?.relativeAck, "\(path) frame \(i + 1)")
                XCTAssertEqual(a?.dupAckNumber, b?.dupAckNumber, "\(path) frame \(i + 1)")
                XCTAssertEqual(a?.dupAckFrame, b?.dupAckFrame, "\(path) frame \(i + 1)")
                XCTAssertEqual(a?.window, b?.window, "\(path) frame \(i + 1)")
                XCTAssertEqual(a?.stream, b?.stream, "\(path) frame \(i + 1)")
            }
        }
        XCTAssertGreaterThan(releasedBeforeEnd, 0)
    }

    /// lost-last-ack/client.pcap: the client's ACKs of the server's FIN are dropped, the server
    /// sends its FIN again and again, and the client answers each copy (tshark: [TCP
    /// Retransmission], [TCP Dup ACK 10#n]). The connection has closed both ways, so 10 s after
    /// the copy at 15.40 s (frame 23) it is released; the copy at 28.72 s (frame 25) and its
    /// answer (frame 26) come after that and are analysed as tshark does: a retransmission, the
    /// eighth duplicate of frame 10's ACK, windows still scaled (65536 and 64512, shift 10).
    func testLateSegmentsAfterAReleaseAreAnalysedAsTsharkDoes() throws {
        var reader = try TraceFile(path: Fixtures.lab("lost-last-ack/client.pcap")).makeReader()
        var tracker = ConnectionTracker()
        var summaries: [Int] = []
        tracker.summaryObserver = { summaries.append($0.stream) }
        var frames: [Int: SegmentAnalysis] = [:]
        var n = 0
        while let f = reader.next() {
            n += 1
            if let a = tracker.process(PacketDecoder.decode(f)) { frames[n] = a }
            // Released by the sweep the late copy's arrival runs (the first after 10 quiet seconds).
            if n == 24 { XCTAssertEqual(summaries, [], "still live after frame 24") }
            if n == 25 { XCTAssertEqual(summaries, [0], "released before the late copy was looked up") }
        }
        XCTAssertEqual(n, 26)
        let copy = try XCTUnwrap(frames[25]), answer = try XCTUnwrap(frames[26])
        XCTAssertTrue(copy.flags.contains(.retransmission))
        XCTAssertEqual(copy.window, 65536)
        XCTAssertTrue(answer.flags.contains(.duplicateAck))
        XCTAssertEqual(answer.dupAckFrame, 10)
        XCTAssertEqual(answer.dupAckNumber, 8)
        XCTAssertEqual(answer.window, 64512)
        XCTAssertEqual(answer.relativeAck, 20)
        let all = Array(tracker.finish())
        XCTAssertEqual(all.count, 1)
        XCTAssertEqual(all[0].toServer.duplicateAcks, 8)
        XCTAssertEqual(all[0].toClient.retransmissions, 8)
    }

    /// basic/client.pcap: stream 0 closes with FINs; with a 1 s quiet time it is summarised
    /// before the trace ends (at the first sweep after its last packet + 1 s), the others at the end.
    func testAClosedConnectionIsSummarisedWhenItsQuietTimeIsOver() throws {
        var order: [Int] = []
        _ = try summaries(Fixtures.lab("basic/client.pcap"), releaseAfter: 1) { order.append($0.stream) }
        XCTAssertEqual(order.first, 0)
        XCTAssertEqual(Set(order), [0, 1, 2])
    }

    func testTheQueueHandsBackConnectionsByDueTimeThenArrival() {
        let key = ConversationKey(Endpoint(IPAddress("10.0.0.1")!, 1), Endpoint(IPAddress("10.0.0.2")!, 2))
        let c = (0..<4).map { Connection(key: key, stream: $0) }
        var q = ReleaseQueue()
        q.add(c[0], due: 30)
        q.add(c[1], due: 10)
        q.add(c[2], due: 30)
        q.add(c[3], due: 20)
        XCTAssertNil(q.popDue(now: 9))
        XCTAssertTrue(q.popDue(now: 25) === c[1])
        XCTAssertTrue(q.popDue(now: 25) === c[3])
        XCTAssertNil(q.popDue(now: 25))
        XCTAssertTrue(q.popDue(now: 30) === c[0])
        XCTAssertTrue(q.popDue(now: 30) === c[2])
        XCTAssertEqual(q.count, 0)
    }
}

/// TCP checksums are sampled: four segments a direction, every oversized one, and no more from a
/// sender once 64 of its sampled checksums were all correct.
final class ChecksumSampleTests: XCTestCase {
    func testACleanSenderIsNotSampledPastSixtyFour() throws {
        var capped = 0
        for path in ConnectionStoreTests.captures() {
            guard let trace = try? TraceFile(path: path) else { continue }
            var reader = trace.makeReader()
            var tracker = ConnectionTracker()
            while let f = reader.next() { _ = tracker.process(PacketDecoder.decode(f)) }
            _ = tracker.finish()
            guard tracker.events.oversizedCount == 0 else { continue }
            for (host, sample) in tracker.events.checksums where sample.bad == 0 {
                XCTAssertLessThanOrEqual(sample.checked, 64, "\(path) \(host)")
                if sample.checked == 64 { capped += 1 }
            }
        }
        // The lab captures are too short to reach the cap; the corpus has senders that do.
        let corpus = Fixtures.repoRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus")
        guard FileManager.default.fileExists(atPath: corpus.path) else {
            throw XCTSkip("../shared/corpus is not beside the checkout: no capture long enough to reach the cap")
        }
        XCTAssertGreaterThan(capped, 0, "some sender reached the cap")
    }
}
