import CaseFile
import Capture
import Diagnosis
import Flows
import Foundation
import Packets

extension Casebook {
    /// `casebook analyze CASE`: runs the pipeline over every trace of the case and writes
    /// CASE/analysis/analysis.json. A result whose cache key (casebook version, attachments,
    /// aliases) still matches is reused instead of recomputed.
    public func analyze(case reference: String, progress: ((String) -> Void)? = nil) throws(CasebookError) -> AnalysisDocument {
        let ws = try locate(reference)
        let manifest = try wrapped { try ws.loadManifest() }
        let key = Self.cacheKey(manifest)
        let output = ws.analysisDirectory.appendingPathComponent("analysis.json")
        if let data = try? Data(contentsOf: output), let cached = try? JSONDecoder().decode(AnalysisDocument.self, from: data),
           cached.cacheKey == key {
            return cached
        }
        var results: [DocumentBuilder.TraceResult] = []
        for attachment in manifest.attachments where attachment.kind == .trace {
            let path = ws.evidenceDirectory.appendingPathComponent(attachment.stored).path
            let result = try wrapped {
                try Self.analyzeTrace(path: path, name: attachment.stored, vantage: attachment.vantage,
                                      sha256: attachment.sha256, progress: progress)
            }
            results.append(result)
        }
        let doc = DocumentBuilder.document(version: Self.version, cacheKey: key, caseID: manifest.id, title: manifest.title,
                                           traces: results, aliases: manifest.aliases,
                                           findings: Rules.run(results, aliases: manifest.aliases))
        try wrapped {
            try FileManager.default.createDirectory(at: ws.analysisDirectory, withIntermediateDirectories: true)
            try AtomicWrite.write(try Self.json(doc), to: output)
        }
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
        while let frame = reader.next() {
            packets += 1
            if first == nil { first = frame.timestamp }
            last = frame.timestamp
            if !linkTypes.contains(frame.linkType) { linkTypes.append(frame.linkType) }
            let packet = PacketDecoder.decode(frame)
            if !packet.problems.isEmpty {
                for n in packet.problems.names { decodeProblems[n, default: 0] += 1 }
            }
            _ = tracker.process(packet)
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

    /// The document as the contract's JSON (stable key order, pretty-printed).
    public static func json(_ doc: AnalysisDocument) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(doc)
        data.append(0x0A)
        return data
    }
}
