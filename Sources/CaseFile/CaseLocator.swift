import Foundation

/// Finds cases: the root is `--root DIR`, else `$CASEBOOK_ROOT`, else `./Cases`; CASE is an id
/// under the root or a path to a case directory.
public struct CaseLocator: Sendable {
    public let root: URL

    public init(root: String?, environment: [String: String] = ProcessInfo.processInfo.environment,
                currentDirectory: String = FileManager.default.currentDirectoryPath) {
        let chosen = root ?? environment["CASEBOOK_ROOT"].flatMap { $0.isEmpty ? nil : $0 } ?? "Cases"
        let base = URL(fileURLWithPath: currentDirectory, isDirectory: true)
        self.root = URL(fileURLWithPath: chosen, isDirectory: true, relativeTo: base).standardizedFileURL
    }

    /// Resolves CASE to an existing case workspace.
    public func locate(_ reference: String) throws -> CaseWorkspace {
        let fm = FileManager.default
        let looksLikePath = reference.contains("/")
        let dir: URL
        if looksLikePath {
            dir = URL(fileURLWithPath: reference, isDirectory: true).standardizedFileURL
        } else {
            try CaseWorkspace.validate(id: reference)
            dir = root.appendingPathComponent(reference, isDirectory: true)
        }
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: dir.path, isDirectory: &isDir), isDir.boolValue else {
            if looksLikePath { throw CaseError("case \(reference): no such case directory") }
            throw CaseError("case \"\(reference)\": not found under \(root.path)")
        }
        guard fm.fileExists(atPath: dir.appendingPathComponent("case.yaml").path) else {
            throw CaseError("case \(dir.path): not a casebook case (no case.yaml)")
        }
        return CaseWorkspace(directory: dir)
    }

    /// Every case directly under the root, sorted by id.
    public func allCases() -> [CaseWorkspace] {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: root.path) else { return [] }
        return names.sorted().compactMap { name in
            guard !name.hasPrefix(".") else { return nil }
            let dir = root.appendingPathComponent(name, isDirectory: true)
            guard fm.fileExists(atPath: dir.appendingPathComponent("case.yaml").path) else { return nil }
            return CaseWorkspace(directory: dir)
        }
    }
}
