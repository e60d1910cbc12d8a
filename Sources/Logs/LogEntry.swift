import Foundation
import Packets

/// One firewall log line, read into the fields casebook compares with a capture. Fields a line
/// does not carry stay nil; `rawLine` keeps the text for quoting in a report.
public struct LogEntry: Sendable, Equatable {
    /// What the device did (or reports) for the packet or connection.
    public enum Action: Sendable, Equatable, CustomStringConvertible {
        case accept, drop, reject
        /// Cisco ASA 106023 / 106015 / 106100 "Deny" / "denied".
        case deny
        /// Connection created (ASA 302013 / 302015).
        case built
        /// Connection removed (ASA 302014 / 302016).
        case teardown
        /// Address translation created (ASA 305011).
        case translation
        /// Address translation removed (ASA 305012).
        case translationTeardown
        /// Logged without a verdict (netfilter LOG rule whose prefix names no action).
        case log
        /// Anything else, with the device's own words (`Key Install`, an ASA message text …).
        case other(String)

        public var description: String {
            switch self {
            case .accept: return "accept"
            case .drop: return "drop"
            case .reject: return "reject"
            case .deny: return "deny"
            case .built: return "built"
            case .teardown: return "teardown"
            case .translation: return "translation"
            case .translationTeardown: return "translation-teardown"
            case .log: return "log"
            case let .other(text): return text
            }
        }
    }

    /// The direction the line states (Check Point `ifdir`, ASA "Built inbound/outbound").
    public enum Direction: String, Sendable, Equatable {
        case inbound, outbound
    }

    /// File name the line came from.
    public var sourceFile: String
    /// 1-based line number in that file.
    public var lineNumber: Int
    /// The line as written (without its line break).
    public var rawLine: String
    public var format: LogFormat

    /// The absolute instant, set only when the line gives a full date, time and zone.
    public private(set) var time: Date?
    /// The date and time as written, zoned or not; see `resolved(timeZone:fallbackYear:)`.
    public private(set) var wallClock: WallClockTime?
    /// Device or relay host named on the line (syslog host, ASA device id, Check Point `origin`).
    public var host: String?

    public var action: Action
    /// Cisco ASA message id (`302013`).
    public var messageID: String?
    /// `tcp`, `udp`, `icmp`, another lower-case name, or the IANA protocol number as text.
    public var ipProtocol: String?

    /// The initiator's address (the packet's source for per-packet logs).
    public var sourceAddress: IPAddress?
    public var sourcePort: UInt16?
    public var destinationAddress: IPAddress?
    public var destinationPort: UInt16?
    /// The other-side address of the source: Check Point `xlatesrc`/`xlatesport` (after the
    /// gateway's NAT); Cisco ASA the mapped address in parentheses (302013) or after `to` (305011).
    public var translatedSourceAddress: IPAddress?
    public var translatedSourcePort: UInt16?
    /// Check Point `xlatedst`/`xlatedport` (the address after NAT); Cisco ASA the responder's
    /// mapped address, i.e. the address the initiator used when it differs from the real one.
    public var translatedDestinationAddress: IPAddress?
    public var translatedDestinationPort: UInt16?

    /// Interface the packet came in on (netfilter `IN=`; ASA the initiator's interface; Check
    /// Point `ifname` when `ifdir=inbound`).
    public var inputInterface: String?
    /// Interface the packet left on (netfilter `OUT=`; ASA the responder's interface; Check
    /// Point `ifname` when `ifdir=outbound`).
    public var outputInterface: String?
    public var direction: Direction?

    /// Rule identifier: Check Point `rule`, ASA access-list / access-group name, netfilter log prefix.
    public var rule: String?
    /// Check Point `rule_name`.
    public var ruleName: String?
    /// Device connection id (ASA 302013 …).
    public var connectionID: String?
    /// Why the device acted: ASA teardown reason ("TCP Reset-I", "SYN Timeout"), Check Point
    /// `voip_reject_reason` / `message_info` / `reason`, ASA 106015 "no connection".
    public var reason: String?
    /// Connection or translation lifetime in seconds (ASA `duration h:mm:ss`).
    public var duration: TimeInterval?
    /// Bytes the device counted for the connection (ASA 302014 `bytes`).
    public var bytes: UInt64?
    /// TCP flags the line names (netfilter flag words, Check Point `tcp_flags`, ASA `flags`).
    public var tcpFlags: TCPFlags?
    /// IP and transport header values a per-packet log prints (netfilter), ICMP type and code.
    public var packet: LoggedPacket?
    /// Every `key=value` on the line, keys as written (Check Point, netfilter, generic), plus a
    /// few named extras for Cisco ASA lines (`severity`, `teardown_initiator`, `hit_count` …).
    public var fields: [String: String] = [:]

    public init(sourceFile: String, lineNumber: Int, rawLine: String, format: LogFormat, action: Action) {
        self.sourceFile = sourceFile
        self.lineNumber = lineNumber
        self.rawLine = rawLine
        self.format = format
        self.action = action
    }

    /// Sets the written time; `time` follows when it has a year and a zone.
    public mutating func setTime(_ wallClock: WallClockTime?) {
        self.wallClock = wallClock
        self.time = wallClock?.absoluteDate
    }

    /// True when `time` is an absolute instant; false when the line had no time or no zone
    /// (then `resolved(timeZone:fallbackYear:)` applies one, as `--tz` asks).
    public var timeZoneKnown: Bool { time != nil }

    /// The instant of the line: `time` when the line was zoned, otherwise the written wall-clock
    /// time read in `timeZone` (with `fallbackYear` when the line has no year). Nil without a time.
    /// Fixes the entry's time once a zone has been chosen for it (`--tz`).
    public mutating func setResolvedTime(_ date: Date) { time = date }

    public func resolved(timeZone: TimeZone, fallbackYear: Int? = nil) -> Date? {
        time ?? wallClock?.date(in: timeZone, fallbackYear: fallbackYear)
    }

    public var source: Endpoint? { Self.endpoint(sourceAddress, sourcePort) }
    public var destination: Endpoint? { Self.endpoint(destinationAddress, destinationPort) }
    public var translatedSource: Endpoint? { Self.endpoint(translatedSourceAddress, translatedSourcePort) }
    public var translatedDestination: Endpoint? { Self.endpoint(translatedDestinationAddress, translatedDestinationPort) }

    private static func endpoint(_ address: IPAddress?, _ port: UInt16?) -> Endpoint? {
        guard let address, let port else { return nil }
        return Endpoint(address, port)
    }
}

/// Header values of the logged packet, as the netfilter LOG target prints them
/// (kernel `net/netfilter/nf_log_syslog.c`); only ICMP type and code come from other formats.
public struct LoggedPacket: Sendable, Equatable {
    /// IP total length (`LEN=` before `PROTO=`; IPv6 payload length plus header).
    public var length: Int?
    public var tos: String?
    /// IPv4 `TTL=` or IPv6 `HOPLIMIT=`.
    public var ttl: Int?
    /// IPv4 identification (`ID=` before `PROTO=`).
    public var ipID: Int?
    public var dontFragment = false
    public var window: Int?
    /// TCP sequence and acknowledgment numbers (`SEQ=` / `ACK=`, with `--log-tcp-sequence`).
    public var sequence: UInt32?
    public var acknowledgment: UInt32?
    /// UDP length (the second `LEN=`).
    public var udpLength: Int?
    public var icmpType: Int?
    public var icmpCode: Int?
    /// ICMP echo identifier and sequence (the second `ID=`, then `SEQ=`).
    public var icmpID: Int?
    public var icmpSequence: Int?
    /// `MAC=` as printed: destination MAC, source MAC, ethertype (14 bytes for Ethernet).
    public var mac: String?

    public init() {}

    private var macBytes: [Substring] {
        guard let mac else { return [] }
        let parts = mac.split(separator: ":", omittingEmptySubsequences: false)
        return parts.count == 14 ? parts : []
    }

    public var destinationMAC: String? { macBytes.isEmpty ? nil : macBytes[0..<6].joined(separator: ":") }
    public var sourceMAC: String? { macBytes.isEmpty ? nil : macBytes[6..<12].joined(separator: ":") }
    /// `0x0800` for IPv4.
    public var etherType: String? { macBytes.isEmpty ? nil : "0x" + macBytes[12] + macBytes[13] }
}
