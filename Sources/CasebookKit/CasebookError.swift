import CaseFile
import Capture

/// The one user-facing error: a single line saying which case or file and what is wrong.
/// `exitCode` is 1 for bad input, 2 for usage errors (the contract's exit codes).
public struct CasebookError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public var exitCode: Int32

    public init(_ message: String, exitCode: Int32 = 1) {
        self.message = message
        self.exitCode = exitCode
    }

    public static func usage(_ message: String) -> CasebookError { CasebookError(message, exitCode: 2) }

    public var description: String { message }

    /// Wraps any error from the library modules into one line.
    static func from(_ error: Error) -> CasebookError {
        switch error {
        case let e as CasebookError: return e
        case let e as CaseError: return CasebookError(e.message)
        case let e as CaptureError: return CasebookError(e.description)
        default:
            let text = "\(error)".split(whereSeparator: \.isNewline).first.map(String.init) ?? "\(error)"
            return CasebookError(text)
        }
    }
}

/// Runs `body`, turning every error into a ``CasebookError``.
func wrapped<T>(_ body: () throws -> T) throws(CasebookError) -> T {
    do { return try body() } catch { throw CasebookError.from(error) }
}
