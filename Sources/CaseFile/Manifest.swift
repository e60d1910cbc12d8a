import Foundation
import Yams

/// `case.yaml`: the case's identity and its evidence list, human-readable and diff-friendly.
public struct Manifest: Codable, Equatable, Sendable {
    public var id: String
    public var title: String
    public var status: String
    public var created: String
    public var attachments: [Attachment]
    /// Address → name (`casebook alias`).
    public var aliases: [String: String]

    public init(id: String, title: String, created: String) {
        self.id = id
        self.title = title
        self.status = "open"
        self.created = created
        self.attachments = []
        self.aliases = [:]
    }

    public static func load(from url: URL) throws -> Manifest {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw CaseError("\(url.path): cannot read the case manifest")
        }
        do { return try YAMLDecoder().decode(Manifest.self, from: text) } catch {
            throw CaseError("\(url.path): the case manifest is not valid: \(Self.oneLine(error))")
        }
    }

    public func yaml() throws -> String {
        let encoder = YAMLEncoder()
        encoder.options.sortKeys = false
        return try encoder.encode(self)
    }

    static func oneLine(_ error: Error) -> String {
        "\(error)".split(whereSeparator: \.isNewline).first.map(String.init) ?? "\(error)"
    }
}

/// What kind of evidence a file is.
public enum AttachmentKind: String, Codable, Sendable, CaseIterable {
    case trace, log, config, note
}

/// One piece of evidence copied into the case.
public struct Attachment: Codable, Equatable, Sendable {
    /// File name inside `evidence/`.
    public var stored: String
    /// Path the user attached it from.
    public var original: String
    public var kind: AttachmentKind
    public var vantage: String?
    public var size: Int
    public var sha256: String
    public var attachedAt: String
    public var trace: TraceFacts?
    public var log: LogFacts?
    /// Seconds this trace's clock is ahead of true time, as the user stated it (`--clock-offset`).
    public var clockOffset: Double?
    /// Time zone of a log whose lines carry none (`--tz`), e.g. `Europe/Berlin` or `+01:00`.
    public var timeZone: String?

    enum CodingKeys: String, CodingKey {
        case stored, original, kind, vantage, size, sha256
        case attachedAt = "attached_at"
        case trace, log
        case clockOffset = "clock_offset", timeZone = "time_zone"
    }

    public init(stored: String, original: String, kind: AttachmentKind, vantage: String?, size: Int,
                sha256: String, attachedAt: String, trace: TraceFacts? = nil, log: LogFacts? = nil) {
        self.stored = stored
        self.original = original
        self.kind = kind
        self.vantage = vantage
        self.size = size
        self.sha256 = sha256
        self.attachedAt = attachedAt
        self.trace = trace
        self.log = log
    }
}

/// Facts about an attached trace, recorded at attach time.
public struct TraceFacts: Codable, Equatable, Sendable {
    public var format: String
    public var compressed: String?
    public var linkTypes: [String]
    public var packets: Int
    public var firstTime: String?
    public var lastTime: String?
    public var problems: [String]

    enum CodingKeys: String, CodingKey {
        case format, compressed
        case linkTypes = "link_types"
        case packets
        case firstTime = "first_time"
        case lastTime = "last_time"
        case problems
    }

    public init(format: String, compressed: String?, linkTypes: [String], packets: Int,
                firstTime: String?, lastTime: String?, problems: [String]) {
        self.format = format
        self.compressed = compressed
        self.linkTypes = linkTypes
        self.packets = packets
        self.firstTime = firstTime
        self.lastTime = lastTime
        self.problems = problems
    }
}

/// Facts about an attached log or config.
public struct LogFacts: Codable, Equatable, Sendable {
    public var format: String
    public var lines: Int
    public init(format: String, lines: Int) {
        self.format = format
        self.lines = lines
    }
}
