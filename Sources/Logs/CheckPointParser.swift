import Foundation
import Packets

/// Reads Check Point log lines in `key=value` form, one log entry per line, with the field names
/// of the Check Point Log Exporter / LEA field list (sk122323; "Log Exporter" chapter of the
/// Logging and Monitoring Administration Guide): `time`, `action`, `origin`, `ifdir`, `ifname`,
/// `rule`, `rule_name`, `src`, `s_port`, `dst`, `service` (destination port), `proto`,
/// `xlatesrc`, `xlatesport`, `xlatedst`, `xlatedport`, `message_info`, `tcp_flags`,
/// `icmp-type`, `icmp-code`, `voip_reject_reason`.
///
/// A line needs `action`, `src` and `dst`. A value that is present but wrong (an address that is
/// not one, a port over 65535, a `time` that is neither ISO 8601 nor epoch seconds) makes the
/// whole line unreadable rather than silently dropping the field.
public struct CheckPointParser: Sendable {
    public init() {}

    public func parse(_ line: Substring, lineNumber: Int, sourceFile: String) throws(LineError) -> LogEntry {
        let scanned = try KeyValueScanner(line)
        let f = scanned.dictionary
        guard let actionText = f["action"], !actionText.isEmpty else { throw LineError("no action= field") }
        guard let src = f["src"] else { throw LineError("no src= field") }
        guard let dst = f["dst"] else { throw LineError("no dst= field") }

        var e = LogEntry(sourceFile: sourceFile, lineNumber: lineNumber, rawLine: String(line),
                         format: .checkPoint, action: FieldValues.action(actionText))
        e.fields = f
        if let t = f["time"] { e.setTime(try Self.time(t)) }
        e.host = f["origin"]
        e.sourceAddress = try FieldValues.address(src[...], field: "src")
        e.destinationAddress = try FieldValues.address(dst[...], field: "dst")
        if let p = f["s_port"] { e.sourcePort = try FieldValues.port(p[...], field: "s_port") }
        // `service` is the destination port in the export; older logs may name the service instead.
        if let p = f["service"], p.allSatisfy(\.isNumber) { e.destinationPort = try FieldValues.port(p[...], field: "service") }
        if let p = f["proto"] { e.ipProtocol = FieldValues.ipProtocol(p[...]) }

        // Translation: 0.0.0.0 / port 0 mean "not translated"; a missing translated port is the original.
        if let x = f["xlatesrc"], x != "0.0.0.0" {
            e.translatedSourceAddress = try FieldValues.address(x[...], field: "xlatesrc")
            e.translatedSourcePort = try Self.translatedPort(f["xlatesport"], field: "xlatesport", original: e.sourcePort)
        }
        if let x = f["xlatedst"], x != "0.0.0.0" {
            e.translatedDestinationAddress = try FieldValues.address(x[...], field: "xlatedst")
            e.translatedDestinationPort = try Self.translatedPort(f["xlatedport"], field: "xlatedport", original: e.destinationPort)
        }

        switch f["ifdir"]?.lowercased() {
        case "inbound":
            e.direction = .inbound
            e.inputInterface = f["ifname"]
        case "outbound":
            e.direction = .outbound
            e.outputInterface = f["ifname"]
        default:
            break
        }
        e.rule = f["rule"] ?? f["rule_uid"]
        e.ruleName = f["rule_name"]
        e.reason = f["voip_reject_reason"] ?? f["message_info"] ?? f["reason"]
        if let flags = f["tcp_flags"], !flags.isEmpty { e.tcpFlags = try FieldValues.tcpFlags([flags]) }
        if let type = f["icmp-type"] ?? f["icmp_type"] {
            var packet = LoggedPacket()
            packet.icmpType = try FieldValues.integer(type[...], field: "icmp-type")
            if let code = f["icmp-code"] ?? f["icmp_code"] { packet.icmpCode = try FieldValues.integer(code[...], field: "icmp-code") }
            e.packet = packet
        }
        return e
    }

    /// ISO 8601 (`2026-11-20T09:14:03+01:00`, `…Z`) or Unix epoch seconds (Log Exporter).
    static func time(_ text: String) throws(LineError) -> WallClockTime {
        if !text.isEmpty, text.allSatisfy(\.isNumber), let seconds = Int64(text), let t = WallClockTime(epochSeconds: seconds) {
            return t
        }
        guard let t = TimestampParsing.iso8601(text[...]) else {
            throw LineError("time \"\(text)\" is not an ISO 8601 date and time")
        }
        return t
    }

    static func translatedPort(_ text: String?, field: String, original: UInt16?) throws(LineError) -> UInt16? {
        guard let text, !text.isEmpty else { return original }
        let p = try FieldValues.port(text[...], field: field)
        return p == 0 ? original : p
    }
}
