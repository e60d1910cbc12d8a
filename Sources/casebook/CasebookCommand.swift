import ArgumentParser
import Foundation
import CaseFile
import CasebookKit
#if canImport(Glibc)
import Glibc
#endif

/// Options every command shares.
struct RootOptions: ParsableArguments {
    @Option(name: .long, help: "Directory holding the cases (default: $CASEBOOK_ROOT, else ./Cases).")
    var root: String?

    var casebook: Casebook { Casebook(root: root) }
}

@main
struct CasebookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "casebook",
        abstract: "A case notebook for troubleshooting failing TCP connections.",
        version: Casebook.version,
        subcommands: [New.self, Attach.self, Note.self, Alias.self, List.self, Show.self, Analyze.self, ReportCommand.self])

    /// Exit codes: 0 success, 1 bad input (one line on stderr), 2 usage error.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as CasebookError {
            fail(error.message, code: error.exitCode)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                Glibc.exit(0)
            }
            let message = self.message(for: error)
            fail(message.split(whereSeparator: \.isNewline).first.map(String.init) ?? message, code: 2, hint: true)
        }
    }

    static func fail(_ message: String, code: Int32, hint: Bool = false) -> Never {
        var line = "casebook: \(message)"
        if hint { line += " (see casebook --help)" }
        FileHandleStderr.write(line + "\n")
        Glibc.exit(code)
    }
}

enum FileHandleStderr {
    static func write(_ s: String) {
        var bytes = Array(s.utf8)
        _ = bytes.withUnsafeMutableBytes { Glibc.write(2, $0.baseAddress, $0.count) }
    }
}

enum FileHandleStdout {
    /// Copies a file to standard output in 1 MiB pieces.
    static func copy(contentsOf url: URL) throws {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { write(chunk) }
    }

    static func write(_ data: Data) {
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(1, raw.baseAddress! + offset, raw.count - offset)
                if n <= 0 { return }
                offset += n
            }
        }
    }
}

/// Whether stdout is a terminal that wants colour (NO_COLOR respected).
func wantsColour() -> Bool {
    isatty(1) != 0 && getenv("NO_COLOR") == nil
}
