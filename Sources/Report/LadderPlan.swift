import Diagnosis

/// Which ladder diagrams the report draws, decided from the analysis document alone: per finding
/// (in report order) its cited connections, each together with the same connection at other
/// vantage points (the document's `matches`) in one side-by-side diagram. A few diagrams per
/// finding and a few dozen per report keep the page readable and small; the rest is counted.
public enum LadderPlan {
    public static let perFinding = 3
    public static let perReport = 60

    public struct Key: Hashable, Sendable {
        public var trace: String
        public var stream: Int
        public init(trace: String, stream: Int) { self.trace = trace; self.stream = stream }
    }

    /// One diagram: a single connection, or the same connection seen in several traces.
    struct Diagram {
        var members: [Key]
        /// Match methods linking the members (`same-segments`, `translated`, `proxied`).
        var methods: Set<String>
    }

    struct FindingPlan {
        var diagrams: [Diagram]
        /// Cited connections not drawn (budget spent).
        var notDrawn: Int
    }

    /// Findings in report order: errors, warnings, then the rest, each kind in document order.
    static func ordered(_ findings: [Finding]) -> [Finding] {
        let rank = ["error": 0, "warning": 1, "info": 2]
        return findings.enumerated().sorted { (rank[$0.element.severity] ?? 3, $0.offset) < (rank[$1.element.severity] ?? 3, $1.offset) }.map(\.element)
    }

    static func plan(_ doc: AnalysisDocument) -> [FindingPlan] {
        var links: [Key: [(Key, String)]] = [:]
        for m in doc.matches {
            let a = Key(trace: m.traceA, stream: m.streamA), b = Key(trace: m.traceB, stream: m.streamB)
            links[a, default: []].append((b, m.method))
            links[b, default: []].append((a, m.method))
        }
        var budget = perReport
        return ordered(doc.findings).map { f in
            var diagrams: [Diagram] = []
            var covered = Set<Key>()
            for c in f.connections {
                let key = Key(trace: c.trace, stream: c.stream)
                if covered.contains(key) { continue }
                guard diagrams.count < perFinding, budget > 0 else { break }
                // The connected component of this connection through the matches.
                var members = [key], methods = Set<String>(), seen: Set<Key> = [key], i = 0
                while i < members.count {
                    for (other, method) in links[members[i]] ?? [] {
                        methods.insert(method)
                        if seen.insert(other).inserted { members.append(other) }
                    }
                    i += 1
                }
                covered.formUnion(members)
                diagrams.append(Diagram(members: members, methods: methods))
                budget -= 1
            }
            let cited = Set(f.connections.map { Key(trace: $0.trace, stream: $0.stream) })
            return FindingPlan(diagrams: diagrams, notDrawn: cited.subtracting(covered).count)
        }
    }

    /// Every connection a diagram draws, with its client and server as the document names them,
    /// so the caller can fetch exactly those packet rows (`AnalysisDocument.exchanges`).
    public static func connections(_ doc: AnalysisDocument) -> [Key: (client: String, server: String)] {
        let keys = Set(plan(doc).flatMap { $0.diagrams.flatMap(\.members) })
        var out: [Key: (client: String, server: String)] = [:]
        for c in doc.connections where keys.contains(Key(trace: c.trace, stream: c.stream)) {
            out[Key(trace: c.trace, stream: c.stream)] = (c.client, c.server)
        }
        // A cited connection missing from the connection list still has its finding's endpoints.
        for f in doc.findings { for c in f.connections where keys.contains(Key(trace: c.trace, stream: c.stream)) {
            let k = Key(trace: c.trace, stream: c.stream)
            if out[k] == nil { out[k] = (c.client, c.server) }
        } }
        return out
    }
}
