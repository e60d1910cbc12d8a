@testable import Flows
import XCTest

/// The unacked-segment list's fast path for segments in order must give what the full walk
/// gives: the same acked frame and the same segments left, for any ACK.
final class UnackedSegmentsTests: XCTestCase {
    /// The full walk, as it was before the in-order path: one pass over every segment.
    private struct Reference {
        var items: [UnackedSegments.Segment] = []

        mutating func push(_ s: UnackedSegments.Segment) {
            if items.count < UnackedSegments.limit { items.append(s) }
        }

        mutating func acknowledge(_ ack: UInt32) -> (frame: Int, time: Int64)? {
            var result: (Int, Int64)?
            var kept: [UnackedSegments.Segment] = []
            for var s in items {
                if ack == s.nextSeq { result = (s.frame, s.time); continue }
                if Seq.gt(ack, s.seq) && Seq.le(ack, s.nextSeq) {
                    s.seq = ack
                } else if !Seq.gt(s.nextSeq, ack) {
                    continue
                }
                kept.append(s)
            }
            items = kept
            return result
        }
    }

    private func same(_ a: [UnackedSegments.Segment], _ b: [UnackedSegments.Segment]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.frame == $1.frame && $0.seq == $1.seq && $0.nextSeq == $1.nextSeq && $0.time == $1.time }
    }

    /// Transfers with random segment sizes, ACKs that cover, split, repeat or miss segments,
    /// retransmissions that break the order, ACKs far away, and sequence numbers that wrap.
    func testInOrderPathAgreesWithTheFullWalk() {
        var g = SystemRandomNumberGenerator()
        var inOrderAcks = 0
        for round in 0..<400 {
            var fast = UnackedSegments(), slow = Reference()
            // Every fourth round starts just below the wrap of the sequence space.
            var next: UInt32 = round % 4 == 0 ? UInt32.max &- UInt32.random(in: 0...40_000, using: &g) : UInt32.random(in: 0...UInt32.max, using: &g)
            var acked = next
            var frame = 0
            for _ in 0..<300 {
                frame += 1
                switch Int.random(in: 0..<10, using: &g) {
                case 0..<5: // new data
                    let len = UInt32.random(in: 1...1448, using: &g)
                    let s = UnackedSegments.Segment(frame: frame, seq: next, time: Int64(frame), nextSeq: next &+ len)
                    fast.push(s); slow.push(s)
                    next = next &+ len
                case 5: // a retransmission of something already sent
                    let back = UInt32.random(in: 1...4000, using: &g)
                    let seq = next &- back
                    let s = UnackedSegments.Segment(frame: frame, seq: seq, time: Int64(frame), nextSeq: seq &+ UInt32.random(in: 1...back, using: &g))
                    fast.push(s); slow.push(s)
                default: // an ACK: forward, repeated, inside a segment, or nowhere near
                    let ack: UInt32
                    switch Int.random(in: 0..<6, using: &g) {
                    case 0: ack = acked
                    case 1: ack = UInt32.random(in: 0...UInt32.max, using: &g)
                    case 2: ack = next
                    default: ack = acked &+ UInt32.random(in: 0...(next &- acked), using: &g)
                    }
                    if fast.inOrder && fast.count > 0 { inOrderAcks += 1 }
                    let a = fast.acknowledge(ack), b = slow.acknowledge(ack)
                    XCTAssertEqual(a?.frame, b?.frame, "round \(round) frame \(frame) ack \(ack)")
                    XCTAssertEqual(a?.time, b?.time)
                    XCTAssertTrue(same(Array(fast.segments), slow.items), "round \(round) frame \(frame) ack \(ack)")
                    if Seq.gt(ack, acked) && Seq.le(ack, next) { acked = ack }
                }
            }
        }
        // The fast path was really taken (most ACKs of in-order data).
        XCTAssertGreaterThan(inOrderAcks, 10_000)
    }

    func testAnOutOfOrderSegmentSendsAcksDownTheFullWalkUntilItIsGone() {
        var u = UnackedSegments()
        u.push(.init(frame: 1, seq: 1000, time: 1, nextSeq: 2000))
        u.push(.init(frame: 2, seq: 2000, time: 2, nextSeq: 3000))
        XCTAssertTrue(u.inOrder)
        u.push(.init(frame: 3, seq: 1000, time: 3, nextSeq: 2000)) // retransmission of frame 1
        XCTAssertFalse(u.inOrder)
        // Both copies of 1000-2000 match; the walk answers with the later one, as before.
        XCTAssertEqual(u.acknowledge(2000)?.frame, 3)
        XCTAssertEqual(u.segments.map(\.frame), [2])
        XCTAssertTrue(u.inOrder)
        XCTAssertEqual(u.acknowledge(2500)?.frame, nil)
        XCTAssertEqual(u.segments.first?.seq, 2500)
        XCTAssertEqual(u.acknowledge(3000)?.frame, 2)
        XCTAssertEqual(u.count, 0)
    }
}
