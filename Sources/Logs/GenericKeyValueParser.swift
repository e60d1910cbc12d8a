import Foundation
import Packets

/// The fallback for `key=value` firewall logs that are not Check Point: any line whose keys
/// include the usual names for addresses, ports and verdict (`src=`/`srcip=`, `dst=`/`dstip=`,
/// `sport=`/`srcport=`, `dport=`/`dstport=`, `action=`, `proto=` …, as in FortiGate, pfSense
/// filterlog-to-kv, Sophos and many syslog exporters). Keys are matched without regard to case.
///
/// A line needs a source or destination address, and besides it a second address or an
/// `action`. Address and port values that are present must be valid. Without `action` the entry
/// is `.log`. A `time` / `timestamp` in ISO 8601 or epoch seconds, or FortiGate-style `date=` plus
/// `time=`, becomes the entry's time; other time forms are left in `fields`.
public struct GenericKeyValueParser: Sendable {
    public init() {}

    static let sourceKeys = ["src", "srcip", "src_ip", "source_ip", "saddr", "source_address"]
    static let destinationKeys = ["dst", "dstip", "dst_ip", "destination_ip", "daddr", "destination_address"]
    static let sourcePortKeys = ["sport", "srcport", "src_port", "s_port", "spt", "source_port"]
    static let destinationPortKeys = ["dport", "dstport", "dst_port", "d_port", "dpt", "destination_port"]
    static let actionKeys = ["action", "act", "disposition"]
    static let protocolKeys = ["proto", "protocol", "ip_proto"]
    static let ruleKeys = ["rule", "policyid", "policy_id", "rule_id", "acl", "rulename", "policyname"]

    /// How many of the address, port and action keys occur as keys (`key=` at the start of the
    /// line or after a space, `;`, `|` or tab) in `line`, each group counted once.
    static func recognisedKeyCount(in line: Substring) -> Int {
        [sourceKeys, destinationKeys, sourcePortKeys, destinationPortKeys, actionKeys].reduce(0) { n, group in
            n + (group.contains(where: { hasKey(line, $0) }) ? 1 : 0)
        }
    }

    static func hasKey(_ line: Substring, _ key: String) -> Bool {
        var search = line[...]
        while let r = search.range(of: key + "=", options: .caseInsensitive) {
            if r.lowerBound == line.startIndex { return true }
            let before = line[line.index(before: r.lowerBound)]
            if before == " " || before == "\t" || before == ";" || before == "|" { return true }
            search = line[r.upperBound...]
        }
        return false
    }

    public func parse(_ line: Substring, lineNumber: Int, sourceFile: String) throws(LineError) -> LogEntry {
        let scanned = try KeyValueScanner(line)
        var lower: [String: (key: String, value: String)] = [:]
        for (k, v) in scanned.pairs where lower[k.lowercased()] == nil { lower[k.lowercased()] = (k, v) }
        func first(_ keys: [String]) -> (key: String, value: String)? {
            keys.lazy.compactMap { lower[$0] }.first
        }
        var src: IPAddress?, dst: IPAddress?
        if let kv = first(Self.sourceKeys) { src = try FieldValues.address(kv.value[...], field: kv.key) }
        if let kv = first(Self.destinationKeys) { dst = try FieldValues.address(kv.value[...], field: kv.key) }
        let actionText = first(Self.actionKeys)?.value
        guard src != nil || dst != nil else { throw LineError("no source or destination address key (src=, dst= …)") }
        guard (src != nil && dst != nil) || actionText != nil else { throw LineError("only one address and no action= key") }

        var e = LogEntry(sourceFile: sourceFile, lineNumber: lineNumber, rawLine: String(line),
                         format: .keyValue, action: actionText.map(FieldValues.action) ?? .log)
        e.fields = scanned.dictionary
        e.sourceAddress = src
        e.destinationAddress = dst
        if let kv = first(Self.sourcePortKeys) { e.sourcePort = try FieldValues.port(kv.value[...], field: kv.key) }
        if let kv = first(Self.destinationPortKeys) { e.destinationPort = try FieldValues.port(kv.value[...], field: kv.key) }
        if let kv = first(Self.protocolKeys) { e.ipProtocol = FieldValues.ipProtocol(kv.value[...]) }
        e.rule = first(Self.ruleKeys)?.value
        e.reason = first(["reason", "msg", "message"])?.value
        e.host = first(["devname", "hostname", "host", "device", "origin"])?.value
        e.inputInterface = first(["srcintf", "in", "inif", "in_interface", "src_interface"])?.value
        e.outputInterface = first(["dstintf", "out", "outif", "out_interface", "dst_interface"])?.value
        switch first(["direction", "dir", "ifdir"])?.value.lowercased() {
        case "inbound", "in": e.direction = .inbound
        case "outbound", "out": e.direction = .outbound
        default: break
        }
        e.setTime(Self.time(date: first(["date"])?.value, time: first(["time", "timestamp"])?.value))
        return e
    }

    static func time(date: String?, time: String?) -> WallClockTime? {
        if let date, let time {
            return TimestampParsing.iso8601((date + "T" + time)[...])
        }
        guard let time else { return nil }
        if !time.isEmpty, time.allSatisfy(\.isNumber), let s = Int64(time) {
            return WallClockTime(epochSeconds: s)
        }
        return TimestampParsing.iso8601(time[...])
    }
}
