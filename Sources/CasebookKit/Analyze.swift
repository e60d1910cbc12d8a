import CaseFile
import Capture
import Correlation
import Diagnosis
import Flows
import Foundation
import Logs
import Packets

extension Casebook {
    /// `casebook analyze CASE`: runs the pipeline over every trace of the case and writes
    /// CASE/analysis/analysis.json (and its cache key beside it). A result whose cache key
    /// (casebook build, attachments, aliases) still matches is reused instead of recomputed.
    public func analyze(case reference: String, progress: ((String) -> Void)? = nil) throws(CasebookError) -> AnalysisDocument {
        let (ws, manifest, key) = try cacheState(reference)
        if Self.cacheIsCurrent(ws, key: key),
           let data = try? Data(contentsOf: Self.documentURL(ws)),
           let cached = try? JSONDecoder().decode(AnalysisDocument.self, from: data), cached.cacheKey == key {
            return cached
        }
        return try run(ws, manifest: manifest, key: key, progress: progress)
    }

    /// Makes sure CASE/analysis/analysis.json is current and returns its location (for `--json`,
    /// which copies the file out without decoding it).
    public func analysisJSON(case reference: String, progress: ((String) -> Void)? = nil) throws(CasebookError) -> URL {
        let (ws, manifest, key) = try cacheState(reference)
        if !Self.cacheIsCurrent(ws, key: key) { _ = try run(ws, manifest: manifest, key: key, progress: progress, needsDocument: false) }
        return Self.documentURL(ws)
    }

    /// The case, its manifest (read once: the YAML decoding is a few milliseconds) and its cache key.
    private func cacheState(_ reference: String) throws(CasebookError) -> (CaseWorkspace, Manifest, String) {
        let ws = try locate(reference)
        let manifest = try wrapped { try ws.loadManifest() }
        return (ws, manifest, Self.cacheKey(manifest))
    }

    static func documentURL(_ ws: CaseWorkspace) -> URL { ws.analysisDirectory.appendingPathComponent("analysis.json") }
    static func keyURL(_ ws: CaseWorkspace) -> URL { ws.analysisDirectory.appendingPathComponent("cache-key") }

    static func cacheIsCurrent(_ ws: CaseWorkspace, key: String) -> Bool {
        (try? String(contentsOf: keyURL(ws), encoding: .utf8)) == key
            && FileManager.default.fileExists(atPath: documentURL(ws).path)
    }

    /// Analyses the case and writes the document. The connections are streamed from the traces'
    /// compact stores into the file; they are made into entries in memory only when the caller
    /// wants the document back (`needsDocument`).
    private func run(_ ws: CaseWorkspace, manifest: Manifest, key: String, progress: ((String) -> Void)?,
                     needsDocument: Bool = true) throws(CasebookError) -> AnalysisDocument {
        var results: [DocumentBuilder.TraceResult] = []
        for attachment in manifest.attachments where attachment.kind == .trace {
            let path = ws.evidenceDirectory.appendingPathComponent(attachment.stored).path
            let result = try wrapped {
                try Self.analyzeTrace(path: path, name: attachment.stored, vantage: attachment.vantage,
                                      sha256: attachment.sha256, progress: progress)
            }
            results.append(result)
        }
        // Logs and configs of the case, for the rules that quote them.
        var logEntries: [LogEntry] = []
        var natRules: [StaticNATRule] = []
        for attachment in manifest.attachments where attachment.kind == .log || attachment.kind == .config {
            let url = ws.evidenceDirectory.appendingPathComponent(attachment.stored)
            guard let text = try? String(contentsOf: url, encoding: .utf8) else { continue }
            if attachment.kind == .config {
                if let config = try? ConfigFile.parse(text: text, name: attachment.stored) { natRules += config.staticNATRules }
            } else if let log = try? LogFile.parse(text: text, name: attachment.stored) {
                // Lines without a zone take the one the user stated (`--tz`), else UTC.
                let zone = attachment.timeZone.flatMap(Self.timeZone) ?? TimeZone(identifier: "UTC")!
                let year = results.first?.entry.firstTime.flatMap { Int($0.prefix(4)) }
                logEntries += log.entries.map { e in
                    var e = e
                    if e.time == nil, let d = e.resolved(timeZone: zone, fallbackYear: year) { e.setResolvedTime(d) }
                    return e
                }
            }
        }
        let statedOffsets = Dictionary(manifest.attachments.compactMap { a in a.clockOffset.map { (a.stored, $0) } }, uniquingKeysWith: { a, _ in a })
        let compared = try wrapped {
            try Self.compareVantages(results: results, correlation: Rules.correlate(results, statedOffsets: statedOffsets)) {
                ws.evidenceDirectory.appendingPathComponent($0).path
            }
        }
        let correlation = (matches: compared.matches, offsets: compared.offsets), diffs = compared.diffs
        var doc = DocumentBuilder.document(version: Self.version, cacheKey: key, caseID: manifest.id, title: manifest.title,
                                           traces: results, aliases: manifest.aliases,
                                           findings: Rules.run(results, aliases: manifest.aliases, correlation: correlation,
                                                              logEntries: logEntries, natRules: natRules, diffs: diffs),
                                           includeConnections: false)
        doc.matches = correlation.matches.map(DocumentBuilder.match)
        doc.clockOffsets = correlation.offsets.map(DocumentBuilder.offset)
        doc.vantageDelays = compared.timings.compactMap { DocumentBuilder.vantageDelay($0, offsets: correlation.offsets) }
        for (i, d) in diffs {
            doc.matches[i].lostBetween = d.lostBetween.map { .init(trace: $0.trace, frame: $0.frame) }
            doc.matches[i].createdBetween = d.createdBetween.map { .init(trace: $0.trace, frame: $0.frame) }
        }
        let context = RuleContext(aliases: manifest.aliases, traces: results, matches: correlation.matches, offsets: correlation.offsets)
        for (i, m) in correlation.matches.enumerated() {
            doc.matches[i].ipIDs = DocumentBuilder.ipIDs(m, traces: results)
            doc.matches[i].clientSide = context.clientSide(m)?.client.0.entry.name
        }
        try wrapped {
            try FileManager.default.createDirectory(at: ws.analysisDirectory, withIntermediateDirectories: true)
            try AtomicWrite.stream(to: Self.documentURL(ws)) { append in
                var out = JSONOutput(sink: append)
                try doc.write(to: &out, connections: DocumentBuilder.connectionEntries(results))
                try out.finish()
            }
            try AtomicWrite.write(Data(key.utf8), to: Self.keyURL(ws))
        }
        if needsDocument { doc.connections = Array(DocumentBuilder.connectionEntries(results)) }
        return doc
    }

    /// The conversation layer over one trace file.
    public static func analyzeTrace(path: String, name: String, vantage: String?, sha256: String,
                                    progress: ((String) -> Void)? = nil) throws -> DocumentBuilder.TraceResult {
        let trace = try TraceFile(path: path)
        var reader = trace.makeReader()
        var tracker = ConnectionTracker()
        var packets = 0
        var first: Timestamp?, last: Timestamp?
        var linkTypes: [LinkType] = []
        var decodeProblems: [String: Int] = [:]
        // One packet's storage, decoded into for every frame (callgrind: 2.6% fewer instructions
        // for the whole analysis than a new 776-byte Packet value per frame).
        var packet = Packet(frame: Frame(number: 0, timestamp: Timestamp(nanoseconds: 0), capturedLength: 0, originalLength: 0,
                                         linkType: LinkType(rawValue: 0), interfaceID: 0, bytes: UnsafeRawBufferPointer(start: nil, count: 0)))
        while let frame = reader.next() {
            packets += 1
            if first == nil { first = frame.timestamp }
            last = frame.timestamp
            if !linkTypes.contains(frame.linkType) { linkTypes.append(frame.linkType) }
            PacketDecoder.decode(frame, into: &packet)
            if !packet.problems.isEmpty {
                for n in packet.problems.names { decodeProblems[n, default: 0] += 1 }
            }
            tracker.track(&packet)
            if let progress, packets % 1_000_000 == 0 { progress("\(name): \(packets / 1_000_000)M packets, \(tracker.liveConnections) live connections") }
        }
        let connections = tracker.finish()
        let entry = DocumentBuilder.traceEntry(
            name: name, vantage: vantage, sha256: sha256, format: trace.format.shortName,
            linkTypes: linkTypes.map(\.name), packets: packets, firstTime: first?.rfc3339, lastTime: last?.rfc3339,
            problems: (trace.headerProblems + reader.problems).map(\.message), decodeProblems: decodeProblems,
            tcpConnections: connections.count)
        return DocumentBuilder.TraceResult(entry: entry, connections: connections, hosts: tracker.hosts.sorted,
                                           events: tracker.events)
    }

    /// The running binary's identity (size and modification time of /proc/self/exe), so a rebuilt
    /// casebook never reuses results of the previous build.
    static let buildIdentity: String = {
        let attrs = try? FileManager.default.attributesOfItem(atPath: "/proc/self/exe")
        let resolved = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? ""
        let real = (try? FileManager.default.attributesOfItem(atPath: resolved)) ?? attrs
        let size = (real?[.size] as? Int) ?? 0
        let mtime = (real?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        return "\(size)-\(mtime)"
    }()

    static func cacheKey(_ m: Manifest) -> String {
        var text = "casebook \(version) \(buildIdentity)\n"
        for a in m.attachments { text += "\(a.stored)\t\(a.sha256)\t\(a.kind.rawValue)\t\(a.vantage ?? "")\n" }
        for (k, v) in m.aliases.sorted(by: { $0.key < $1.key }) { text += "alias\t\(k)\t\(v)\n" }
        return FileDigest.sha256(text: text)
    }

    /// The document as the contract's JSON (sorted keys, pretty-printed).
    public static func json(_ doc: AnalysisDocument) throws -> Data {
        var data = Data()
        var out = JSONOutput { data.append(contentsOf: $0) }
        try doc.write(to: &out)
        try out.finish()
        return data
    }
}
