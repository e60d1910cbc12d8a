import CasebookKit
import Diagnosis
import Foundation
import TestSupport
import XCTest

/// Runs the whole pipeline over one capture and returns its findings.
func findings(lab: String, aliases: [String: String] = [:]) throws -> [Finding] {
    try findings(path: Fixtures.lab(lab), name: (lab as NSString).lastPathComponent, aliases: aliases)
}

func findings(path: String, name: String, aliases: [String: String] = [:]) throws -> [Finding] {
    let result = try Casebook.analyzeTrace(path: path, name: name, vantage: nil, sha256: "")
    return Rules.run([result], aliases: aliases)
}

/// A corpus capture, or a skip when ../shared/corpus is not beside the checkout.
func corpusCapture(_ relative: String) throws -> String {
    let url = Fixtures.repoRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus/\(relative)")
    guard FileManager.default.fileExists(atPath: url.path) else {
        throw XCTSkip("../shared/corpus is not beside this checkout: \(relative) skipped")
    }
    return url.path
}

extension Array where Element == Finding {
    func with(_ id: String) -> [Finding] { filter { $0.id == id } }
    var ids: Set<String> { Set(map(\.id)) }
}
