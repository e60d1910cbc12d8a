internal import CLibXML2
#if canImport(Glibc)
import Glibc
#endif

/// A parsed XML or HTML document as a read-only Swift tree. libxml2 parses with no network
/// access and no external entities; no C type leaves this module.
public struct MarkupNode: Equatable, Sendable {
    public var name: String
    public var attributes: [String: String]
    public var children: [MarkupNode]
    /// Concatenated text of this element's direct text children.
    public var text: String

    /// Depth-first search for elements named `name`.
    public func elements(named name: String) -> [MarkupNode] {
        var out: [MarkupNode] = []
        if self.name == name { out.append(self) }
        for c in children { out += c.elements(named: name) }
        return out
    }
}

/// A parse failure with libxml2's own message and position.
public struct MarkupError: Error, Equatable, CustomStringConvertible {
    public var source: String
    public var line: Int
    public var message: String
    public var description: String { "\(source):\(line): \(message)" }
}

private final class ErrorCollector {
    var first: (Int, String)?
}

public enum MarkupDocument {
    /// Parses well-formed XML (XHTML and SVG included). Throws on the first well-formedness error.
    public static func parseXML(_ text: String, source: String = "document") throws -> MarkupNode {
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_HUGE.rawValue)
        return try parse(text, source: source) { bytes, count in
            xmlReadMemory(bytes, count, source, "UTF-8", options)
        }
    }

    /// Parses HTML with libxml2's HTML parser (tolerant, like a browser), reporting errors it met.
    public static func parseHTML(_ text: String, source: String = "document") throws -> MarkupNode {
        let options = Int32(HTML_PARSE_NONET.rawValue)
        return try parse(text, source: source) { bytes, count in
            htmlReadMemory(bytes, count, source, "UTF-8", options)
        }
    }

    /// Throws the first well-formedness error of `text` as XML, or returns quietly.
    public static func checkWellFormed(_ text: String, source: String = "document") throws {
        _ = try parseXML(text, source: source)
    }

    private static func parse(_ text: String, source: String,
                              _ read: (UnsafePointer<CChar>, Int32) -> xmlDocPtr?) throws -> MarkupNode {
        // Collect the first error through a structured handler (nothing is printed).
        let collector = ErrorCollector()
        let context = Unmanaged.passRetained(collector).toOpaque()
        xmlSetStructuredErrorFunc(context) { ctx, error in
            guard let ctx, let error else { return }
            let c = Unmanaged<ErrorCollector>.fromOpaque(ctx).takeUnretainedValue()
            guard c.first == nil, error.pointee.level.rawValue >= XML_ERR_ERROR.rawValue else { return }
            let text = error.pointee.message.map { String(cString: $0) } ?? "parse error"
            c.first = (Int(error.pointee.line), text.split(whereSeparator: \.isNewline).joined(separator: " "))
        }
        let doc: xmlDocPtr? = text.withCString { read($0, Int32(strlen($0))) }
        xmlSetStructuredErrorFunc(nil, nil)
        Unmanaged<ErrorCollector>.fromOpaque(context).release()
        if let (line, message) = collector.first {
            if let doc { xmlFreeDoc(doc) }
            throw MarkupError(source: source, line: line, message: message)
        }
        guard let doc else { throw MarkupError(source: source, line: 0, message: "empty document") }
        defer { xmlFreeDoc(doc) }
        guard let root = xmlDocGetRootElement(doc) else {
            throw MarkupError(source: source, line: 0, message: "no root element")
        }
        return convert(root)
    }

    private static func convert(_ node: xmlNodePtr) -> MarkupNode {
        var attributes: [String: String] = [:]
        var attr = node.pointee.properties
        while let a = attr {
            let name = String(cString: a.pointee.name)
            if let value = xmlNodeGetContent(UnsafeMutableRawPointer(a).assumingMemoryBound(to: xmlNode.self)) {
                attributes[name] = String(cString: value)
                casebook_xml_free(value)
            }
            attr = a.pointee.next
        }
        var children: [MarkupNode] = []
        var text = ""
        var child = node.pointee.children
        while let c = child {
            switch c.pointee.type {
            case XML_ELEMENT_NODE: children.append(convert(c))
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = c.pointee.content { text += String(cString: content) }
            default: break
            }
            child = c.pointee.next
        }
        return MarkupNode(name: String(cString: node.pointee.name), attributes: attributes, children: children, text: text)
    }
}
