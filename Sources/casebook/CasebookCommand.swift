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
    /// Copies a file to standard output: by sendfile(2), in the kernel, where stdout allows it
    /// (a file, a pipe, /dev/null), else through one reused 1 MiB buffer. A failed write (a full
    /// disk) is an error naming the file, not a silently shortened output. (A reader that goes
    /// away ends the process by SIGPIPE, as it ends `cat`.)
    static func copy(contentsOf url: URL) throws(CasebookError) {
        func unreadable() -> CasebookError { CasebookError("\(url.path): cannot be read (\(String(cString: strerror(errno))))") }
        func unwritable(_ reason: String) -> CasebookError {
            CasebookError("standard output: writing \(url.lastPathComponent) failed (\(reason))")
        }
        let fd = open(url.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw unreadable() }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw unreadable() }
        var left = Int(info.st_size)
        while left > 0 {
            let n = sendfile(1, fd, nil, left)
            if n > 0 { left -= n; continue }
            if n < 0 && errno == EINTR { continue }
            if n < 0 && (errno == EINVAL || errno == ENOSYS) { break } // stdout does not take sendfile
            throw unwritable(n == 0 ? "the file ended early" : String(cString: strerror(errno)))
        }
        guard left > 0 else { return }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n = read(fd, buffer.baseAddress, buffer.count)
            if n < 0 && errno == EINTR { continue }
            if n < 0 { throw unreadable() }
            if n == 0 { return }
            var done = 0
            while done < n {
                let w = Glibc.write(1, buffer.baseAddress! + done, n - done)
                if w < 0 && errno == EINTR { continue }
                if w <= 0 { throw unwritable(String(cString: strerror(errno))) }
                done += w
            }
        }
    }
}

/// Whether stdout is a terminal that wants colour (NO_COLOR respected).
func wantsColour() -> Bool {
    isatty(1) != 0 && getenv("NO_COLOR") == nil
}
