import CaseFile
import Capture
import Foundation
import Logs

/// What `attach` decided a file is, with the facts recorded in the manifest.
struct EvidenceInspection {
    var kind: AttachmentKind
    var trace: TraceFacts?
    var log: LogFacts?
    var summary: String
}

extension Casebook {
    /// `casebook attach CASE FILE... [--vantage NAME] [--kind trace|log|config|note]`
    ///
    /// Every file is inspected before anything is copied, so one bad file leaves the case as it
    /// was. Originals are only read; the case keeps a copy and its SHA-256.
    public func attach(case reference: String, files: [String], vantage: String?,
                       kind forced: AttachmentKind?, clockOffset: Double? = nil, timeZone: String? = nil) throws(CasebookError) -> [String] {
        guard !files.isEmpty else { throw CasebookError.usage("attach: name at least one file") }
        if let timeZone, Self.timeZone(timeZone) == nil {
            throw CasebookError.usage("attach: --tz \"\(timeZone)\" is not a time zone (use e.g. Europe/Berlin, UTC or +01:00)")
        }
        if let vantage, vantage.isEmpty || vantage.contains(where: { $0.isNewline || $0 == "/" }) {
            throw CasebookError.usage("attach: --vantage must be a single word, e.g. client, server, fw-inside")
        }
        let ws = try locate(reference)
        var inspected: [(URL, String, EvidenceInspection, Int, String)] = []
        for path in files {
            let url = URL(fileURLWithPath: path)
            let info = try Self.inspect(path: path, forced: forced)
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            let digest = try wrapped { try FileDigest.sha256(of: url) }
            inspected.append((url, path, info, size, digest))
        }
        var out: [String] = []
        for (url, path, info, size, digest) in inspected {
            let line: String = try wrapped {
                try ws.updateManifest { manifest -> String in
                    if let same = manifest.attachments.first(where: { $0.sha256 == digest }) {
                        return "\(url.path): same content as \(same.stored), already in the case; not attached again"
                    }
                    let stored = CaseWorkspace.uniqueStoredName(
                        for: url.lastPathComponent, taken: Set(manifest.attachments.map(\.stored)))
                    try ws.storeEvidence(url, as: stored)
                    manifest.attachments.append(Attachment(
                        stored: stored, original: path, kind: info.kind, vantage: vantage, size: size,
                        sha256: digest, attachedAt: Clock.rfc3339(Date()), trace: info.trace, log: info.log))
                    if info.kind == .trace { manifest.attachments[manifest.attachments.count - 1].clockOffset = clockOffset }
                    if info.kind == .log { manifest.attachments[manifest.attachments.count - 1].timeZone = timeZone }
                    return "attached \(url.lastPathComponent) as \(stored): \(info.summary)"
                }
            }
            out.append(line)
        }
        return out
    }

    /// Decides what a file is from its content (never its name).
    static func inspect(path: String, forced: AttachmentKind?) throws(CasebookError) -> EvidenceInspection {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw CasebookError("\(path): no such file")
        }
        if isDir.boolValue { throw CasebookError("\(path): is a directory; attach the files inside it") }
        guard FileManager.default.isReadableFile(atPath: path) else { throw CasebookError("\(path): cannot be read (permission denied)") }
        let head = Self.head(of: path)
        if head.isEmpty { throw CasebookError("\(path): empty file (0 bytes), nothing to attach") }
        let looksLikeCapture = head.withUnsafeBytes { TraceFormat.sniff($0) != nil }
        let gzip = head.count >= 2 && head[0] == 0x1F && head[1] == 0x8B
        if forced == .trace || (forced == nil && (looksLikeCapture || gzip)) {
            let trace = try wrapped { try TraceFile(path: path) }
            let s = trace.summarize()
            let facts = TraceFacts(
                format: s.format.shortName, compressed: s.gzipCompressed ? "gzip" : nil,
                linkTypes: s.linkTypes.map(\.name), packets: s.packets,
                firstTime: s.firstTime?.rfc3339, lastTime: s.lastTime?.rfc3339,
                problems: s.problems.map(\.message))
            var summary = "trace, \(s.format)\(s.gzipCompressed ? ", gzip" : ""), \(s.packets) packets, link type \(facts.linkTypes.joined(separator: "+"))"
            if !s.problems.isEmpty { summary += "; \(s.problems.count) problem(s): \(s.problems[0].message)" }
            return EvidenceInspection(kind: .trace, trace: facts, summary: summary)
        }
        let data = (try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data()
        let text = String(data: data, encoding: .utf8)
        if forced == .log {
            // A log must have at least one line casebook understands, or it is refused naming the file.
            guard let text else { throw CasebookError("\(path): not UTF-8 text, so not a firewall log") }
            do {
                let log = try LogFile.parse(text: text, name: (path as NSString).lastPathComponent)
                return EvidenceInspection(kind: .log, log: LogFacts(format: log.format.rawValue, lines: log.entries.count + log.unparsedCount),
                                          summary: "log, \(log.format.rawValue), \(log.entries.count) entries, \(log.unparsedCount) lines not understood")
            } catch {
                let name = (path as NSString).lastPathComponent + ": "
                let text = "\(error)"
                throw CasebookError("\(path): " + (text.hasPrefix(name) ? String(text.dropFirst(name.count)) : text))
            }
        }
        if let forced {
            let lines = text.map { $0.split(whereSeparator: \.isNewline).count } ?? 0
            let format = text.flatMap { LogFormat.detect($0)?.format.rawValue } ?? "text"
            return EvidenceInspection(kind: forced, log: forced == .note ? nil : LogFacts(format: format, lines: lines),
                                      summary: "\(forced.rawValue) (as requested), \(lines) lines")
        }
        guard let text, !data.contains(0) else {
            throw CasebookError("\(path): unknown binary file (not pcap, pcapng or gzip); use --kind to attach it anyway")
        }
        if let detected = LogFormat.detect(text) {
            let kind: AttachmentKind = detected.format.isConfig ? .config : .log
            return EvidenceInspection(
                kind: kind, log: LogFacts(format: detected.format.rawValue, lines: detected.totalLines),
                summary: "\(kind.rawValue), \(detected.format.rawValue), \(detected.matchingLines) of \(detected.totalLines) lines recognised")
        }
        let lines = text.split(whereSeparator: \.isNewline).count
        return EvidenceInspection(kind: .note, summary: "note (plain text), \(lines) lines")
    }

    /// `Europe/Berlin`, `UTC`, `+01:00`, `-0500`.
    static func timeZone(_ text: String) -> TimeZone? {
        if let tz = TimeZone(identifier: text) { return tz }
        let t = text.replacingOccurrences(of: ":", with: "")
        guard t.count == 5, let sign = t.first, sign == "+" || sign == "-", let hh = Int(t.dropFirst().prefix(2)), let mm = Int(t.suffix(2)),
              hh <= 14, mm < 60 else { return nil }
        return TimeZone(secondsFromGMT: (sign == "-" ? -1 : 1) * (hh * 3600 + mm * 60))
    }

    static func head(of path: String) -> [UInt8] {
        guard let h = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? h.close() }
        return [UInt8]((try? h.read(upToCount: 64)) ?? Data())
    }
}
