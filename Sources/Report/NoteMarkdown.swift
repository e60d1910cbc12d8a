/// The case's notes, written in Markdown by the engineer, as a tree the `markdown` template
/// renders with `{{value}}` escaping. Safe by construction: the renderer only ever makes the
/// elements of a fixed list, text stays text (raw HTML in a note shows as typed), and a link
/// survives only to http, https or mailto (anything else, and images, show as the Markdown typed).
///
/// casebook's own renderer rather than a library: Ink 0.6.0 passes raw HTML through, and a note
/// of 20,000 `[` overflows its stack while 20,000 `<` take it 35 s; this one is line-based for
/// blocks (headings, paragraphs, lists, block quotes, fenced and indented code, rules), linear for
/// inlines (`MarkdownInline`), and its recursion (lists and quotes inside lists and quotes) stops
/// at `maxDepth`.
enum NoteMarkdown {
    static let maxDepth = 4

    /// Template nodes for `markdown.mustache`.
    static func nodes(_ markdown: String) -> [[String: Any]] { render(markdown).map(model) }

    static func render(_ markdown: String) -> [MarkdownNode] {
        blocks(markdown.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false), depth: 0)
    }

    /// Every node carries every key, so a Mustache lookup never falls through to an enclosing node.
    static func model(_ n: MarkdownNode) -> [String: Any] {
        switch n {
        case .text(let t):
            // A note is capped at 20,000 characters as a whole; a text node (a pasted log in a
            // code block) may use all of it.
            return ["isText": true, "text": Clean.text(t, limit: 20_000), "isVoid": false, "isElement": false, "tag": "", "hasHref": false, "href": "", "children": [[String: Any]]()]
        case .element(let tag, let children, let href):
            let void = tag == "br" || tag == "hr"
            return ["isText": false, "text": "", "isVoid": void, "isElement": !void, "tag": tag, "hasHref": href != nil,
                    "href": Clean.text(href ?? "", limit: 2000), "children": children.map(model)]
        }
    }

    static func blocks(_ lines: [Substring], depth: Int) -> [MarkdownNode] {
        var out: [MarkdownNode] = []
        var i = 0
        while i < lines.count {
            let line = lines[i], indent = indentation(line), body = line.drop { $0 == " " || $0 == "\t" }
            if body.isEmpty { i += 1; continue }
            if indent >= 4 {   // indented code
                var code: [Substring] = []
                while i < lines.count, indentation(lines[i]) >= 4 || isBlank(lines[i]) { code.append(dropIndent(lines[i], 4)); i += 1 }
                while code.last.map(isBlank) == true { code.removeLast() }
                out.append(.element("pre", [.element("code", [.text(code.joined(separator: "\n") + "\n")])]))
                continue
            }
            if let fence = fence(body) {
                var code: [Substring] = []
                i += 1
                while i < lines.count, !(indentation(lines[i]) < 4 && closes(lines[i], fence)) { code.append(dropIndent(lines[i], indent)); i += 1 }
                i += 1
                out.append(.element("pre", [.element("code", [.text(code.map { $0 + "\n" }.joined())])]))
                continue
            }
            if let (level, text) = heading(body) {
                out.append(.element(level == 1 ? "h4" : level == 2 ? "h5" : "h6", MarkdownInline.render(text)))
                i += 1; continue
            }
            if isRule(body) { out.append(.element("hr", [])); i += 1; continue }
            if body.hasPrefix(">") {
                var inner: [Substring] = []
                while i < lines.count, case let b = lines[i].drop(while: { $0 == " " }), b.hasPrefix(">") {
                    inner.append(b.dropFirst().hasPrefix(" ") ? b.dropFirst(2) : b.dropFirst()); i += 1
                }
                out.append(.element("blockquote", depth < maxDepth ? blocks(inner, depth: depth + 1) : [paragraph(inner)]))
                continue
            }
            if let first = marker(body) {
                var items: [MarkdownNode] = []
                while i < lines.count, indentation(lines[i]) < 4, let m = marker(lines[i].drop { $0 == " " }), m.ordered == first.ordered {
                    let base = indentation(lines[i]) + m.width
                    var content = [lines[i].drop { $0 == " " }.dropFirst(m.width)]
                    i += 1
                    // The item goes on while lines are indented under it, or are lazy paragraph lines.
                    while i < lines.count {
                        let l = lines[i]
                        if isBlank(l) {
                            guard i + 1 < lines.count, indentation(lines[i + 1]) >= base, !isBlank(lines[i + 1]) else { break }
                            content.append(""); i += 1; continue
                        }
                        if indentation(l) >= base { content.append(dropIndent(l, base)); i += 1; continue }
                        let b = l.drop { $0 == " " }
                        if marker(b) != nil || startsBlock(b) || isBlank(content.last ?? "") { break }
                        content.append(b); i += 1
                    }
                    let inner = depth < maxDepth ? blocks(content, depth: depth + 1) : [paragraph(content)]
                    // A tight item's single paragraph is its text.
                    if inner.count == 1, case .element("p", let kids, _) = inner[0] { items.append(.element("li", kids)) } else { items.append(.element("li", inner)) }
                    if i < lines.count, isBlank(lines[i]), i + 1 < lines.count, marker(lines[i + 1].drop { $0 == " " }) != nil { i += 1 }
                }
                out.append(.element(first.ordered ? "ol" : "ul", items))
                continue
            }
            var para: [Substring] = []
            while i < lines.count, !isBlank(lines[i]) {
                let b = lines[i].drop { $0 == " " || $0 == "\t" }
                if !para.isEmpty, startsBlock(b) || (marker(b).map { !$0.ordered || b.hasPrefix("1") } ?? false) { break }
                para.append(b); i += 1
            }
            out.append(paragraph(para))
        }
        return out
    }

    static func paragraph(_ lines: [Substring]) -> MarkdownNode {
        .element("p", MarkdownInline.render(String(lines.joined(separator: "\n")[...].trimmingTrailingSpaces())))
    }

    static func indentation(_ s: Substring) -> Int {
        var n = 0
        for ch in s { if ch == " " { n += 1 } else if ch == "\t" { n += 4 - n % 4 } else { break } }
        return n
    }
    static func isBlank(_ s: Substring) -> Bool { s.allSatisfy { $0 == " " || $0 == "\t" } }
    static func dropIndent(_ s: Substring, _ n: Int) -> Substring {
        var taken = 0, idx = s.startIndex
        while idx < s.endIndex, taken < n, s[idx] == " " || s[idx] == "\t" { taken += s[idx] == "\t" ? 4 - taken % 4 : 1; idx = s.index(after: idx) }
        return s[idx...]
    }
    static func startsBlock(_ b: Substring) -> Bool { fence(b) != nil || heading(b) != nil || isRule(b) || b.hasPrefix(">") }

    /// "```" or "~~~" (three or more): the fence's character and length.
    static func fence(_ b: Substring) -> (Character, Int)? {
        guard let ch = b.first, ch == "`" || ch == "~" else { return nil }
        let n = b.prefix { $0 == ch }.count
        return n >= 3 && (ch == "~" || !b.dropFirst(n).contains("`")) ? (ch, n) : nil
    }
    static func closes(_ line: Substring, _ fence: (Character, Int)) -> Bool {
        let b = line.drop { $0 == " " }
        let n = b.prefix { $0 == fence.0 }.count
        return n >= fence.1 && isBlank(b.dropFirst(n))
    }
    static func heading(_ b: Substring) -> (Int, String)? {
        let level = b.prefix { $0 == "#" }.count
        guard (1...6).contains(level) else { return nil }
        let rest = b.dropFirst(level)
        guard rest.isEmpty || rest.first == " " || rest.first == "\t" else { return nil }
        var text = rest.trimmingTrailingSpaces().drop { $0 == " " || $0 == "\t" }
        let closing = text.reversed().prefix { $0 == "#" }.count
        if closing > 0, closing == text.count || text.dropLast(closing).last == " " { text = text.dropLast(closing) }
        return (level, String(text.trimmingTrailingSpaces()))
    }
    static func isRule(_ b: Substring) -> Bool {
        guard let ch = b.first, ch == "-" || ch == "*" || ch == "_" else { return false }
        return b.allSatisfy { $0 == ch || $0 == " " || $0 == "\t" } && b.filter { $0 == ch }.count >= 3
    }
    /// "- ", "* ", "+ ", "1. ", "1) ": ordered or not, and how many characters the marker takes.
    static func marker(_ b: Substring) -> (ordered: Bool, width: Int)? {
        if let ch = b.first, ch == "-" || ch == "*" || ch == "+" {
            let next = b.dropFirst().first
            return next == nil || next == " " || next == "\t" ? (false, next == nil ? 1 : 2) : nil
        }
        let digits = b.prefix { $0.isASCII && $0.isNumber }.count
        guard (1...9).contains(digits), let d = b.dropFirst(digits).first, d == "." || d == ")" else { return nil }
        let next = b.dropFirst(digits + 1).first
        return next == nil || next == " " || next == "\t" ? (true, digits + (next == nil ? 1 : 2)) : nil
    }
}

extension Substring {
    func trimmingTrailingSpaces() -> Substring {
        let s = self
        var end = s.endIndex
        while end > s.startIndex, case let p = s.index(before: end), s[p] == " " || s[p] == "\t" || s[p] == "\n" { end = p }
        return s[s.startIndex..<end]
    }
}
