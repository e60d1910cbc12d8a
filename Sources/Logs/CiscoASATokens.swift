import Foundation
import Packets

/// Words of a Cisco ASA message text, read left to right.
struct ASATokens {
    let words: [Substring]
    private(set) var index = 0

    init(_ text: Substring) {
        words = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
    }

    var atEnd: Bool { index >= words.count }
    func peek() -> Substring? { atEnd ? nil : words[index] }
    var remaining: ArraySlice<Substring> { words[min(index, words.count)...] }

    mutating func next(_ what: String) throws(LineError) -> Substring {
        guard let w = peek() else { throw LineError("line ends before \(what) (cut short?)") }
        index += 1
        return w
    }

    /// Consumes `word` (case-insensitive) or throws naming it.
    mutating func expect(_ word: String) throws(LineError) {
        let w = try next("\"\(word)\"")
        guard w.caseInsensitiveCompare(word) == .orderedSame else { throw LineError("expected \"\(word)\", found \"\(w)\"") }
    }

    /// Moves past the next `word`, skipping what comes before it (user names, group tags).
    mutating func skip(past word: String) throws(LineError) {
        while let w = peek() {
            index += 1
            if w.caseInsensitiveCompare(word) == .orderedSame { return }
        }
        throw LineError("no \"\(word)\" part (line cut short?)")
    }

    /// A parenthesised `(address/port)` at the cursor, consumed when present.
    mutating func mapped() throws(LineError) -> ASAEndpoint? {
        guard let w = peek(), w.hasPrefix("("), w.hasSuffix(")"), w.count > 2 else { return nil }
        let inner = w.dropFirst().dropLast()
        // `(LOCAL\user)` and similar identity tags are not addresses.
        guard let slash = inner.lastIndex(of: "/"), IPAddress(String(inner[..<slash])) != nil else { return nil }
        index += 1
        return try ASAEndpoint(inner, field: "mapped address", needsPort: true)
    }
}

/// `interface:address/port` as Cisco ASA messages print an end of a connection (the interface
/// and the port are optional in some messages: `203.0.113.80/443`, `outside:10.1.1.1`).
struct ASAEndpoint: Equatable {
    var interface: String?
    var address: IPAddress
    var port: UInt16?

    init(interface: String?, address: IPAddress, port: UInt16?) {
        self.interface = interface
        self.address = address
        self.port = port
    }

    init(_ token: Substring, field: String, needsPort: Bool) throws(LineError) {
        var host = token
        var portText: Substring?
        if let slash = token.lastIndex(of: "/") {
            host = token[..<slash]
            portText = token[token.index(after: slash)...]
        }
        if let a = IPAddress(String(host)) {
            interface = nil
            address = a
        } else if let colon = host.firstIndex(of: ":") {
            var name = host[..<colon]
            // `inside(acl-name):…` in 305011/305012.
            if let paren = name.firstIndex(of: "(") { name = name[..<paren] }
            interface = name.isEmpty ? nil : String(name)
            address = try FieldValues.address(host[host.index(after: colon)...], field: field)
        } else {
            throw LineError("\(field) \"\(token)\" is not interface:address/port")
        }
        if let portText {
            port = try FieldValues.port(portText, field: "\(field) port")
        } else if needsPort {
            throw LineError("no port after \(field) \"\(token)\"")
        } else {
            port = nil
        }
    }

    /// `interface/address(port)` as in message 106100.
    init(slashForm token: Substring, field: String) throws(LineError) {
        guard let slash = token.firstIndex(of: "/") else { throw LineError("\(field) \"\(token)\" is not interface/address(port)") }
        interface = String(token[..<slash])
        var rest = token[token.index(after: slash)...]
        var portText: Substring?
        if rest.hasSuffix(")"), let open = rest.firstIndex(of: "(") {
            portText = rest[rest.index(after: open)..<rest.index(before: rest.endIndex)]
            rest = rest[..<open]
        }
        address = try FieldValues.address(rest, field: field)
        if let portText {
            port = try FieldValues.port(portText, field: "\(field) port")
        } else {
            port = nil
        }
    }
}
