import Diagnosis
import Foundation

/// Geometry of one ladder diagram for the same connection seen at two vantage points, side by
/// side on one time axis: client | capture A | capture B | server (same segments, or translated
/// by NAT), or client | middlebox | server when a device terminates TCP (proxied). Each trace's
/// arrows run between its own lanes; the second trace's times are moved onto the first trace's
/// clock by the document's estimated offset. Addresses of one host that differ between the two
/// vantage points (NAT) share one lane labelled with all of them.
enum VantageLadderLayout {
    static let width = 1000.0
    static let top = 92.0

    struct Member {
        var entry: AnalysisDocument.ConnectionEntry
        var exchange: AnalysisDocument.Exchange
    }

    static func layout(_ members: [Member], methods: Set<String>, doc: AnalysisDocument,
                       evidence: [String: Set<Int>], aliases: [String: String]) -> [String: Any]? {
        var traces: [String] = []
        for m in members where !traces.contains(m.entry.trace) { traces.append(m.entry.trace) }
        guard traces.count >= 2, let start0 = instant(members[0].entry.startTime) else { return nil }
        // Every trace on the clock of the first one, then ordered by where the connection starts:
        // the trace that sees it first is nearer the client and goes on the left.
        let reference = traces[0]
        var shift: [String: Double] = [:], applied: [String: AnalysisDocument.Offset] = [:]
        for t in traces {
            if let o = doc.clockOffsets.first(where: { $0.traceA == reference && $0.traceB == t }) { shift[t] = -o.offsetS; applied[t] = o }
            else if let o = doc.clockOffsets.first(where: { $0.traceA == t && $0.traceB == reference }) { shift[t] = o.offsetS; applied[t] = o }
            else { shift[t] = 0 }
        }
        func time(_ m: Member) -> Double {
            guard let s = instant(m.entry.startTime) else { return 0 }
            return (s.whole - start0.whole) + (s.fraction - start0.fraction) + (shift[m.entry.trace] ?? 0)
        }
        let firstSeen = Dictionary(members.map { ($0.entry.trace, time($0)) }, uniquingKeysWith: min)
        var sides = Array(traces.sorted { (firstSeen[$0] ?? 0, traces.firstIndex(of: $0)!) < (firstSeen[$1] ?? 0, traces.firstIndex(of: $1)!) }.prefix(2))
        // Which trace is nearer the client is the analysis's call (client_side of the match);
        // the first sighting only orders traces the document does not settle.
        let drawnStreams = Set(members.map { "\($0.entry.trace)#\($0.entry.stream)" })
        if let settled = doc.matches.first(where: { m in
               drawnStreams.contains("\(m.traceA)#\(m.streamA)") && drawnStreams.contains("\(m.traceB)#\(m.streamB)")
                   && Set([m.traceA, m.traceB]) == Set(sides) })?.clientSide,
           sides.last == settled {
            sides.reverse()
        }
        let left = sides.first!, right = sides.last!
        let proxied = methods.contains("proxied")
        let x: [Double] = proxied ? [110, 500, 890] : [110, 440, 560, 890]
        let (leftFrom, leftTo, rightFrom, rightTo) = proxied ? (x[0], x[1], x[1], x[2]) : (x[0], x[1], x[2], x[3])

        // Lanes: hosts with every address they have at either vantage point, and the vantage points.
        let drawn = members.filter { $0.entry.trace == left || $0.entry.trace == right }
        func lane(_ endpoints: [String]) -> (addresses: String, detail: String) {
            var hosts: [String] = [], ports: [String] = []
            for e in endpoints {
                let (h, p) = split(e)
                if !hosts.contains(h) { hosts.append(h) }
                if !ports.contains(p) { ports.append(p) }
            }
            let names = hosts.compactMap { aliases[$0] }
            return (hosts.joined(separator: " / "), ([ports.count == 1 ? "port \(ports[0])" : "ports " + ports.joined(separator: ", ")] + names.map { "(\($0))" }).joined(separator: " "))
        }
        let client = lane(drawn.map(\.entry.client)), server = lane(drawn.map(\.entry.server))
        let clientFolded = client.addresses.contains(" / "), serverFolded = server.addresses.contains(" / ")
        func vantage(_ t: String) -> String { doc.traces.first { $0.name == t }?.vantage.map { "vantage \($0)" } ?? "capture point" }
        var lanes: [[String: Any]] = [laneModel(x[0], "client", client.addresses, client.detail)]
        if proxied {
            lanes.append(laneModel(x[1], "middlebox", "terminates TCP", "(proxy or firewall)"))
        } else {
            lanes.append(laneModel(x[1], "capture", left, vantage(left)))
            lanes.append(laneModel(x[2], "capture", right, vantage(right)))
        }
        lanes.append(laneModel(x.last!, "server", server.addresses, server.detail))
        let halves: [[String: Any]] = [
            ["x": fmt((leftFrom + leftTo) / 2), "label": Clean.text("◂ seen in \(left) ▸", limit: 60)],
            ["x": fmt((rightFrom + rightTo) / 2), "label": Clean.text("◂ seen in \(right) ▸", limit: 60)],
        ]

        // Rows of both traces on one axis.
        var lost = Set<String>(), created = Set<String>()
        for m in doc.matches where traces.contains(m.traceA) && traces.contains(m.traceB) {
            for r in m.lostBetween ?? [] { lost.insert("\(r.trace)#\(r.frame)") }
            for r in m.createdBetween ?? [] { created.insert("\(r.trace)#\(r.frame)") }
        }
        var rows: [(t: Double, member: Member, row: AnalysisDocument.Exchange.Row)] = []
        for m in drawn { let t0 = time(m); for r in m.exchange.rows { rows.append((t0 + r.time, m, r)) } }
        rows.sort { ($0.t, $0.member.entry.trace == left ? 0 : 1, $0.row.frame) < ($1.t, $1.member.entry.trace == left ? 0 : 1, $1.row.frame) }
        let origin = rows.first?.t ?? 0
        var y = top, previous: Double?, previousTagged = false, arrows: [[String: Any]] = [], gaps: [[String: Any]] = []
        for (t, m, r) in rows {
            if let p = previous {
                let dt = max(0, t - p)
                let extra = min(LadderLayout.maxGap, dt <= 0 ? 0 : 8 * log10(1 + dt * 1000))
                if dt >= 1 || r.skippedBefore > 0 {
                    let skipped = r.skippedBefore > 0 ? "\(r.skippedBefore) packets of \(Clean.text(m.entry.trace, limit: 200)) not drawn, " : ""
                    gaps.append(["y": fmt(y + (LadderLayout.rowGap + extra) / 2 - 4), "label": skipped + duration(dt)])
                }
                y += LadderLayout.rowGap + extra + (previousTagged ? LadderLayout.tagGap : 0)
            }
            previous = t
            let onLeft = m.entry.trace == left
            let (a, b) = onLeft ? (leftFrom, leftTo) : (rightFrom, rightTo)
            let (from, to) = r.fromClient ? (a, b) : (b, a)
            var label = "#\(r.frame) \(r.flags) seq=\(r.seq)"
            if let ack = r.ack { label += " ack=\(ack)" }
            if r.length > 0 { label += " len=\(r.length)" }
            label += " ttl=\(r.ttl)"
            if serverFolded { label += (r.fromClient ? " → " : " from ") + split(m.exchange.server).host }
            else if clientFolded { label += (r.fromClient ? " from " : " → ") + split(m.exchange.client).host }
            var tags = r.tags
            let ref = "\(m.entry.trace)#\(r.frame)", other = onLeft ? right : left
            if lost.contains(ref) { tags.append(proxied ? "not relayed: absent from \(other)" : "not seen in \(other)") }
            if created.contains(ref) { tags.append(proxied ? "made by the middlebox" : "not in \(other): made between the capture points") }
            previousTagged = !tags.isEmpty
            let isEvidence = evidence[m.entry.trace]?.contains(r.frame) == true
            let cls = r.flags.contains("RST") ? "rst" : r.flags.contains("SYN") ? "syn" : r.flags.contains("FIN") ? "fin" : r.length > 0 ? "data" : "ack"
            arrows.append([
                "x1": fmt(from), "y1": fmt(y), "x2": fmt(to + (r.fromClient ? -6 : 6)), "y2": fmt(y + 10),
                "tx": fmt((a + b) / 2), "ty": fmt(y - 3), "tyTime": fmt(y + 4), "label": Clean.text(label),
                "tags": Clean.text(tags.joined(separator: " · ")), "cls": isEvidence ? "\(cls) evidence" : cls,
                "time": String(format: "%.6f", t - origin), "head": LadderLayout.arrowHead(x: to, y: y + 10, pointingRight: r.fromClient),
            ])
        }
        let height = y + 40
        let streams = traces.filter { $0 == left || $0 == right }.map { t in
            "\(t) stream " + drawn.filter { $0.entry.trace == t }.map { "\($0.entry.stream)" }.joined(separator: ", ")
        }.joined(separator: " and ")
        let how = proxied ? "a device between the capture points terminates TCP, so each side is its own connection"
            : methods.contains("translated") ? "the same segments, with addresses translated by NAT between the capture points"
            : "the same segments at both capture points"
        let omitted = drawn.reduce(0) { $0 + $1.exchange.omitted }
        let caption = "\(streams), side by side (\(how)). " + clock(right, reference: left, applied: applied, shift: shift)
            + " Time runs down (seconds since the first packet, left); thick arrows are the frames the finding cites."
            + (omitted > 0 ? " \(omitted) packets are not drawn." : "")
        return [
            "width": fmt(width), "height": fmt(height), "laneTop": "66", "laneBottom": fmt(height - 10),
            "lanes": lanes, "halves": halves, "hasMiddle": !proxied, "middleX": fmt((x[1] + x[2]) / 2),
            "arrows": arrows, "gaps": gaps, "gapX": fmt(width / 2), "caption": Clean.text(caption),
            "ariaLabel": Clean.text("Ladder diagram of \(streams) side by side"),
        ]
    }

    /// How the right trace's clock was put onto the left one's, for the caption.
    static func clock(_ t: String, reference r: String, applied: [String: AnalysisDocument.Offset], shift: [String: Double]) -> String {
        let o = applied[t] ?? applied[r]
        guard let o else {
            return "No clock offset between \(r) and \(t) is known (the analysis could not estimate one), so times are drawn as recorded."
        }
        // Shift that moves `t` onto `r`'s clock (zero for the reference itself).
        let moved = (shift[t] ?? 0) - (shift[r] ?? 0)
        let source = o.stated == true || o.basis == "stated" ? "stated with attach --clock-offset"
            : o.basis == "proxied" ? "estimated from bytes the device relayed, \(o.samples) packet pair(s)"
            : "estimated from \(o.samples) packet(s) both capture points saw"
        let uncertainty = o.uncertaintyS.map { " ± " + duration($0) } ?? ""
        return "Times of \(t) are shifted by \(signed(moved)) onto \(r)'s clock (clock offset of \(o.traceB) against \(o.traceA): \(signed(o.offsetS))\(uncertainty), \(source))."
    }

    /// "+18 µs", "−1.250 ms", "0 µs".
    static func signed(_ v: Double) -> String {
        let d = duration(abs(v))
        return d == "0 µs" ? d : (v < 0 ? "−" : "+") + d
    }

    static func laneModel(_ x: Double, _ role: String, _ title: String, _ detail: String) -> [String: Any] {
        ["x": fmt(x), "role": role, "title": Clean.text(title, limit: 70), "detail": Clean.text(detail, limit: 70)]
    }

    /// "10.1.1.1:80" or "[2001:db8::1]:80" → host and port.
    static func split(_ endpoint: String) -> (host: String, port: String) {
        if endpoint.hasPrefix("["), let close = endpoint.firstIndex(of: "]") {
            return (String(endpoint[endpoint.index(after: endpoint.startIndex)..<close]), String(endpoint[close...].dropFirst(2)))
        }
        guard let colon = endpoint.lastIndex(of: ":") else { return (endpoint, "") }
        return (String(endpoint[..<colon]), String(endpoint[endpoint.index(after: colon)...]))
    }

    /// An RFC 3339 time as whole seconds since the epoch and the fraction, kept apart so that
    /// microseconds survive the subtraction.
    static func instant(_ s: String) -> (whole: Double, fraction: Double)? {
        guard s.count >= 20 else { return nil }
        let main = String(s.prefix(19)) + (s.hasSuffix("Z") ? "Z" : String(s.suffix(6)))
        guard let whole = TimelineLayout.seconds(main) else { return nil }
        var fraction = 0.0
        if let dot = s.firstIndex(of: "."), s.distance(from: s.startIndex, to: dot) == 19 {
            fraction = Double("0." + s[s.index(after: dot)...].prefix { $0.isNumber }) ?? 0
        }
        return (whole, fraction)
    }

    static func duration(_ s: Double) -> String {
        s < 0.001 ? String(format: "%.0f µs", s * 1e6) : s < 1 ? String(format: "%.3f ms", s * 1000) : String(format: "%.3f s", s)
    }

    static func fmt(_ v: Double) -> String { String(format: "%.1f", v) }
}
