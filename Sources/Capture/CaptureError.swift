/// A trace that cannot be read at all. Each case names the file and what is wrong, in one line.
public enum CaptureError: Error, Equatable, CustomStringConvertible {
    case cannotOpen(path: String, reason: String)
    case isDirectory(path: String)
    case empty(path: String)
    case notACapture(path: String, detail: String)
    case truncatedHeader(path: String, have: Int, need: Int)
    case unsupportedVersion(path: String, major: Int, minor: Int)
    case badGzip(path: String, reason: String)
    case badFilter(expression: String, reason: String)

    public var description: String {
        switch self {
        case let .cannotOpen(path, reason): return "\(path): cannot open: \(reason)"
        case let .isDirectory(path): return "\(path): is a directory, not a trace file"
        case let .empty(path): return "\(path): empty file (0 bytes), not a capture"
        case let .notACapture(path, detail): return "\(path): not a pcap or pcapng capture (\(detail))"
        case let .truncatedHeader(path, have, need):
            return "\(path): file header truncated: \(have) of \(need) bytes"
        case let .unsupportedVersion(path, major, minor):
            return "\(path): unsupported capture format version \(major).\(minor)"
        case let .badGzip(path, reason): return "\(path): gzip data cannot be decompressed: \(reason)"
        case let .badFilter(expression, reason): return "capture filter \"\(expression)\": \(reason)"
        }
    }
}
