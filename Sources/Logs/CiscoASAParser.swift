import Foundation
import Packets

/// Reads Cisco ASA (and FTD / PIX) syslog lines: an optional syslog header (`Nov 20 2026
/// 09:14:03 asa-edge01 :` with `logging timestamp` and `logging device-id`, or a relay's own
/// header, or an RFC 3339 time), then `%ASA-<severity>-<message id>: <text>`.
///
/// Message ids read into connection fields, with the layouts of "Cisco Secure Firewall ASA
/// Series Syslog Messages": 302013 / 302015 (built TCP / UDP connection), 302014 / 302016
/// (teardown), 305011 / 305012 (dynamic or static translation built / torn down), 106023 (deny
/// by access-group), 106015 (deny TCP, no connection), 106100 (access-list permitted / denied).
/// Any other id becomes an entry with action `.other(<message text>)`. A known id whose text
/// does not fit its layout is an error.
///
/// The ASA names the two ends of 302013 "for <responder> to <initiator>" when the connection is
/// outbound and "for <initiator> to <responder>" when inbound; a 302014 teardown repeats the
/// 302013 order without saying which. The parser remembers the direction of each connection it
/// saw built (per device and connection id) and puts the initiator in `source` on the teardown
/// too; a teardown of a connection built before the log starts keeps the `for` end as source
/// and has no `direction`.
public struct CiscoASAParser: Sendable {
    private var directions: [String: LogEntry.Direction] = [:]

    public init() {}

    public mutating func parse(_ line: Substring, lineNumber: Int, sourceFile: String) throws(LineError) -> LogEntry {
        guard let tag = Self.tagRange(in: line) else { throw LineError("no %ASA-<severity>-<id>: tag") }
        let afterTag = line[tag.upperBound...]
        guard let dash = afterTag.firstIndex(of: "-"), let colon = afterTag.firstIndex(of: ":"), dash < colon,
              let severity = Int(afterTag[..<dash]), (0...7).contains(severity) else {
            throw LineError("\"\(line[tag.lowerBound...].prefix(16))\" is not %ASA-<severity>-<id>:")
        }
        let id = afterTag[afterTag.index(after: dash)..<colon]
        guard id.count == 6, id.allSatisfy(\.isASCII), id.allSatisfy(\.isNumber) else {
            throw LineError("message id \"\(id)\" is not six digits")
        }
        let message = afterTag[afterTag.index(after: colon)...].drop(while: { $0 == " " })
        let header = TimestampParsing.syslogHeader(line[..<tag.lowerBound])

        var e = LogEntry(sourceFile: sourceFile, lineNumber: lineNumber, rawLine: String(line),
                         format: .ciscoASA, action: .other(String(message)))
        e.setTime(header.time)
        e.host = header.host
        e.messageID = String(id)
        e.fields["severity"] = String(severity)
        var tokens = ASATokens(message)
        switch id {
        case "302013", "302015": try Self.built(&tokens, into: &e)
        case "302014", "302016": try Self.teardown(&tokens, into: &e)
        case "305011", "305012": try Self.translation(&tokens, torn: id == "305012", into: &e)
        case "106023": try Self.deny(&tokens, into: &e)
        case "106015": try Self.denyNoConnection(&tokens, into: &e)
        case "106100": try Self.accessList(&tokens, into: &e)
        default: return e
        }
        correlate(&e)
        return e
    }

    /// Finds the initiator of a teardown from the built message of the same connection.
    private mutating func correlate(_ e: inout LogEntry) {
        guard let id = e.connectionID else { return }
        let key = "\(e.host ?? "")|\(id)"
        switch e.action {
        case .built:
            directions[key] = e.direction
        case .teardown:
            guard let direction = directions.removeValue(forKey: key) else { return }
            e.direction = direction
            if direction == .outbound { Self.swapEnds(&e) }
        default:
            break
        }
    }

    static func swapEnds(_ e: inout LogEntry) {
        swap(&e.sourceAddress, &e.destinationAddress)
        swap(&e.sourcePort, &e.destinationPort)
        swap(&e.translatedSourceAddress, &e.translatedDestinationAddress)
        swap(&e.translatedSourcePort, &e.translatedDestinationPort)
        swap(&e.inputInterface, &e.outputInterface)
    }

    static func tagRange(in line: Substring) -> Range<Substring.Index>? {
        for tag in ["%ASA-", "%FTD-", "%PIX-"] {
            if let r = line.range(of: tag) { return r }
        }
        return nil
    }

    /// Puts the two ends on `e`: `first` becomes the source (with its mapped address as the
    /// translated source when it differs from the real one), `second` the destination.
    static func setEnds(_ e: inout LogEntry, first: (ASAEndpoint, ASAEndpoint?), second: (ASAEndpoint, ASAEndpoint?)) {
        e.sourceAddress = first.0.address
        e.sourcePort = first.0.port
        e.inputInterface = first.0.interface
        if let m = first.1, m != first.0.withoutInterface {
            e.translatedSourceAddress = m.address
            e.translatedSourcePort = m.port
        }
        e.destinationAddress = second.0.address
        e.destinationPort = second.0.port
        e.outputInterface = second.0.interface
        if let m = second.1, m != second.0.withoutInterface {
            e.translatedDestinationAddress = m.address
            e.translatedDestinationPort = m.port
        }
    }
}

extension ASAEndpoint {
    var withoutInterface: ASAEndpoint { ASAEndpoint(interface: nil, address: address, port: port) }
}
