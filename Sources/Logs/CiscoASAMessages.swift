import Foundation
import Packets

/// Message layouts from "Cisco Secure Firewall ASA Series Syslog Messages".
extension CiscoASAParser {
    /// 302013 / 302015: `Built {inbound|outbound} {TCP|UDP} connection <id> for
    /// <if>:<real>/<port> (<mapped>/<port>) [(<user>)] to <if>:<real>/<port> (<mapped>/<port>) [(<user>)]`.
    static func built(_ t: inout ASATokens, into e: inout LogEntry) throws(LineError) {
        try t.expect("Built")
        let way = try t.next("inbound/outbound")
        switch way.lowercased() {
        case "inbound": e.direction = .inbound
        case "outbound": e.direction = .outbound
        default: throw LineError("\"\(way)\" is neither inbound nor outbound")
        }
        e.ipProtocol = FieldValues.ipProtocol(try t.next("protocol"))
        try t.expect("connection")
        e.connectionID = try connectionID(&t)
        try t.expect("for")
        let forEnd = try ASAEndpoint(try t.next("the \"for\" end"), field: "\"for\" end", needsPort: true)
        let forMapped = try t.mapped()
        try t.skip(past: "to")
        let toEnd = try ASAEndpoint(try t.next("the \"to\" end"), field: "\"to\" end", needsPort: true)
        let toMapped = try t.mapped()
        e.action = .built
        if e.direction == .outbound {
            setEnds(&e, first: (toEnd, toMapped), second: (forEnd, forMapped))
        } else {
            setEnds(&e, first: (forEnd, forMapped), second: (toEnd, toMapped))
        }
    }

    /// 302014 / 302016: `Teardown {TCP|UDP} connection <id> for <if>:<addr>/<port> to
    /// <if>:<addr>/<port> duration <h:mm:ss> bytes <n> [<reason> [from <if>]] [(<user>)]`.
    static func teardown(_ t: inout ASATokens, into e: inout LogEntry) throws(LineError) {
        try t.expect("Teardown")
        e.ipProtocol = FieldValues.ipProtocol(try t.next("protocol"))
        try t.expect("connection")
        e.connectionID = try connectionID(&t)
        try t.expect("for")
        let forEnd = try ASAEndpoint(try t.next("the \"for\" end"), field: "\"for\" end", needsPort: true)
        try t.skip(past: "to")
        let toEnd = try ASAEndpoint(try t.next("the \"to\" end"), field: "\"to\" end", needsPort: true)
        try t.skip(past: "duration")
        e.duration = try FieldValues.duration(try t.next("the duration"))
        try t.expect("bytes")
        let count = try t.next("the byte count")
        guard let bytes = UInt64(count) else { throw LineError("bytes \"\(count)\" is not a number") }
        e.bytes = bytes
        var words = Array(t.remaining)
        while let last = words.last, last.hasPrefix("("), last.hasSuffix(")") { words.removeLast() }
        if words.count >= 2, words[words.count - 2] == "from", let initiator = words.last {
            e.fields["teardown_initiator"] = String(initiator)
            words.removeLast(2)
        }
        e.reason = words.isEmpty ? nil : words.joined(separator: " ")
        e.action = .teardown
        setEnds(&e, first: (forEnd, nil), second: (toEnd, nil))
    }

    /// 305011 / 305012: `{Built|Teardown} {dynamic|static} {TCP|UDP|ICMP} translation from
    /// <if>:<real>/<port> to <if>:<mapped>/<port> [duration <h:mm:ss>]` (ICMP: the echo id for port).
    static func translation(_ t: inout ASATokens, torn: Bool, into e: inout LogEntry) throws(LineError) {
        try t.expect(torn ? "Teardown" : "Built")
        e.fields["translation_type"] = String(try t.next("dynamic/static"))
        e.ipProtocol = FieldValues.ipProtocol(try t.next("protocol"))
        try t.expect("translation")
        try t.expect("from")
        let real = try ASAEndpoint(try t.next("the real address"), field: "real address", needsPort: false)
        try t.skip(past: "to")
        let mapped = try ASAEndpoint(try t.next("the mapped address"), field: "mapped address", needsPort: false)
        e.sourceAddress = real.address
        e.inputInterface = real.interface
        e.translatedSourceAddress = mapped.address
        e.outputInterface = mapped.interface
        if e.ipProtocol == "icmp" {
            if let id = real.port { e.fields["icmp_id"] = String(id) }
            if let id = mapped.port { e.fields["mapped_icmp_id"] = String(id) }
        } else {
            e.sourcePort = real.port
            e.translatedSourcePort = mapped.port
        }
        if torn {
            try t.skip(past: "duration")
            e.duration = try FieldValues.duration(try t.next("the duration"))
        }
        e.action = torn ? .translationTeardown : .translation
    }

    /// 106023: `Deny <protocol> src <if>:<addr>[/<port>] dst <if>:<addr>[/<port>] [(type <n>,
    /// code <n>)] by access-group "<acl>" [<hash>, <hash>]`.
    static func deny(_ t: inout ASATokens, into e: inout LogEntry) throws(LineError) {
        try t.expect("Deny")
        e.ipProtocol = FieldValues.ipProtocol(try t.next("protocol"))
        let ports = e.ipProtocol == "tcp" || e.ipProtocol == "udp"
        try t.expect("src")
        let src = try ASAEndpoint(try t.next("the source"), field: "src", needsPort: ports)
        try t.skip(past: "dst")
        let dst = try ASAEndpoint(try t.next("the destination"), field: "dst", needsPort: ports)
        if t.peek() == "(type" {
            var packet = LoggedPacket()
            _ = try t.next("ICMP type")
            packet.icmpType = try FieldValues.integer(try t.next("ICMP type").filter(\.isNumber)[...], field: "ICMP type")
            _ = try t.next("ICMP code")
            packet.icmpCode = try FieldValues.integer(try t.next("ICMP code").filter(\.isNumber)[...], field: "ICMP code")
            e.packet = packet
        }
        try t.skip(past: "by")
        try t.expect("access-group")
        e.rule = String(try t.next("the access-group name")).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        e.action = .deny
        setEnds(&e, first: (src, nil), second: (dst, nil))
    }

    /// 106015: `Deny TCP (no connection) from <addr>/<port> to <addr>/<port> flags <flags>
    /// on interface <if>`.
    static func denyNoConnection(_ t: inout ASATokens, into e: inout LogEntry) throws(LineError) {
        try t.expect("Deny")
        e.ipProtocol = FieldValues.ipProtocol(try t.next("protocol"))
        try t.skip(past: "from")
        let src = try ASAEndpoint(try t.next("the source"), field: "from", needsPort: true)
        try t.expect("to")
        let dst = try ASAEndpoint(try t.next("the destination"), field: "to", needsPort: true)
        try t.expect("flags")
        var flagWords: [Substring] = []
        while let w = t.peek(), w != "on" { flagWords.append(try t.next("flags")) }
        e.tcpFlags = try FieldValues.tcpFlags(flagWords)
        try t.expect("on")
        try t.expect("interface")
        let interface = try t.next("the interface name")
        e.action = .deny
        e.reason = "no connection"
        setEnds(&e, first: (src, nil), second: (dst, nil))
        e.inputInterface = String(interface)
    }

    /// 106100: `access-list <acl> {permitted|denied|est-allowed} <protocol>
    /// <if>/<addr>(<port>) -> <if>/<addr>(<port>) hit-cnt <n> …` (ICMP: type and code for ports).
    static func accessList(_ t: inout ASATokens, into e: inout LogEntry) throws(LineError) {
        try t.expect("access-list")
        e.rule = String(try t.next("the access-list name"))
        let verdict = try t.next("permitted/denied")
        switch verdict.lowercased() {
        case "permitted", "est-allowed": e.action = .accept
        case "denied": e.action = .deny
        default: throw LineError("\"\(verdict)\" is neither permitted nor denied")
        }
        e.ipProtocol = FieldValues.ipProtocol(try t.next("protocol"))
        var src = try ASAEndpoint(slashForm: try t.next("the source"), field: "source")
        try t.skip(past: "->")
        var dst = try ASAEndpoint(slashForm: try t.next("the destination"), field: "destination")
        if e.ipProtocol == "icmp" || e.ipProtocol == "icmpv6" {
            var packet = LoggedPacket()
            packet.icmpType = src.port.map(Int.init)
            packet.icmpCode = dst.port.map(Int.init)
            e.packet = packet
            src.port = nil
            dst.port = nil
        }
        if (try? t.skip(past: "hit-cnt")) != nil, let n = t.peek() { e.fields["hit_count"] = String(n) }
        setEnds(&e, first: (src, nil), second: (dst, nil))
    }

    static func connectionID(_ t: inout ASATokens) throws(LineError) -> String {
        guard let w = t.peek(), w.allSatisfy(\.isNumber) else {
            throw LineError("no connection id after \"connection\"")
        }
        _ = try t.next("the connection id")
        return String(w)
    }
}
