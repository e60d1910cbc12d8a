import Foundation

/// The cached analysis document as the report reads it: everything but the connections decoded
/// as usual, and of the connections (nine tenths of a large document) only the first `listed`,
/// the first `perTrace` of each trace and those a finding or a match names, as listing rows,
/// plus how many there are. Relies on the
/// layout ``JSONOutput`` writes (two spaces per level); any other layout is decoded in full.
extension AnalysisDocument {
    public static func decodeForReport(_ data: Data, listed: Int, perTrace: Int) throws -> (document: AnalysisDocument, connectionCount: Int) {
        let listing = JSONDecoder()
        listing.userInfo[.connectionListingOnly] = true
        let bytes = [UInt8](data)
        guard let open = find(Array("\n  \"connections\" : [".utf8), in: bytes, from: 0),
              let close = emptyArrayEnd(bytes, open) ?? find(Array("\n  ]".utf8), in: bytes, from: open.upperBound) else {
            let doc = try listing.decode(AnalysisDocument.self, from: data)
            return (doc, doc.connections.count)
        }
        // The document without its connections, then the connections it needs one by one.
        var rest = Array(bytes[..<open.upperBound])
        rest.append(UInt8(ascii: "]"))
        rest.append(contentsOf: bytes[close.upperBound...])
        var doc = try listing.decode(AnalysisDocument.self, from: Data(rest))
        var wanted = Set<String>()
        for f in doc.findings { for c in f.connections { wanted.insert("\(c.trace)#\(c.stream)") } }
        for m in doc.matches { wanted.insert("\(m.traceA)#\(m.streamA)"); wanted.insert("\(m.traceB)#\(m.streamB)") }
        let elementOpen = Array("\n    {".utf8), elementClose = Array("\n    }".utf8)
        var at = open.upperBound, count = 0
        // The kept entries as one JSON array, decoded at once.
        var kept: [UInt8] = [UInt8(ascii: "[")]
        var seenPerTrace: [String: Int] = [:]
        while let start = find(elementOpen, in: bytes, from: at), start.lowerBound < close.lowerBound,
              let end = find(elementClose, in: bytes, from: start.upperBound) {
            let element = bytes[(start.lowerBound + 1)..<end.upperBound]
            var keep = count < listed
            if let (trace, key) = identity(element) {
                seenPerTrace[trace, default: 0] += 1
                keep = keep || seenPerTrace[trace]! <= perTrace || wanted.contains(key)
            } else {
                keep = true // an escaped name: read it properly
            }
            if keep {
                if kept.count > 1 { kept.append(UInt8(ascii: ",")) }
                kept.append(contentsOf: element)
            }
            count += 1
            at = end.upperBound
        }
        kept.append(UInt8(ascii: "]"))
        doc.connections = try listing.decode([ConnectionEntry].self, from: Data(kept))
        return (doc, count)
    }

    /// `"connections" : []` (no newline before the closing bracket).
    private static func emptyArrayEnd(_ bytes: [UInt8], _ open: Range<Int>) -> Range<Int>? {
        open.upperBound < bytes.count && bytes[open.upperBound] == UInt8(ascii: "]") ? open.upperBound..<(open.upperBound + 1) : nil
    }

    /// The trace and "trace#stream" of a connection entry read off its lines, or nil when the
    /// trace name is escaped.
    private static func identity(_ element: ArraySlice<UInt8>) -> (trace: String, key: String)? {
        let e = element
        guard let s = find(streamLine, in: e, from: e.startIndex),
              let t = find(traceLine, in: e, from: e.startIndex) else { return nil }
        var stream = 0, i = s.upperBound
        while i < e.endIndex, (0x30...0x39).contains(e[i]) { stream = stream * 10 + Int(e[i] - 0x30); i += 1 }
        var j = t.upperBound
        while j < e.endIndex, e[j] != UInt8(ascii: "\"") {
            if e[j] == UInt8(ascii: "\\") { return nil }
            j += 1
        }
        let trace = String(decoding: e[t.upperBound..<j], as: UTF8.self)
        return (trace, trace + "#\(stream)")
    }

    private static let streamLine = Array("\n      \"stream\" : ".utf8)
    private static let traceLine = Array("\n      \"trace\" : \"".utf8)

    /// The first `needle` in `hay` at or after index `from`: memchr to each candidate first byte,
    /// memcmp for the rest (tens of MB in milliseconds).
    private static func find<C: Collection<UInt8>>(_ needle: [UInt8], in hay: C, from: C.Index) -> Range<Int>? where C.Index == Int {
        guard from <= hay.endIndex, !needle.isEmpty else { return nil }
        let found: Int?? = hay.withContiguousStorageIfAvailable { h in
            needle.withUnsafeBufferPointer { n in
                guard let base = h.baseAddress, let nb = n.baseAddress else { return nil }
                var i = from - hay.startIndex
                while h.count - i >= n.count {
                    guard let hit = memchr(base + i, Int32(nb[0]), h.count - i - n.count + 1) else { return nil }
                    let at = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
                    if memcmp(base + at, nb, n.count) == 0 { return hay.startIndex + at }
                    i = at + 1
                }
                return nil
            }
        }
        guard let start = found ?? nil else { return nil }
        return start..<(start + needle.count)
    }
}
