/// A finding (diagnosis rules fill these; see the contract's finding ids).
public struct Finding: Codable, Sendable, Equatable {
    public var id: String
    public var severity: String
    public var confidence: String
    public var title: String
    public var plain: String
    public var technical: String
    public var connections: [ConnectionRef]
    public var evidence: [Evidence]
    public var displayFilter: String
    public var nextSteps: [String]
    /// What would prove the finding wrong.
    public var wouldDisprove: [String]

    enum CodingKeys: String, CodingKey {
        case id, severity, confidence, title, plain, technical, connections, evidence
        case displayFilter = "display_filter", nextSteps = "next_steps", wouldDisprove = "would_disprove"
    }

    public init(id: String, severity: Severity, confidence: Confidence, title: String, plain: String, technical: String,
                connections: [ConnectionRef], evidence: [Evidence], displayFilter: String, nextSteps: [String],
                wouldDisprove: [String]) {
        self.id = id
        self.severity = severity.rawValue
        self.confidence = confidence.rawValue
        self.title = title
        self.plain = plain
        self.technical = technical
        self.connections = connections
        self.evidence = evidence
        self.displayFilter = displayFilter
        self.nextSteps = nextSteps
        self.wouldDisprove = wouldDisprove
    }

    public enum Severity: String, Sendable { case error, warning, info }
    public enum Confidence: String, Sendable { case high, medium, low }

    public struct ConnectionRef: Codable, Sendable, Equatable {
        public var trace: String
        public var stream: Int
        public var client: String
        public var server: String
    }

    public struct Evidence: Codable, Sendable, Equatable {
        public var trace: String
        public var frame: Int
        public var text: String
        public var fields: [String: String]
        public init(trace: String, frame: Int, text: String, fields: [String: String]) {
            self.trace = trace
            self.frame = frame
            self.text = text
            self.fields = fields
        }
    }
}
