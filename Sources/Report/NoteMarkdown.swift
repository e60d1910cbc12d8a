import Foundation
import Ink
import Markup

/// The case's notes, written in Markdown by the engineer, as a tree the `markdown` template
/// renders with `{{value}}` escaping. Safe by construction: Ink turns the Markdown into HTML
/// (raw HTML and images in the note come out as the note's literal text), libxml2 parses that
/// HTML, and only an allow-list of elements survives; `href` is the only attribute kept, and only
/// for http, https and mailto links. Anything else keeps its text and loses its markup.
enum NoteMarkdown {
    /// Element kept → element written (note headings sit below the report's own h3).
    static let allowed: [String: String] = [
        "p": "p", "h1": "h4", "h2": "h5", "h3": "h6", "h4": "h6", "h5": "h6", "h6": "h6",
        "ul": "ul", "ol": "ol", "li": "li", "em": "em", "strong": "strong", "s": "s", "code": "code", "pre": "pre",
        "blockquote": "blockquote", "a": "a", "br": "br", "hr": "hr",
        "table": "table", "thead": "thead", "tbody": "tbody", "tr": "tr", "th": "th", "td": "td",
    ]
    static let void: Set<String> = ["br", "hr"]
    static let linkSchemes = ["http:", "https:", "mailto:"]

    private static func parser() -> MarkdownParser { MarkdownParser(modifiers: [
        // Raw HTML in a note is text the engineer typed (often a quoted log line): show it.
        Modifier(target: .html) { escape(String($0.markdown)) },
        // No remote images: a self-contained report makes no network requests.
        Modifier(target: .images) { escape(String($0.markdown)) },
    ]) }

    /// Template nodes for `markdown.mustache`; every node carries every key, so a Mustache
    /// lookup never falls through to an enclosing node.
    static func nodes(_ markdown: String) -> [[String: Any]] {
        let html = parser().html(from: markdown)
        return MarkupDocument.parseHTMLFragment(html).flatMap { node($0) }
    }

    static func node(_ c: MarkupContent) -> [[String: Any]] {
        switch c {
        case .text(let t):
            return [["isText": true, "text": Clean.text(t), "isVoid": false, "isElement": false, "tag": "", "hasHref": false, "href": "", "children": [[String: Any]]()]]
        case .element(let name, let attributes, let children):
            let inner = children.flatMap { node($0) }
            guard let tag = allowed[name.lowercased()] else { return inner }
            var href = ""
            if tag == "a" {
                let h = (attributes["href"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
                guard linkSchemes.contains(where: { h.lowercased().hasPrefix($0) }) else { return inner }
                href = Clean.text(h, limit: 2000)
            }
            return [["isText": false, "text": "", "isVoid": void.contains(tag), "isElement": !void.contains(tag), "tag": tag,
                     "hasHref": !href.isEmpty, "href": href, "children": inner]]
        }
    }

    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for ch in s {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(ch)
            }
        }
        return out
    }
}
