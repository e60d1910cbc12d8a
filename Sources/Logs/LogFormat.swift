import Foundation

/// Text evidence formats casebook recognises, detected from content (never from the file name).
public enum LogFormat: String, Sendable, CaseIterable {
    /// Check Point key=value export (`action=accept src=10.1.1.1 s_port=53695 …`).
    case checkPoint = "checkpoint"
    /// Cisco ASA syslog (`%ASA-6-302013: Built outbound TCP connection …`).
    case ciscoASA = "cisco-asa"
    /// Linux netfilter LOG/NFLOG lines from iptables or nftables (`IN=eth0 OUT= SRC=… DST=…`).
    case netfilter = "netfilter"
    /// Cisco IOS configuration snippet (`interface …`, `ip nat inside source static …`).
    case ciscoIOSConfig = "cisco-ios-config"
    /// Any other `key=value` firewall log (`src=… dst=… sport=… dport=… action=…`): the fallback,
    /// chosen only when no line is in one of the formats above.
    case keyValue = "key-value"

    /// Whether this format is a configuration rather than a log.
    public var isConfig: Bool { self == .ciscoIOSConfig }

    /// Does one line look like this format?
    public func matches(_ line: Substring) -> Bool {
        switch self {
        case .checkPoint:
            // `action=` plus an address, and at least one field name only Check Point uses.
            return line.contains("action=") && (line.contains("src=") || line.contains("dst=") || line.contains("s_port="))
                && LogFormat.checkPointOnlyKeys.contains(where: { line.contains($0) })
        case .ciscoASA:
            return line.contains("%ASA-") || line.contains("%FTD-") || line.contains("%PIX-")
        case .netfilter:
            return line.contains("SRC=") && line.contains("DST=") && line.contains("PROTO=")
        case .ciscoIOSConfig:
            let t = line.drop(while: { $0 == " " })
            return t.hasPrefix("interface ") || t.hasPrefix("ip nat ") || t.hasPrefix("hostname ")
                || t.hasPrefix("ip route ") || t.hasPrefix("ip address ") || t.hasPrefix("access-list ")
                || t.hasPrefix("ip access-list ") || t.hasPrefix("router ") || t == "!"
        case .keyValue:
            // netfilter-shaped lines (`IN=… OUT=…`) are left to the netfilter reader.
            return GenericKeyValueParser.recognisedKeyCount(in: line) >= 2 && NetfilterParser.fieldsStart(in: line) == nil
        }
    }

    /// Field names of the Check Point log export that generic `key=value` logs do not use.
    static let checkPointOnlyKeys = ["s_port=", "service=", "service_id=", "origin=", "product=", "ifdir=", "xlatesrc=", "xlatedst="]

    /// The format most lines of `text` match, with the count of matching lines; nil when no
    /// format matches at least one line in five (the rest may be comments or other noise).
    /// The generic `key=value` format counts only when no specific format matches any line.
    public static func detect(_ text: String) -> (format: LogFormat, matchingLines: Int, totalLines: Int)? {
        let lines = text.split(whereSeparator: \.isNewline).filter { !$0.allSatisfy(\.isWhitespace) }
        guard !lines.isEmpty else { return nil }
        var best: (LogFormat, Int)?
        for format in LogFormat.allCases where format != .keyValue || best == nil {
            let n = lines.reduce(0) { $0 + (format.matches($1) ? 1 : 0) }
            // A config needs more than "!" separators to count.
            if format == .ciscoIOSConfig && !lines.contains(where: { format.matches($0) && $0.trimmingCharacters(in: .whitespaces) != "!" }) { continue }
            if n > 0 && n > (best?.1 ?? 0) { best = (format, n) }
        }
        guard let (format, n) = best, n * 5 >= lines.count else { return nil }
        return (format, n, lines.count)
    }
}
