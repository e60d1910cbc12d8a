import CasebookKit
import Diagnosis
import Foundation
import XCTest

/// Runs every rule over every corpus capture: counts findings by id per capture (for
/// docs/conformance.md) and holds error-level findings to a hand-reviewed list, so a rule that
/// starts crying wolf on healthy traffic fails here.
final class CorpusFindingsTests: XCTestCase {
    func testEveryErrorFindingOnTheCorpusIsReviewed() throws {
        let corpus = try CorpusLocation.requireCorpus()
        let reviewedText = try String(contentsOf: CorpusLocation.fixtures.appendingPathComponent("conformance/corpus-error-findings.tsv"), encoding: .utf8)
        let reviewed = Set(reviewedText.split(separator: "\n").filter { !$0.hasPrefix("#") }.compactMap { line -> String? in
            let p = line.split(separator: "\t")
            return p.count >= 2 ? "\(p[0])\t\(p[1])" : nil
        })
        let text = try String(contentsOf: corpus.appendingPathComponent("MANIFEST.tsv"), encoding: .utf8)
        let rows = text.split(separator: "\n").dropFirst().map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        var table: [String] = ["| capture | category | findings by id (error / warning / info) |", "|---|---|---|"]
        var unreviewed: [String] = []
        var cleanErrors: [String] = []
        var totals: [String: Int] = [:]
        for row in rows {
            let path = row[0], category = row.count > 10 ? row[10] : ""
            guard let result = try? Casebook.analyzeTrace(path: corpus.appendingPathComponent(path).path, name: path, vantage: nil, sha256: "") else { continue }
            let found = Rules.run([result], aliases: [:])
            var counts: [String: Int] = [:]
            for f in found {
                counts["\(f.id) (\(f.severity))", default: 0] += 1
                totals[f.id, default: 0] += 1
                if f.severity == "error" {
                    if !reviewed.contains("\(path)\t\(f.id)") { unreviewed.append("\(path): \(f.id): \(f.title)") }
                    if category.contains("clean") { cleanErrors.append("\(path): \(f.id)") }
                }
            }
            let cell = counts.keys.sorted().map { "\($0) ×\(counts[$0]!)" }.joined(separator: ", ")
            table.append("| \(path) | \(category) | \(cell.isEmpty ? "–" : cell) |")
        }
        let summary = "findings: " + totals.keys.sorted().map { "\($0) \(totals[$0]!)" }.joined(separator: ", ")
        print(summary)
        if let out = ProcessInfo.processInfo.environment["CASEBOOK_FINDINGS_CONFORMANCE_OUT"] {
            try? (summary + "\n\n" + table.joined(separator: "\n") + "\n").write(toFile: out, atomically: true, encoding: .utf8)
        }
        XCTAssertEqual(cleanErrors, [], "clean reference sessions must get no error-level finding")
        for u in unreviewed { XCTFail("error-level finding not in corpus-error-findings.tsv: \(u)") }
    }
}
