import Foundation

/// Paths of the committed fixtures and scratch directories for tests.
public enum Fixtures {
    public static let repoRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    public static let directory = repoRoot.appendingPathComponent("Tests/Fixtures")

    /// A lab capture: `lab("basic/client.pcap")`.
    public static func lab(_ name: String) -> String {
        directory.appendingPathComponent("lab").appendingPathComponent(name).path
    }

    public static func path(_ relative: String) -> String {
        directory.appendingPathComponent(relative).path
    }

    /// A fresh empty directory for one test. All of them live under one directory per test
    /// process, removed when the process exits, so test runs leave nothing behind in /tmp.
    public static func scratch(_ label: String = #function) throws -> URL {
        let safe = label.filter { $0.isLetter || $0.isNumber }
        let url = scratchRoot.appendingPathComponent("\(safe)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    private static let scratchRoot: URL = {
        let root = FileManager.default.temporaryDirectory
            .appendingPathComponent("casebook-tests-\(getpid())-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        scratchRootPath = root.path
        atexit {
            if let path = Fixtures.scratchRootPath { try? FileManager.default.removeItem(atPath: path) }
        }
        return root
    }()

    nonisolated(unsafe) private static var scratchRootPath: String?

    /// Writes `bytes` to a new file in `dir`.
    @discardableResult
    public static func write(_ bytes: [UInt8], named name: String, in dir: URL) throws -> String {
        let url = dir.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    public static func bytes(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// Every file under `dir` with its content, for "the case is unchanged" assertions.
    public static func snapshot(_ dir: URL) -> [String: Data] {
        var out: [String: Data] = [:]
        guard let e = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: nil) else { return out }
        for case let url as URL in e {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir), !isDir.boolValue {
                out[String(url.path.dropFirst(dir.path.count))] = try? Data(contentsOf: url)
            }
        }
        return out
    }
}
