import Foundation
import Packets

/// One static NAT translation from a Cisco IOS configuration, in the terms of the Cisco "IP
/// Addressing: NAT Configuration Guide":
/// - `ip nat inside source static [tcp|udp] <A> [portA] <B> [portB]`: inside local A ↔ inside
///   global B (packets from A leaving through an outside interface get source B; packets to B
///   arriving on an outside interface get destination A);
/// - `ip nat outside source static [tcp|udp] <A> [portA] <B> [portB]`: outside global A ↔
///   outside local B (packets from A arriving on an outside interface get source B; packets from
///   the inside to B get destination A).
/// In both forms `realAddress` is A (the address the host really has) and `translatedAddress` B.
public struct StaticNATRule: Sendable, Equatable {
    public enum Side: String, Sendable, Equatable {
        case inside, outside
    }

    public var side: Side
    /// `tcp` or `udp` for a port translation; nil when all traffic of the address is translated.
    public var ipProtocol: String?
    public var realAddress: IPAddress
    public var realPort: UInt16?
    public var translatedAddress: IPAddress
    public var translatedPort: UInt16?
    /// 1-based line of the rule in its file, and the line as written.
    public var lineNumber: Int
    public var rawLine: String
    /// The config file it was read from (set by ``ConfigFile``).
    public var sourceFile: String = ""

    public var real: Endpoint? { realPort.map { Endpoint(realAddress, $0) } }
    public var translated: Endpoint? { translatedPort.map { Endpoint(translatedAddress, $0) } }

    /// IOS names: inside local / outside local is the address as seen from the inside network.
    public var localAddress: IPAddress { side == .inside ? realAddress : translatedAddress }
    /// Inside global / outside global: the address as seen from the outside network.
    public var globalAddress: IPAddress { side == .inside ? translatedAddress : realAddress }
}

/// Reads the static NAT rules out of a Cisco IOS running-config or snippet. Everything else
/// (`interface`, `ip route`, `access-list`, `version`, `!` …) carries nothing this reader needs
/// and is passed over. Trailing options (`extendable`, `no-alias`, `no-payload`, `add-route`,
/// `route-map <name>`, `vrf <name>`, `redundancy <group>`, `mapping-id <id>` …) are ignored.
public struct IOSConfigParser: Sendable {
    /// What one configuration line is to this reader.
    public enum LineKind: Sendable, Equatable {
        case staticNAT(StaticNATRule)
        /// `hostname <name>`.
        case hostname(String)
        /// A valid NAT translation this reader does not turn into a static rule: dynamic
        /// (`source list … overload`, `pool`), `static network`, a global `interface` address.
        case otherNAT
        case irrelevant
    }

    public init() {}

    static let flagOptions: Set<String> = ["extendable", "no-alias", "no-payload", "add-route", "match-in-vrf", "reversible", "stateless"]
    static let valueOptions: Set<String> = ["route-map", "vrf", "redundancy", "mapping-id"]

    public func parse(_ line: Substring, lineNumber: Int) throws(LineError) -> LineKind {
        let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard let first = words.first else { return .irrelevant }
        if first == "hostname", words.count == 2 { return .hostname(String(words[1])) }
        guard words.count >= 4, first == "ip", words[1] == "nat", words[2] == "inside" || words[2] == "outside" else {
            return .irrelevant
        }
        guard words[3] == "source" else { return .irrelevant }  // `ip nat inside destination …`
        guard words.count >= 5, words[4] == "static" else { return .otherNAT }
        var rest = words[5...]
        if let w = rest.first, w == "network" || w == "esp" { return .otherNAT }
        var proto: String?
        if let w = rest.first, w == "tcp" || w == "udp" {
            proto = String(w)
            rest = rest.dropFirst()
        }
        let need = proto == nil ? 2 : 4
        guard rest.count >= need else { throw LineError("static NAT needs \(need == 2 ? "two addresses" : "address, port, address, port")") }
        if rest.contains("interface") { return .otherNAT }
        var operands = Array(rest.prefix(need))
        let real = try FieldValues.address(operands.removeFirst(), field: "real address")
        let realPort = proto == nil ? nil : try FieldValues.port(operands.removeFirst(), field: "real port")
        let translated = try FieldValues.address(operands.removeFirst(), field: "translated address")
        let translatedPort = proto == nil ? nil : try FieldValues.port(operands.removeFirst(), field: "translated port")
        var options = rest.dropFirst(need)
        while let w = options.first {
            options = options.dropFirst()
            if Self.flagOptions.contains(String(w)) { continue }
            if Self.valueOptions.contains(String(w)), !options.isEmpty {
                options = options.dropFirst()
                continue
            }
            throw LineError("unexpected \"\(w)\" after the static NAT addresses")
        }
        return .staticNAT(StaticNATRule(
            side: words[2] == "inside" ? .inside : .outside, ipProtocol: proto,
            realAddress: real, realPort: realPort, translatedAddress: translated, translatedPort: translatedPort,
            lineNumber: lineNumber, rawLine: String(line)))
    }
}
