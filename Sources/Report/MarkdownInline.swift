/// A node of a rendered note: text, or an allow-listed element.
enum MarkdownNode: Equatable {
    case text(String)
    /// `href` only for `a`, and only http, https or mailto.
    case element(String, [MarkdownNode], href: String? = nil)
}

/// Inline Markdown (code spans, links, autolinks, emphasis, hard breaks, backslash escapes) in
/// one pass over the text. Every search for a closing mark is a table lookup or is remembered
/// when it fails, and emphasis is paired with a bounded stack, so time stays linear and nothing
/// recurses on the input's nesting: a note of 20,000 `[` or `<` renders as fast as prose.
struct MarkdownInline {
    static let linkSchemes = ["http://", "https://", "mailto:"]
    static let maxOpenEmphasis = 32

    private let c: [Character]
    /// For each position, the index of the next `]`, `)`, `>` and whitespace at or after it.
    private var nextBracket: [Int] = [], nextParen: [Int] = [], nextAngle: [Int] = [], nextSpace: [Int] = []

    init(_ text: String) {
        c = Array(text)
        let n = c.count
        nextBracket = Array(repeating: n, count: n + 1); nextParen = nextBracket; nextAngle = nextBracket; nextSpace = nextBracket
        for i in stride(from: n - 1, through: 0, by: -1) {
            nextBracket[i] = c[i] == "]" ? i : nextBracket[i + 1]
            nextParen[i] = c[i] == ")" ? i : nextParen[i + 1]
            nextAngle[i] = c[i] == ">" ? i : nextAngle[i + 1]
            nextSpace[i] = c[i].isWhitespace ? i : nextSpace[i + 1]
        }
    }

    static func render(_ text: String) -> [MarkdownNode] {
        let p = MarkdownInline(text)
        return p.parse(0, p.c.count, links: true)
    }

    /// A frame of the emphasis stack: the opening run and what came after it.
    private struct Frame { var mark: Character; var count: Int; var children: [MarkdownNode] }

    private func parse(_ start: Int, _ end: Int, links: Bool) -> [MarkdownNode] {
        var stack = [Frame(mark: " ", count: 0, children: [])]
        var pending = ""
        var failedCode = Set<Int>()   // backtick run lengths with no closing run further on
        func flush() { if !pending.isEmpty { stack[stack.count - 1].children.append(.text(pending)); pending = "" } }
        func append(_ n: MarkdownNode) { flush(); stack[stack.count - 1].children.append(n) }
        var i = start
        while i < end {
            let ch = c[i]
            if ch == "\\", i + 1 < end, c[i + 1].isASCII, c[i + 1].isPunctuation || c[i + 1].isSymbol {
                pending.append(c[i + 1]); i += 2; continue
            }
            if ch == "\n" {
                // Two spaces before a line end are a hard break.
                if pending.hasSuffix("  ") { pending = String(pending.dropLast(2)); append(.element("br", [])) } else { pending.append(" ") }
                i += 1; continue
            }
            if ch == "`" {
                var n = 0
                while i + n < end, c[i + n] == "`" { n += 1 }
                if !failedCode.contains(n), let close = closingRun(from: i + n, end: end, count: n) {
                    append(.element("code", [.text(String(c[(i + n)..<close]))]))
                    i = close + n
                } else {
                    failedCode.insert(n)
                    pending += String(repeating: "`", count: n); i += n
                }
                continue
            }
            if links, ch == "[" || (ch == "!" && i + 1 < end && c[i + 1] == "["), let (textEnd, urlStart, urlEnd) = link(at: ch == "!" ? i + 1 : i, end: end) {
                let url = String(c[urlStart..<urlEnd])
                if ch == "[", Self.linkSchemes.contains(where: { url.lowercased().hasPrefix($0) }) {
                    append(.element("a", parse(i + 1, textEnd, links: false), href: url))
                } else {
                    pending += String(c[i...urlEnd])   // images and other schemes: the Markdown as typed
                }
                i = urlEnd + 1; continue
            }
            if links, ch == "<", nextAngle[i] < end {
                let close = nextAngle[i], inner = String(c[(i + 1)..<close])
                if nextSpace[i] > close, Self.linkSchemes.contains(where: { inner.lowercased().hasPrefix($0) }), !inner.contains("<") {
                    append(.element("a", [.text(inner)], href: inner)); i = close + 1; continue
                }
            }
            if ch == "*" || ch == "_" {
                var n = 0
                while i + n < end, c[i + n] == ch { n += 1 }
                let before: Character? = i > start ? c[i - 1] : nil, after: Character? = i + n < end ? c[i + n] : nil
                var canOpen = after.map { !$0.isWhitespace } ?? false
                var canClose = before.map { !$0.isWhitespace } ?? false
                if ch == "_" {
                    canOpen = canOpen && !(before?.isLetter == true || before?.isNumber == true)
                    canClose = canClose && !(after?.isLetter == true || after?.isNumber == true)
                }
                if n <= 3, canClose, let k = stack.indices.dropFirst().last(where: { stack[$0].mark == ch && stack[$0].count == n }) {
                    flush()
                    while stack.count - 1 > k { unwind(&stack) }
                    let f = stack.removeLast()
                    let node: MarkdownNode = n == 1 ? .element("em", f.children)
                        : n == 2 ? .element("strong", f.children) : .element("strong", [.element("em", f.children)])
                    stack[stack.count - 1].children.append(node)
                } else if n <= 3, canOpen, stack.count <= Self.maxOpenEmphasis {
                    flush()
                    stack.append(Frame(mark: ch, count: n, children: []))
                } else {
                    pending += String(repeating: ch, count: n)
                }
                i += n; continue
            }
            pending.append(ch); i += 1
        }
        flush()
        while stack.count > 1 { unwind(&stack) }
        return merged(stack[0].children)
    }

    /// An unclosed emphasis run becomes text again, its content joins the frame below.
    private func unwind(_ stack: inout [Frame]) {
        let f = stack.removeLast()
        stack[stack.count - 1].children.append(.text(String(repeating: f.mark, count: f.count)))
        stack[stack.count - 1].children += f.children
    }

    /// The next run of exactly `count` backticks from `from`, or nil.
    private func closingRun(from: Int, end: Int, count: Int) -> Int? {
        var j = from
        while j < end {
            guard c[j] == "`" else { j += 1; continue }
            var n = 0
            while j + n < end, c[j + n] == "`" { n += 1 }
            if n == count { return j }
            j += n
        }
        return nil
    }

    /// `[text](url)` starting at `[`: end of text, start and end of the url (no spaces in it).
    private func link(at i: Int, end: Int) -> (Int, Int, Int)? {
        let close = nextBracket[i + 1]
        guard close + 1 < end, c[close + 1] == "(" else { return nil }
        let urlStart = close + 2, paren = nextParen[urlStart]
        guard paren < end, paren > urlStart, nextSpace[urlStart] > paren else { return nil }
        return (close, urlStart, paren)
    }

    /// Adjacent text nodes joined.
    private func merged(_ nodes: [MarkdownNode]) -> [MarkdownNode] {
        var out: [MarkdownNode] = []
        for n in nodes {
            if case .text(let t) = n, case .text(let prev)? = out.last { out[out.count - 1] = .text(prev + t) } else { out.append(n) }
        }
        return out
    }
}
