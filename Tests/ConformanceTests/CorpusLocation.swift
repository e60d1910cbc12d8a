import Foundation
import XCTest

/// Where the repository, its fixtures and the shared corpus are, found from this file's path.
enum CorpusLocation {
    static let repoRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = repoRoot.appendingPathComponent("Tests/Fixtures")
    static let baselines = fixtures.appendingPathComponent("conformance/tshark")

    /// `../shared/corpus` beside the repository, or `$CASEBOOK_CORPUS`.
    static var corpus: URL? {
        let env = ProcessInfo.processInfo.environment["CASEBOOK_CORPUS"]
        let url = env.map { URL(fileURLWithPath: $0) }
            ?? repoRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus")
        return FileManager.default.fileExists(atPath: url.appendingPathComponent("MANIFEST.tsv").path) ? url : nil
    }

    static func requireCorpus() throws -> URL {
        guard let c = corpus else {
            throw XCTSkip("../shared/corpus is not beside this checkout (or $CASEBOOK_CORPUS unset): corpus conformance skipped")
        }
        return c
    }

    /// Capture paths listed in MANIFEST.tsv, relative to the corpus directory.
    static func manifestPaths(_ corpus: URL) throws -> [String] {
        let text = try String(contentsOf: corpus.appendingPathComponent("MANIFEST.tsv"), encoding: .utf8)
        return text.split(separator: "\n").dropFirst().compactMap { $0.split(separator: "\t").first.map(String.init) }
    }
}

/// A tshark `-T fields` baseline: header row, then one row per frame.
struct TsharkBaseline {
    let columns: [String: Int]
    let rows: [[Substring]]

    init?(url: URL) {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return nil }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() }
        guard let header = lines.first else { return nil }
        var cols: [String: Int] = [:]
        for (i, name) in header.split(separator: "\t", omittingEmptySubsequences: false).enumerated() { cols[String(name)] = i }
        columns = cols
        rows = lines.dropFirst().map { $0.split(separator: "\t", omittingEmptySubsequences: false) }
    }

    /// First value of `field` in `row` ("" when absent).
    func first(_ row: [Substring], _ field: String) -> Substring {
        guard let i = columns[field], i < row.count else { return "" }
        let cell = row[i]
        if let comma = cell.firstIndex(of: ",") { return cell[..<comma] }
        return cell
    }

    func all(_ row: [Substring], _ field: String) -> Substring {
        guard let i = columns[field], i < row.count else { return "" }
        return row[i]
    }
}

/// `known-differences.tsv`: capture, frame (or *), field (or *), reason.
struct KnownDifferences {
    struct Entry { let capture: String; let frame: String; let field: String; let reason: String }
    let entries: [Entry]

    init(url: URL) {
        let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        entries = text.split(separator: "\n").compactMap { line in
            if line.hasPrefix("#") { return nil }
            let p = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard p.count >= 4 else { return nil }
            return Entry(capture: p[0], frame: p[1], field: p[2], reason: p[3])
        }
    }

    func reason(capture: String, frame: Int, field: String) -> String? {
        entries.first { e in
            e.capture == capture && (e.frame == "*" || e.frame == String(frame)) && (e.field == "*" || e.field == field)
        }?.reason
    }
}
