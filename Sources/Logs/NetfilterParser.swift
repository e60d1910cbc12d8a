import Foundation
import Packets

/// Reads Linux netfilter `LOG` target lines (iptables-extensions(8) `LOG`, nft(8) `log`
/// statement), in the field order of the kernel's `net/netfilter/nf_log_syslog.c`:
/// `<prefix>IN=<if> OUT=<if> [MAC=<dst>:<src>:<type>] SRC= DST= LEN= TOS= PREC= TTL= ID= [CE]
/// [DF] [MF] PROTO=<p> …` then per protocol `SPT= DPT= [SEQ= ACK=] WINDOW= RES= <flags> URGP=`
/// (TCP), `SPT= DPT= LEN=` (UDP), `TYPE= CODE= [ID= SEQ=]` (ICMP), and `MARK=` / `UID=` at the end.
///
/// Before the fields may come a syslog or journal header (`Nov 20 09:14:03 fw-lab kernel:`,
/// `2026-11-20T09:15:30+01:00 fw-lab kernel:`) and the kernel's `[uptime]` stamp. The LOG line
/// carries no verdict: by the usual convention the `--log-prefix` names it (contains `DROP` →
/// `.drop`, `REJECT` → `.reject`, `ACCEPT` → `.accept`, otherwise `.log`). The prefix, without
/// its trailing colon, is the entry's `rule`.
///
/// `LEN=` and `ID=` appear twice on UDP and ICMP echo lines; in `fields` the second one is keyed
/// `<PROTO>.<KEY>` (`UDP.LEN`, `ICMP.ID`). A bare `ACK` is the flag, `ACK=<n>` the acknowledgment
/// number. Values inside the `[…]` of an ICMP error (the quoted packet) are kept in `fields`
/// under `inner.<KEY>` only.
public struct NetfilterParser: Sendable {
    public init() {}

    public func parse(_ line: Substring, lineNumber: Int, sourceFile: String) throws(LineError) -> LogEntry {
        guard let fieldsStart = Self.fieldsStart(in: line) else { throw LineError("no IN=… OUT=… fields") }
        var head = line[..<fieldsStart]
        var header: (time: WallClockTime?, host: String?) = (nil, nil)
        if let kernel = head.range(of: "kernel:") {
            header = TimestampParsing.syslogHeader(head[..<kernel.lowerBound])
            head = head[kernel.upperBound...]
        }
        head = head.drop(while: { $0 == " " })
        var uptime: Substring?
        if head.hasPrefix("["), let close = head.firstIndex(of: "]") {
            let inner = head[head.index(after: head.startIndex)..<close].trimmingCharacters(in: .whitespaces)
            if Double(inner) != nil {
                uptime = inner[...]
                head = head[head.index(after: close)...]
            }
        }
        let prefix = head.trimmingCharacters(in: .whitespaces)
        let rule = prefix.hasSuffix(":") ? String(prefix.dropLast()).trimmingCharacters(in: .whitespaces) : prefix

        var e = LogEntry(sourceFile: sourceFile, lineNumber: lineNumber, rawLine: String(line),
                         format: .netfilter, action: Self.action(prefix: rule))
        e.setTime(header.time)
        e.host = header.host
        e.rule = rule.isEmpty ? nil : rule
        if let uptime { e.fields["uptime"] = String(uptime) }
        try Self.readFields(line[fieldsStart...], into: &e)
        return e
    }

    /// Where `IN=` starts: the first `IN=` followed by ` OUT=` (the prefix may end in a letter,
    /// `--log-prefix DROP` gives `DROPIN=eth0`).
    static func fieldsStart(in line: Substring) -> Substring.Index? {
        var search = line[...]
        while let r = search.range(of: "IN=") {
            let after = line[r.upperBound...].drop(while: { $0 != " " })
            if after.hasPrefix(" OUT=") { return r.lowerBound }
            search = line[r.upperBound...]
        }
        return nil
    }

    static func action(prefix: String) -> LogEntry.Action {
        let p = prefix.uppercased()
        if p.contains("DROP") { return .drop }
        if p.contains("REJECT") { return .reject }
        if p.contains("ACCEPT") { return .accept }
        return .log
    }

    static func readFields(_ text: Substring, into e: inout LogEntry) throws(LineError) {
        var packet = LoggedPacket()
        var proto: String?
        var flags = TCPFlags()
        var depth = 0
        var src: IPAddress?, dst: IPAddress?, spt: UInt16?, dpt: UInt16?
        for raw in text.split(separator: " ") {
            var token = raw
            if token.hasPrefix("[") { depth += 1; token = token.dropFirst() }
            let closes = token.hasSuffix("]")
            if closes { token = token.dropLast() }
            defer { if closes { depth = max(0, depth - 1) } }
            if token.isEmpty { continue }
            let eq = token.firstIndex(of: "=")
            let key = String(eq.map { token[..<$0] } ?? token)
            let value = eq.map { token[token.index(after: $0)...] } ?? ""
            if depth > 0 {
                e.fields["inner.\(key)"] = String(value)
                continue
            }
            if let proto, e.fields[key] != nil {
                e.fields["\(proto).\(key)"] = String(value)
            } else {
                e.fields[key] = String(value)
            }
            switch (key, proto) {
            case ("IN", nil): e.inputInterface = value.isEmpty ? nil : String(value)
            case ("OUT", nil): e.outputInterface = value.isEmpty ? nil : String(value)
            case ("MAC", nil): packet.mac = value.isEmpty ? nil : String(value)
            case ("SRC", nil): src = try FieldValues.address(value, field: "SRC")
            case ("DST", nil): dst = try FieldValues.address(value, field: "DST")
            case ("LEN", nil): packet.length = try FieldValues.integer(value, field: "LEN")
            case ("TOS", nil), ("TC", nil): packet.tos = String(value)
            case ("TTL", nil), ("HOPLIMIT", nil): packet.ttl = try FieldValues.integer(value, field: key)
            case ("ID", nil): packet.ipID = try FieldValues.integer(value, field: "ID")
            case ("DF", nil): packet.dontFragment = true
            case ("PROTO", nil):
                guard !value.isEmpty else { throw LineError("PROTO= is empty") }
                proto = value.uppercased()
                e.ipProtocol = FieldValues.ipProtocol(value)
            case ("SPT", _?): spt = try FieldValues.port(value, field: "SPT")
            case ("DPT", _?): dpt = try FieldValues.port(value, field: "DPT")
            case ("WINDOW", "TCP"?): packet.window = try FieldValues.integer(value, field: "WINDOW")
            case ("SEQ", "TCP"?): packet.sequence = try Self.uint32(value, field: "SEQ")
            case ("ACK", "TCP"?) where eq != nil: packet.acknowledgment = try Self.uint32(value, field: "ACK")
            case (_, "TCP"?) where eq == nil:
                if let f = FieldValues.tcpFlagNames[key] { flags.insert(f) }
            case ("LEN", "UDP"?), ("LEN", "UDPLITE"?): packet.udpLength = try FieldValues.integer(value, field: "UDP LEN")
            case ("TYPE", _?): packet.icmpType = try FieldValues.integer(value, field: "TYPE")
            case ("CODE", _?): packet.icmpCode = try FieldValues.integer(value, field: "CODE")
            case ("ID", _?): packet.icmpID = try FieldValues.integer(value, field: "ICMP ID")
            case ("SEQ", _?): packet.icmpSequence = try FieldValues.integer(value, field: "ICMP SEQ")
            default: break
            }
        }
        guard let src else { throw LineError("no SRC= field") }
        guard let dst else { throw LineError("no DST= field") }
        guard let proto else { throw LineError("no PROTO= field (line cut short?)") }
        if proto == "TCP" || proto == "UDP" || proto == "UDPLITE" || proto == "SCTP" {
            guard let spt, let dpt else { throw LineError("PROTO=\(proto) without SPT= and DPT=") }
            e.sourcePort = spt
            e.destinationPort = dpt
        }
        if proto == "TCP" { e.tcpFlags = flags }
        e.sourceAddress = src
        e.destinationAddress = dst
        e.packet = packet
    }

    static func uint32(_ text: Substring, field: String) throws(LineError) -> UInt32 {
        guard let n = UInt32(text) else { throw LineError("\(field) \"\(text)\" is not a 32-bit number") }
        return n
    }
}
