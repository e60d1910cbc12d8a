/// File-level facts about a trace, as capinfos would give them.
public struct TraceSummary: Hashable, Sendable {
    public var format: TraceFormat
    public var gzipCompressed: Bool
    /// Link types in order of first appearance (each interface's type, deduplicated).
    public var linkTypes: [LinkType]
    public var interfaces: [CaptureInterface]
    public var packets: Int
    public var firstTime: Timestamp?
    public var lastTime: Timestamp?
    public var problems: [TraceProblem]
}

extension TraceFile {
    /// Reads every frame once and returns the file's facts.
    public func summarize() -> TraceSummary {
        var reader = makeReader()
        var count = 0
        var first: Timestamp?
        var last: Timestamp?
        while let frame = reader.next() {
            count += 1
            if first == nil { first = frame.timestamp }
            last = frame.timestamp
        }
        var linkTypes: [LinkType] = []
        for iface in reader.interfaces where !linkTypes.contains(iface.linkType) {
            linkTypes.append(iface.linkType)
        }
        return TraceSummary(
            format: format, gzipCompressed: isGzipCompressed, linkTypes: linkTypes,
            interfaces: reader.interfaces, packets: count, firstTime: first, lastTime: last,
            problems: headerProblems + reader.problems)
    }
}
