import Foundation

/// A line no parser could read, kept so a report can say how much of a file was understood.
public struct UnparsedLine: Sendable, Equatable {
    /// 1-based line number.
    public var lineNumber: Int
    public var text: String
    /// Why it was not read (`dst= missing`, `SRC "10.0.1.999" is not an IP address` …).
    public var reason: String

    public init(lineNumber: Int, text: String, reason: String) {
        self.lineNumber = lineNumber
        self.text = text
        self.reason = reason
    }
}

/// A firewall log or configuration file that could not be used at all.
public struct LogFileError: Error, Sendable, Equatable, CustomStringConvertible, LocalizedError {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
    public var errorDescription: String? { message }
}

/// A firewall log read line by line. Each line goes to the parser of the first format it looks
/// like (`LogFormat.matches`), trying the file's detected format first and the generic
/// `key=value` reader last. A line that looks like a format but does not parse is reported as
/// unparsed; it is not handed to another parser. Blank lines are passed over; every other line
/// is either an entry or an unparsed line.
public struct LogFile: Sendable {
    public var name: String
    /// The format of most entries (the detected format of the file when it has no entry).
    public var format: LogFormat
    public var entries: [LogEntry]
    public var unparsed: [UnparsedLine]
    public var unparsedCount: Int { unparsed.count }

    /// Reads `text` (the contents of the file called `name`). Throws `LogFileError` when no line
    /// is a log entry of a known format.
    public static func parse(text: String, name: String) throws -> LogFile {
        let detected = LogFormat.detect(text)?.format
        let logFormats = LogFormat.allCases.filter { !$0.isConfig && $0 != .keyValue }
        var order = logFormats
        if let detected, let i = order.firstIndex(of: detected) { order.insert(order.remove(at: i), at: 0) }
        order.append(.keyValue)

        var asa = CiscoASAParser()
        var entries: [LogEntry] = []
        var unparsed: [UnparsedLine] = []
        for (offset, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            guard !line.allSatisfy(\.isWhitespace) else { continue }
            let number = offset + 1
            // A broken line of the file's own format (`SRC=… DST=…` cut before `PROTO=`) may match
            // no format; with an `=` in it, the detected format's parser says what is wrong.
            let fallback = line.contains("=") ? detected.flatMap { $0.isConfig ? nil : $0 } : nil
            let format = order.first(where: { $0.matches(line) }) ?? fallback
            guard let format else {
                unparsed.append(UnparsedLine(lineNumber: number, text: String(line), reason: "not a firewall log line of a known format"))
                continue
            }
            do throws(LineError) {
                let entry: LogEntry
                switch format {
                case .checkPoint: entry = try CheckPointParser().parse(line, lineNumber: number, sourceFile: name)
                case .ciscoASA: entry = try asa.parse(line, lineNumber: number, sourceFile: name)
                case .netfilter: entry = try NetfilterParser().parse(line, lineNumber: number, sourceFile: name)
                case .keyValue: entry = try GenericKeyValueParser().parse(line, lineNumber: number, sourceFile: name)
                case .ciscoIOSConfig: throw LineError("a configuration line, not a log entry")
                }
                entries.append(entry)
            } catch {
                unparsed.append(UnparsedLine(lineNumber: number, text: String(line), reason: "\(format.rawValue): \(error.reason)"))
            }
        }
        guard !entries.isEmpty else {
            throw LogFileError("\(name): no line is a Check Point, Cisco ASA, netfilter or key=value firewall log entry")
        }
        var counts: [LogFormat: Int] = [:]
        for e in entries { counts[e.format, default: 0] += 1 }
        let most = counts.values.max() ?? 0
        let majority = ([detected].compactMap { $0 } + LogFormat.allCases).first(where: { counts[$0] == most }) ?? .keyValue
        return LogFile(name: name, format: majority, entries: entries, unparsed: unparsed)
    }
}
