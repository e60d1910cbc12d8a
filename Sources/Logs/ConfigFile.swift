import Foundation

/// A Cisco IOS configuration file (running-config or a pasted snippet), read for its static NAT
/// rules with `IOSConfigParser`.
public struct ConfigFile: Sendable {
    public var name: String
    /// `hostname` of the router, when the file has one.
    public var hostname: String?
    public var staticNATRules: [StaticNATRule]
    /// NAT lines that are valid IOS but not static translations this reader models (dynamic
    /// `source list … overload`, `static network`, a global `interface` address), kept so a report
    /// can mention them.
    public var otherNATLines: [UnparsedLine]
    /// Static NAT lines that could not be read (a bad address, a missing operand …).
    public var unparsed: [UnparsedLine]
    public var unparsedCount: Int { unparsed.count }

    /// Reads `text` (the contents of the file called `name`). Throws `LogFileError` when no line
    /// looks like Cisco IOS configuration.
    public static func parse(text: String, name: String) throws -> ConfigFile {
        let parser = IOSConfigParser()
        var result = ConfigFile(name: name, hostname: nil, staticNATRules: [], otherNATLines: [], unparsed: [])
        var looksLikeConfig = false
        for (offset, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let number = offset + 1
            if LogFormat.ciscoIOSConfig.matches(line), line.trimmingCharacters(in: .whitespaces) != "!" { looksLikeConfig = true }
            do throws(LineError) {
                switch try parser.parse(line, lineNumber: number) {
                case var .staticNAT(rule):
                    rule.sourceFile = name
                    result.staticNATRules.append(rule)
                case let .hostname(h): result.hostname = h
                case .otherNAT:
                    result.otherNATLines.append(UnparsedLine(lineNumber: number, text: String(line), reason: "NAT other than a static translation"))
                case .irrelevant: break
                }
            } catch {
                result.unparsed.append(UnparsedLine(lineNumber: number, text: String(line), reason: error.reason))
            }
        }
        guard looksLikeConfig else {
            throw LogFileError("\(name): no line is Cisco IOS configuration (interface, ip nat, ip route, hostname …)")
        }
        return result
    }
}
