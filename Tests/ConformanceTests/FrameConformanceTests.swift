import Capture
import Flows
import Foundation
import Packets
import XCTest

/// Compares casebook's per-frame view of every corpus capture with tshark 4.0's
/// (Tests/Fixtures/conformance/tshark, made by make-tshark-baselines.sh) and fails on any
/// difference not listed with a reason in known-differences.tsv.
final class FrameConformanceTests: XCTestCase {
    struct Mismatch: CustomStringConvertible {
        let capture: String, frame: Int, field: String, ours: String, theirs: String
        var description: String { "\(capture) frame \(frame) \(field): casebook \(ours.isEmpty ? "(none)" : ours), tshark \(theirs.isEmpty ? "(none)" : theirs)" }
    }

    struct Tally {
        var captures = 0, frames = 0, fields = 0, agreed = 0
        var streamFrames = 0, streamAgreed = 0
        var listed: [Mismatch] = []
        var unlisted: [Mismatch] = []
    }

    func testEveryCorpusFrameAgreesWithTshark() throws {
        let corpus = try CorpusLocation.requireCorpus()
        let known = KnownDifferences(url: CorpusLocation.fixtures.appendingPathComponent("conformance/known-differences.tsv"))
        var tally = Tally()
        for path in try CorpusLocation.manifestPaths(corpus) {
            compare(path, corpus: corpus, known: known, tally: &tally)
        }
        let pct = tally.fields == 0 ? 0 : Double(tally.agreed) * 100 / Double(tally.fields)
        let streamPct = tally.streamFrames == 0 ? 0 : Double(tally.streamAgreed) * 100 / Double(tally.streamFrames)
        let summary = String(format: "conformance: %d captures, %d frames, %d field values compared, %.3f%% agree; tcp.stream %d/%d (%.2f%%); %d known differences, %d unexplained",
                             tally.captures, tally.frames, tally.fields, pct, tally.streamAgreed, tally.streamFrames, streamPct,
                             tally.listed.count, tally.unlisted.count)
        print(summary)
        let flagReport = flagTally.report()
        print(flagReport.summary)
        if let out = ProcessInfo.processInfo.environment["CASEBOOK_CONFORMANCE_OUT"] {
            var report = summary + "\n"
            for m in tally.unlisted { report += "UNEXPLAINED\t\(m)\n" }
            for m in tally.listed { report += "KNOWN\t\(m)\n" }
            report += flagReport.summary + "\n" + flagReport.details
            try? report.write(toFile: out, atomically: true, encoding: .utf8)
        }
        for m in tally.unlisted.prefix(60) { XCTFail("unexplained difference: \(m)") }
        XCTAssertEqual(tally.unlisted.count, 0, "\(tally.unlisted.count) unexplained differences")
        XCTAssertGreaterThan(tally.frames, 8000, "the corpus holds about 8,900 frames tshark reads")
        for (name, pct) in flagReport.agreement where pct < 98 {
            XCTFail("\(name): \(String(format: "%.2f", pct))% per-frame agreement with tshark, goal 98%")
        }
    }

    var flagTally = FlagTally()
    var currentCapture = ""

    private func compare(_ path: String, corpus: URL, known: KnownDifferences, tally: inout Tally) {
        currentCapture = path
        let baselineURL = CorpusLocation.baselines.appendingPathComponent(path + ".tsv")
        let baseline = TsharkBaseline(url: baselineURL)
        func record(_ frame: Int, _ field: String, _ ours: String, _ theirs: Substring) {
            tally.fields += 1
            if ours == theirs { tally.agreed += 1; return }
            let m = Mismatch(capture: path, frame: frame, field: field, ours: ours, theirs: String(theirs))
            if known.reason(capture: path, frame: frame, field: field) != nil { tally.listed.append(m) } else { tally.unlisted.append(m) }
        }
        let trace: TraceFile
        do {
            trace = try TraceFile(path: corpus.appendingPathComponent(path).path)
        } catch {
            // tshark read frames we cannot: that must be a listed difference.
            let theirs = baseline?.rows.count ?? 0
            if theirs > 0 { record(0, "file", "error: \(error)", "\(theirs) frames") }
            return
        }
        tally.captures += 1
        var reader = trace.makeReader()
        var tracker = ConnectionTracker()
        var frameIndex = 0
        while let frame = reader.next() {
            frameIndex += 1
            let p = PacketDecoder.decode(frame)
            let assignment = tracker.process(p)
            guard let baseline, frameIndex <= baseline.rows.count else {
                record(frame.number, "frame.number", "\(frame.number)", "")
                continue
            }
            tally.frames += 1
            let row = baseline.rows[frameIndex - 1]
            let f = frame.number
            record(f, "frame.number", "\(f)", baseline.first(row, "frame.number"))
            record(f, "frame.time_epoch", frame.timestamp.epochString, baseline.first(row, "frame.time_epoch"))
            record(f, "frame.len", "\(frame.originalLength)", baseline.first(row, "frame.len"))
            record(f, "frame.cap_len", "\(frame.capturedLength)", baseline.first(row, "frame.cap_len"))
            let protocols = baseline.first(row, "frame.protocols")
            let layers = protocols.split(separator: ":")
            if layers.first == "eth" {
                record(f, "eth.src", p.ethernet?.source.description ?? "", baseline.first(row, "eth.src"))
                record(f, "eth.dst", p.ethernet?.destination.description ?? "", baseline.first(row, "eth.dst"))
            }
            // Outer IP layer, when tshark decoded one before any tunnel/ICMP quote.
            if let ipLayer = layers.first(where: { $0 == "ip" || $0 == "ipv6" }) {
                let v6 = ipLayer == "ipv6"
                let prefix = v6 ? "ipv6" : "ip"
                record(f, "\(prefix).src", p.ip?.source.description ?? "", baseline.first(row, "\(prefix).src"))
                record(f, "\(prefix).dst", p.ip?.destination.description ?? "", baseline.first(row, "\(prefix).dst"))
                record(f, v6 ? "ipv6.hlim" : "ip.ttl", p.ip.map { "\($0.ttl)" } ?? "", baseline.first(row, v6 ? "ipv6.hlim" : "ip.ttl"))
                if !v6 {
                    record(f, "ip.id", p.ip.map { hex($0.identification, 4) } ?? "", baseline.first(row, "ip.id"))
                    record(f, "ip.flags.df", p.ip.map { $0.dontFragment ? "1" : "0" } ?? "", baseline.first(row, "ip.flags.df"))
                }
            } else if p.ip != nil {
                record(f, "ip", "decoded", "not decoded (\(protocols))")
            }
            let tcpIsOuter = layers.contains("tcp") && !layers.contains("icmp") && !layers.contains("icmpv6")
            if tcpIsOuter || p.tcp != nil {
                if let agreed = compareTCP(p, assignment, row, baseline, f, tcpIsOuter: tcpIsOuter, record: record) {
                    tally.streamFrames += 1
                    if agreed { tally.streamAgreed += 1 }
                }
            }
            if layers.contains("udp") && !layers.contains("icmp") && !layers.contains("icmpv6") {
                record(f, "udp.srcport", p.udp.map { "\($0.sourcePort)" } ?? "", baseline.first(row, "udp.srcport"))
                record(f, "udp.dstport", p.udp.map { "\($0.destinationPort)" } ?? "", baseline.first(row, "udp.dstport"))
            }
            if layers.contains("icmp") || layers.contains("icmpv6") {
                let v6 = layers.contains("icmpv6")
                let t = baseline.first(row, v6 ? "icmpv6.type" : "icmp.type")
                record(f, v6 ? "icmpv6.type" : "icmp.type", p.icmp.map { "\($0.type)" } ?? "", t)
                if let m = p.icmp, m.isError, m.quotedSourcePort != nil, m.quotedIP?.protocolNumber == .tcp {
                    record(f, "icmp.quoted.tcp.srcport", "\(m.quotedSourcePort!)", baseline.first(row, "tcp.srcport"))
                }
            }
        }
        if let baseline, baseline.rows.count > frameIndex {
            record(frameIndex + 1, "frame.count", "\(frameIndex) frames", "\(baseline.rows.count) frames")
        }
    }

    private func compareTCP(_ p: Packet, _ a: SegmentAnalysis?, _ row: [Substring], _ b: TsharkBaseline, _ f: Int,
                            tcpIsOuter: Bool, record: (Int, String, String, Substring) -> Void) -> Bool? {
        guard tcpIsOuter else {
            record(f, "tcp", "decoded", "not decoded as TCP (\(b.first(row, "frame.protocols")))")
            return nil
        }
        guard let t = p.tcp else {
            record(f, "tcp", "not decoded (\(p.problems.names.joined(separator: ",")))", "decoded")
            return nil
        }
        record(f, "tcp.srcport", "\(t.sourcePort)", b.first(row, "tcp.srcport"))
        record(f, "tcp.dstport", "\(t.destinationPort)", b.first(row, "tcp.dstport"))
        record(f, "tcp.seq_raw", "\(t.sequenceNumber)", b.first(row, "tcp.seq_raw"))
        record(f, "tcp.ack_raw", "\(t.acknowledgementNumber)", b.first(row, "tcp.ack_raw"))
        let theirFlags = UInt16(b.first(row, "tcp.flags").dropFirst(2), radix: 16).map { $0 & 0x01FF }
        record(f, "tcp.flags", hex(t.flags.rawValue, 4), theirFlags.map { Substring(hex($0, 4)) } ?? "")
        record(f, "tcp.window_size_value", "\(t.window)", b.first(row, "tcp.window_size_value"))
        record(f, "tcp.hdr_len", "\(t.headerLength)", b.first(row, "tcp.hdr_len"))
        record(f, "tcp.len", "\(t.segmentLength)", b.first(row, "tcp.len"))
        let o = t.options
        record(f, "tcp.options.mss_val", o.mss.map { "\($0)" } ?? "", b.first(row, "tcp.options.mss_val"))
        record(f, "tcp.options.wscale.shift", o.windowScale.map { "\($0)" } ?? "", b.first(row, "tcp.options.wscale.shift"))
        record(f, "tcp.options.sack_perm", o.sackPermitted ? "yes" : "", b.first(row, "tcp.options.sack_perm").isEmpty ? "" : "yes")
        record(f, "tcp.options.timestamp.tsval", o.timestampValue.map { "\($0)" } ?? "", b.first(row, "tcp.options.timestamp.tsval"))
        record(f, "tcp.options.timestamp.tsecr", o.timestampEchoReply.map { "\($0)" } ?? "", b.first(row, "tcp.options.timestamp.tsecr"))
        record(f, "tcp.option_kind", o.kinds.all.map { "\($0)" }.joined(separator: ","), b.all(row, "tcp.option_kind"))
        if let a {
            flagTally.compare(a, row, b, capture: currentCapture, frame: f)
        }
        return a.map { "\($0.stream)" == b.first(row, "tcp.stream") }
    }

    private func hex<T: BinaryInteger>(_ v: T, _ digits: Int) -> String {
        let h = String(v, radix: 16)
        return "0x" + String(repeating: "0", count: max(0, digits - h.count)) + h
    }
}
