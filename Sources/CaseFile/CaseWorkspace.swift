import Foundation

/// A case on disk:
/// ```
/// <root>/<id>/case.yaml     manifest (Manifest)
///             notes.md      timestamped notes
///             evidence/     copies of attached files (originals are never touched)
///             analysis/     outputs of `casebook analyze`
/// ```
/// Every change takes the case lock and writes through ``AtomicWrite``.
public struct CaseWorkspace: Sendable {
    public let directory: URL
    public var manifestURL: URL { directory.appendingPathComponent("case.yaml") }
    public var notesURL: URL { directory.appendingPathComponent("notes.md") }
    public var evidenceDirectory: URL { directory.appendingPathComponent("evidence") }
    public var analysisDirectory: URL { directory.appendingPathComponent("analysis") }

    public init(directory: URL) { self.directory = directory }

    /// Case ids: letters, digits, `-`, `_`, `.`; not starting with a dot; at most 128 characters.
    public static func validate(id: String) throws {
        guard !id.isEmpty, id.count <= 128 else { throw CaseError("case id \"\(id)\": must be 1 to 128 characters") }
        guard !id.hasPrefix(".") else { throw CaseError("case id \"\(id)\": must not start with a dot") }
        let allowed = id.unicodeScalars.allSatisfy {
            ($0.value < 128) && (CharacterSet.alphanumerics.contains($0) || "-_.".unicodeScalars.contains($0))
        }
        guard allowed else {
            throw CaseError("case id \"\(id)\": only letters, digits, '-', '_' and '.' are allowed")
        }
    }

    /// Creates `<root>/<id>` with an empty manifest and notes. Fails if it exists.
    public static func create(id: String, title: String?, root: URL, now: Date = Date()) throws -> CaseWorkspace {
        try validate(id: id)
        let fm = FileManager.default
        do { try fm.createDirectory(at: root, withIntermediateDirectories: true) } catch {
            throw CaseError("\(root.path): cannot create the cases root")
        }
        let dir = root.appendingPathComponent(id)
        // Build the case in a hidden temporary directory, then rename it into place.
        let tmp = root.appendingPathComponent(".\(id).new-\(getpid())")
        try? fm.removeItem(at: tmp)
        do {
            try fm.createDirectory(at: tmp.appendingPathComponent("evidence"), withIntermediateDirectories: true)
            try fm.createDirectory(at: tmp.appendingPathComponent("analysis"), withIntermediateDirectories: true)
            let manifest = Manifest(id: id, title: title ?? id, created: Clock.rfc3339(now))
            try AtomicWrite.write(Data(try manifest.yaml().utf8), to: tmp.appendingPathComponent("case.yaml"))
            try AtomicWrite.write(Data("# Notes for \(id)\n".utf8), to: tmp.appendingPathComponent("notes.md"))
        } catch {
            try? fm.removeItem(at: tmp)
            throw CaseError("\(dir.path): cannot create the case: \(error)")
        }
        if Glibc.rename(tmp.path, dir.path) != 0 {
            try? fm.removeItem(at: tmp)
            if fm.fileExists(atPath: dir.path) { throw CaseError("case \"\(id)\": already exists at \(dir.path)") }
            throw CaseError("\(dir.path): cannot create the case")
        }
        return CaseWorkspace(directory: dir)
    }

    public func loadManifest() throws -> Manifest {
        try Manifest.load(from: manifestURL)
    }

    /// Runs `change` on the manifest under the case lock and writes the result atomically.
    @discardableResult
    public func updateManifest<T>(_ change: (inout Manifest) throws -> T) throws -> T {
        let lock = try CaseLock(caseDirectory: directory)
        defer { withExtendedLifetime(lock) {} }
        var manifest = try loadManifest()
        let result = try change(&manifest)
        try AtomicWrite.write(Data(try manifest.yaml().utf8), to: manifestURL)
        return result
    }

    /// Appends a timestamped entry to `notes.md`.
    public func appendNote(_ text: String, now: Date = Date()) throws {
        let lock = try CaseLock(caseDirectory: directory)
        defer { withExtendedLifetime(lock) {} }
        let existing = (try? String(contentsOf: notesURL, encoding: .utf8)) ?? ""
        var out = existing
        if !out.isEmpty && !out.hasSuffix("\n") { out += "\n" }
        out += "\n## \(Clock.rfc3339(now))\n\n\(text)\n"
        try AtomicWrite.write(Data(out.utf8), to: notesURL)
    }

    /// The timestamped notes, oldest first.
    public func notes() -> [(time: String, text: String)] {
        guard let text = try? String(contentsOf: notesURL, encoding: .utf8) else { return [] }
        var result: [(String, String)] = []
        var current: String?
        var body: [Substring] = []
        func flush() {
            if let c = current { result.append((c, body.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines))) }
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("## ") {
                flush()
                current = String(line.dropFirst(3))
                body = []
            } else if current != nil {
                body.append(line)
            }
        }
        flush()
        return result
    }

    /// Copies `source` into `evidence/` as `storedName` (temp file + rename).
    public func storeEvidence(_ source: URL, as storedName: String) throws {
        try FileManager.default.createDirectory(at: evidenceDirectory, withIntermediateDirectories: true)
        try AtomicWrite.copy(source, to: evidenceDirectory.appendingPathComponent(storedName))
    }

    /// A stored name for `original` that no attachment uses yet: `name.pcap`, `name-2.pcap`, …
    public static func uniqueStoredName(for original: String, taken: Set<String>) -> String {
        let base = (original as NSString).lastPathComponent
        if !taken.contains(base) { return base }
        let ext = (base as NSString).pathExtension
        let stem = ext.isEmpty ? base : String(base.dropLast(ext.count + 1))
        var n = 2
        while true {
            let candidate = ext.isEmpty ? "\(stem)-\(n)" : "\(stem)-\(n).\(ext)"
            if !taken.contains(candidate) { return candidate }
            n += 1
        }
    }
}

/// Time formatting for manifests and notes (UTC, RFC 3339).
public enum Clock {
    public static func rfc3339(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: date)
    }
}
