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
        // The cached analysis (made now if stale); of its connections the ones the report lists
        // or draws, as listing rows.
        let documentURL = try analysisJSON(case: reference)
        var (doc, connectionCount) = try wrapped {
            try AnalysisDocument.decodeForReport(Data(contentsOf: documentURL), listed: ReportInput.listedConnections,
                                                perTrace: ReportInput.timelineConnectionsPerTrace)
        }
        let manifest = try wrapped { try ws.loadManifest() }
        let renderer = try wrapped { try ReportRenderer(templates: try Self.templatesDirectory(templates)) }
        doc.exchanges = try wrapped { try Self.exchanges(for: doc, in: ws, manifest: manifest) }
        let input = ReportInput(
            document: doc, notes: ws.notes(),
            attachments: manifest.attachments.map { .init(name: $0.stored, kind: $0.kind.rawValue, vantage: $0.vantage, sha256: $0.sha256, size: $0.size) },
            aliases: manifest.aliases, audience: audience, generatedAt: Clock.rfc3339(Date()),
            logEvents: Self.logEvents(manifest: manifest, ws: ws), connectionCount: connectionCount)
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
}
