import Diagnosis
import Foundation

/// Everything a report shows, gathered by the caller: the analysis document (with `exchanges`
/// filled for the connections findings cite), the case's notes, attachments and aliases.
/// Report never opens a trace or computes a verdict.
public struct ReportInput: Sendable {
    public enum Audience: String, Sendable, CaseIterable { case technical, executive, both }

    public struct AttachmentInfo: Sendable {
        public var name: String
        public var kind: String
        public var vantage: String?
        public var sha256: String
        public var size: Int
        public init(name: String, kind: String, vantage: String?, sha256: String, size: Int) {
            self.name = name; self.kind = kind; self.vantage = vantage; self.sha256 = sha256; self.size = size
        }
    }

    public var document: AnalysisDocument
    public var notes: [(time: String, text: String)]
    public var attachments: [AttachmentInfo]
    public var aliases: [String: String]
    public var audience: Audience
    public var generatedAt: String
    /// Log entries with a known time, for the timeline: seconds since the epoch and the line.
    public var logEvents: [(time: Double, text: String)]
    /// How many connections the analysis has, when `document.connections` holds only those the
    /// report lists (the first ``listedConnections``) and draws.
    public var connectionCount: Int

    /// Rows of the connections table.
    public static let listedConnections = 300
    /// Connections of each trace drawn on the timeline.
    public static let timelineConnectionsPerTrace = 400

    public init(document: AnalysisDocument, notes: [(time: String, text: String)], attachments: [AttachmentInfo],
                aliases: [String: String], audience: Audience, generatedAt: String, logEvents: [(time: Double, text: String)] = [],
                connectionCount: Int? = nil) {
        self.document = document; self.notes = notes; self.attachments = attachments
        self.aliases = aliases; self.audience = audience; self.generatedAt = generatedAt; self.logEvents = logEvents
        self.connectionCount = connectionCount ?? document.connections.count
    }
}

/// Text as it may appear in the report: control characters XML forbids are dropped and very long
/// values are cut (a 10 MB log line stays out of the page). HTML escaping is Mustache's job.
enum Clean {
    static func text(_ s: String, limit: Int = 4000) -> String {
        var out = String.UnicodeScalarView()
        var n = 0
        for u in s.unicodeScalars {
            if n >= limit { out.append(contentsOf: "…".unicodeScalars); break }
            let v = u.value
            let allowed = v == 0x09 || v == 0x0A || v == 0x0D || (v >= 0x20 && v < 0xD800) || (v >= 0xE000 && v < 0xFFFE) || v >= 0x10000
            if allowed { out.append(u); n += 1 }
        }
        return String(out)
    }
}
