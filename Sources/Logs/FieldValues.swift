import Foundation
import Packets

/// Why one line could not be read; becomes the `reason` of an `UnparsedLine`.
public struct LineError: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// Value readers shared by the parsers; each throws a `LineError` naming the field and value.
enum FieldValues {
    static func address(_ text: Substring, field: String) throws(LineError) -> IPAddress {
        guard let a = IPAddress(String(text)) else { throw LineError("\(field) \"\(text)\" is not an IP address") }
        return a
    }

    static func port(_ text: Substring, field: String) throws(LineError) -> UInt16 {
        guard let p = UInt16(text) else { throw LineError("\(field) \"\(text)\" is not a port number (0-65535)") }
        return p
    }

    static func integer(_ text: Substring, field: String) throws(LineError) -> Int {
        guard let n = Int(text), n >= 0 else { throw LineError("\(field) \"\(text)\" is not a number") }
        return n
    }

    /// `tcp`, `udp`, `icmp` (also from IANA numbers 6, 17, 1); other names lower-cased; other
    /// numbers kept as written.
    static func ipProtocol(_ text: Substring) -> String {
        switch text.lowercased() {
        case "6", "tcp": return "tcp"
        case "17", "udp": return "udp"
        case "1", "icmp": return "icmp"
        case "58", "icmpv6", "ipv6-icmp", "icmp6": return "icmpv6"
        case let other: return other
        }
    }

    /// Verdict words of Check Point and generic key=value logs.
    static func action(_ text: String) -> LogEntry.Action {
        switch text.lowercased() {
        case "accept", "accepted", "allow", "allowed", "permit", "permitted", "pass", "passed": return .accept
        case "drop", "dropped", "block", "blocked", "discard", "discarded": return .drop
        case "reject", "rejected": return .reject
        case "deny", "denied": return .deny
        default: return .other(text)
        }
    }

    /// `h:mm:ss` (hours may exceed 24) as seconds.
    static func duration(_ text: Substring) throws(LineError) -> TimeInterval {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3, let h = Int(parts[0]), let m = Int(parts[1]), let s = Int(parts[2]),
              h >= 0, (0..<60).contains(m), (0..<60).contains(s) else {
            throw LineError("duration \"\(text)\" is not h:mm:ss")
        }
        return TimeInterval(h * 3600 + m * 60 + s)
    }

    /// TCP flag names (`SYN`, `ACK`, `RST-ACK`, `RST ACK` …); unknown words are an error.
    static func tcpFlags<S: Sequence>(_ words: S) throws(LineError) -> TCPFlags where S.Element: StringProtocol {
        var flags = TCPFlags()
        for word in words {
            for name in word.split(whereSeparator: { $0 == "-" || $0 == "," || $0 == "|" || $0 == " " }) {
                guard let f = tcpFlagNames[name.uppercased()] else { throw LineError("\"\(name)\" is not a TCP flag") }
                flags.insert(f)
            }
        }
        return flags
    }

    static let tcpFlagNames: [String: TCPFlags] = [
        "FIN": .fin, "SYN": .syn, "RST": .rst, "PSH": .psh, "ACK": .ack, "URG": .urg, "ECE": .ece, "CWR": .cwr,
    ]
}
