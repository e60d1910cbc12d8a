import CaseFile
import Capture
import Diagnosis
import Flows
import Foundation
import Logs
import Packets
import Report

extension Casebook {
    /// `casebook report CASE [-o FILE] [--audience …] [--templates DIR]`: analyses (or reuses the
    /// analysis), adds the packet rows of the connections the findings cite, renders the templates
    /// and writes one self-contained HTML file. Returns where it is.
    public func report(case reference: String, output: String?, audience: ReportInput.Audience,
                       templates: String?) throws(CasebookError) -> URL {
        let ws = try locate(reference)
        var doc = try analyze(case: reference)
        let manifest = try wrapped { try ws.loadManifest() }
        let renderer = try wrapped { try ReportRenderer(templates: try Self.templatesDirectory(templates)) }
        doc.exchanges = try wrapped { try Self.exchanges(for: doc, in: ws, manifest: manifest) }
        let input = ReportInput(
            document: doc, notes: ws.notes(),
            attachments: manifest.attachments.map { .init(name: $0.stored, kind: $0.kind.rawValue, vantage: $0.vantage, sha256: $0.sha256, size: $0.size) },
            aliases: manifest.aliases, audience: audience, generatedAt: Clock.rfc3339(Date()),
            logEvents: Self.logEvents(manifest: manifest, ws: ws))
        let html = try wrapped { try renderer.render(input) }
        let url = output.map { URL(fileURLWithPath: $0) } ?? ws.directory.appendingPathComponent("report/report.html")
        try wrapped {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try AtomicWrite.write(Data(html.utf8), to: url)
        }
        return url
    }

    /// Log entries with a time, for the report's timeline (lines without a zone read in their `--tz`).
    static func logEvents(manifest: Manifest, ws: CaseWorkspace) -> [(time: Double, text: String)] {
        var out: [(Double, String)] = []
        for a in manifest.attachments where a.kind == .log {
            guard let text = try? String(contentsOf: ws.evidenceDirectory.appendingPathComponent(a.stored), encoding: .utf8),
                  let log = try? LogFile.parse(text: text, name: a.stored) else { continue }
            let zone = a.timeZone.flatMap(timeZone) ?? TimeZone(identifier: "UTC")!
            for e in log.entries {
                if let d = e.time ?? e.resolved(timeZone: zone, fallbackYear: Calendar(identifier: .gregorian).component(.year, from: Date())) {
                    out.append((d.timeIntervalSince1970, "\(a.stored) line \(e.lineNumber): \(e.action) \(e.source.map { "\($0)" } ?? "") → \(e.destination.map { "\($0)" } ?? "")"))
                }
            }
        }
        return out
    }

    /// `--templates DIR`, else `$CASEBOOK_TEMPLATES`, else `./Templates`, else the `Templates/`
    /// of the checkout the binary was built in.
    static func templatesDirectory(_ explicit: String?) throws -> URL {
        let fm = FileManager.default
        var candidates: [URL] = []
        if let explicit { candidates.append(URL(fileURLWithPath: explicit)) } else {
            if let env = ProcessInfo.processInfo.environment["CASEBOOK_TEMPLATES"] { candidates.append(URL(fileURLWithPath: env)) }
            candidates.append(URL(fileURLWithPath: fm.currentDirectoryPath).appendingPathComponent("Templates"))
            if let exe = try? fm.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
                var dir = URL(fileURLWithPath: exe).deletingLastPathComponent()
                for _ in 0..<5 {
                    candidates.append(dir.appendingPathComponent("Templates"))
                    dir = dir.deletingLastPathComponent()
                }
            }
            candidates.append(URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("Templates"))
        }
        for c in candidates where fm.fileExists(atPath: c.appendingPathComponent("report.html.mustache").path) { return c }
        if let explicit { throw CasebookError("\(explicit): no report.html.mustache in this templates directory") }
        throw CasebookError("report templates not found (looked in ./Templates and beside the casebook binary); pass --templates DIR")
    }

    /// Reads a trace once, calling `body` for every TCP segment of `streams` up to frame `stopAfter`.
    static func walk(_ path: String, streams: Set<Int>, stopAfter: Int,
                     _ body: (Frame, Packet, SegmentAnalysis) -> Void) throws {
        let file = try TraceFile(path: path)
        var reader = file.makeReader()
        var tracker = ConnectionTracker()
        while let frame = reader.next(), frame.number <= stopAfter {
            let p = PacketDecoder.decode(frame)
            guard let s = tracker.process(p), streams.contains(s.stream) else { continue }
            body(frame, p, s)
        }
    }

    /// Packet rows of every connection a finding cites: first packets, every evidence frame and the
    /// last packets, with the elided counts. One extra pass over each trace concerned.
    static func exchanges(for doc: AnalysisDocument, in ws: CaseWorkspace, manifest: Manifest) throws -> [AnalysisDocument.Exchange] {
        var wanted: [String: [Int: (client: String, server: String)]] = [:]
        var evidence: [String: Set<Int>] = [:]
        for f in doc.findings {
            for c in f.connections { wanted[c.trace, default: [:]][c.stream] = (c.client, c.server) }
            for e in f.evidence { evidence[e.trace, default: []].insert(e.frame) }
        }
        // Reading can stop after the last packet of the last cited connection.
        var lastFrame: [String: Int] = [:]
        for c in doc.connections where wanted[c.trace]?[c.stream] != nil { lastFrame[c.trace] = max(lastFrame[c.trace] ?? 0, c.lastFrame) }
        var out: [AnalysisDocument.Exchange] = []
        for (trace, streams) in wanted.sorted(by: { $0.key < $1.key }) {
            guard let a = manifest.attachments.first(where: { $0.stored == trace }) else { continue }
            var rows: [Int: [AnalysisDocument.Exchange.Row]] = [:]
            var starts: [Int: Timestamp] = [:]
            try walk(ws.evidenceDirectory.appendingPathComponent(a.stored).path, streams: Set(streams.keys),
                     stopAfter: lastFrame[trace] ?? Int.max) { frame, p, s in
                guard let ref = streams[s.stream], let ip = p.ip, let tcp = p.tcp else { return }
                if rows[s.stream, default: []].count >= 5000 { return }
                let start = starts[s.stream] ?? frame.timestamp
                starts[s.stream] = start
                var tags = s.tags
                if s.flags.contains(.challengeAck) { tags.insert("TCP Challenge ACK", at: 0) }
                rows[s.stream, default: []].append(.init(
                    frame: frame.number, time: Timestamp.interval(from: start, to: frame.timestamp),
                    fromClient: Endpoint(ip.source, tcp.sourcePort).description == ref.client,
                    flags: InfoColumn.flags(tcp.flags), seq: s.relativeSeq, ack: s.relativeAck, length: tcp.segmentLength,
                    ttl: Int(ip.ttl), tags: tags, skippedBefore: 0))
            }
            for (stream, ref) in streams.sorted(by: { $0.key < $1.key }) {
                let all = rows[stream] ?? []
                let keep = Set(all.prefix(14).map(\.frame)).union(all.suffix(6).map(\.frame)).union(evidence[trace] ?? [])
                var chosen: [AnalysisDocument.Exchange.Row] = []
                var skipped = 0
                for var r in all {
                    if keep.contains(r.frame) {
                        r.skippedBefore = skipped
                        skipped = 0
                        chosen.append(r)
                    } else {
                        skipped += 1
                    }
                }
                out.append(.init(trace: trace, stream: stream, client: ref.client, server: ref.server, rows: chosen,
                                 omitted: all.count - chosen.count))
            }
        }
        return out
    }
}
