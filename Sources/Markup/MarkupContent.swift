internal import CLibXML2
#if canImport(Glibc)
import Glibc
#endif

/// Mixed content in document order (text stays between the elements it sits between), for
/// walking HTML that another program produced.
public indirect enum MarkupContent: Equatable, Sendable {
    case text(String)
    case element(name: String, attributes: [String: String], children: [MarkupContent])
}

extension MarkupDocument {
    /// The content of an HTML fragment's body, parsed tolerantly as a browser would (libxml2's
    /// HTML parser, no network, errors neither thrown nor printed). Comments and processing
    /// instructions are dropped.
    public static func parseHTMLFragment(_ text: String) -> [MarkupContent] {
        guard !text.isEmpty else { return [] }
        let options = Int32(HTML_PARSE_NONET.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue)
        xmlSetStructuredErrorFunc(nil) { _, _ in }
        defer { xmlSetStructuredErrorFunc(nil, nil) }
        let wrapped = "<html><body>" + text + "</body></html>"
        guard let doc = wrapped.withCString({ htmlReadMemory($0, Int32(strlen($0)), "fragment", "UTF-8", options) }) else { return [] }
        defer { xmlFreeDoc(doc) }
        guard let root = xmlDocGetRootElement(doc) else { return [] }
        var node = root.pointee.children
        while let n = node {
            if n.pointee.type == XML_ELEMENT_NODE, String(cString: n.pointee.name) == "body" { return content(of: n) }
            node = n.pointee.next
        }
        return []
    }

    private static func content(of node: xmlNodePtr) -> [MarkupContent] {
        var out: [MarkupContent] = []
        var child = node.pointee.children
        while let c = child {
            switch c.pointee.type {
            case XML_ELEMENT_NODE:
                var attributes: [String: String] = [:]
                var attr = c.pointee.properties
                while let a = attr {
                    if let value = xmlNodeGetContent(UnsafeMutableRawPointer(a).assumingMemoryBound(to: xmlNode.self)) {
                        attributes[String(cString: a.pointee.name)] = String(cString: value)
                        casebook_xml_free(value)
                    }
                    attr = a.pointee.next
                }
                out.append(.element(name: String(cString: c.pointee.name), attributes: attributes, children: content(of: c)))
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let t = c.pointee.content { out.append(.text(String(cString: t))) }
            default: break
            }
            child = c.pointee.next
        }
        return out
    }
}
