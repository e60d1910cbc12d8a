/// Wireshark's Info column for the protocols casebook decodes itself, in tshark 4.0's words:
/// `32333 → 23 [SYN] Seq=0 Win=4128 Len=0 MSS=536`.
public enum InfoColumn {
    /// Flag names in the order Wireshark lists them inside the brackets.
    static let flagNames: [(TCPFlags, String)] = [
        (.fin, "FIN"), (.syn, "SYN"), (.rst, "RST"), (.psh, "PSH"), (.ack, "ACK"),
        (.urg, "URG"), (.ece, "ECE"), (.cwr, "CWR"), (.ns, "AE"),
    ]

    /// `[SYN, ACK]`-style flag list ("<None>" when no flag is set).
    public static func flags(_ f: TCPFlags) -> String {
        let names = flagNames.filter { f.contains($0.0) }.map(\.1)
        return names.isEmpty ? "<None>" : names.joined(separator: ", ")
    }

    /// The TCP Info text. `relativeSeq`/`relativeAck` are what Wireshark shows by default
    /// (relative to each direction's initial sequence number); `tags` are analysis tags such as
    /// `TCP Retransmission`, printed in brackets before the ports. `sackBase` makes SACK edges relative.
    public static func tcp(_ tcp: TCPHeader, relativeSeq: UInt32, relativeAck: UInt32?,
                           window: Int, sackBase: UInt32?, tags: [String] = []) -> String {
        var s = ""
        for tag in tags { s += "[\(tag)] " }
        s += "\(tcp.sourcePort) → \(tcp.destinationPort) [\(flags(tcp.flags))] Seq=\(relativeSeq)"
        if tcp.flags.contains(.ack), let relativeAck { s += " Ack=\(relativeAck)" }
        s += " Win=\(window) Len=\(tcp.segmentLength)"
        if tcp.flags.contains(.urg) { s += " Urg=\(tcp.urgentPointer)" }
        let o = tcp.options
        // Options in the order they appear in the header, as Wireshark appends them.
        for i in 0..<o.kinds.count {
            switch o.kinds[i] {
            case 2: if let mss = o.mss { s += " MSS=\(mss)" }
            case 3: if let ws = o.windowScale { s += " WS=\(1 << Int(min(ws, 14)))" }
            case 4: if o.sackPermitted { s += " SACK_PERM" }
            case 8:
                if let v = o.timestampValue, let e = o.timestampEchoReply { s += " TSval=\(v) TSecr=\(e)" }
            case 5:
                for b in 0..<min(o.sackBlockCount, 4) {
                    let edge = o.sackBlocks[b]
                    let base = sackBase ?? 0
                    s += " SLE=\(edge.left &- base) SRE=\(edge.right &- base)"
                }
            default: break
            }
        }
        return s
    }

    public static func udp(_ udp: UDPHeader) -> String {
        "\(udp.sourcePort) → \(udp.destinationPort) Len=\(max(0, udp.length - 8))"
    }

    public static func icmp(_ m: ICMPMessage, ttl: UInt8) -> String {
        if m.isV6 {
            switch m.type {
            case 1: return "Destination Unreachable (\(icmpv6UnreachableCode(m.code)))"
            case 2: return "Packet Too Big" + (m.mtu.map { " (MTU \($0))" } ?? "")
            case 3: return "Time Exceeded (\(m.code == 0 ? "hop limit exceeded in transit" : "fragment reassembly time exceeded"))"
            case 4: return "Parameter Problem"
            case 128: return "Echo (ping) request id=0x\(hex4(m.identifier)), seq=\(m.sequence), hop limit=\(ttl)"
            case 129: return "Echo (ping) reply id=0x\(hex4(m.identifier)), seq=\(m.sequence), hop limit=\(ttl)"
            case 133: return "Router Solicitation"
            case 134: return "Router Advertisement"
            case 135: return "Neighbor Solicitation"
            case 136: return "Neighbor Advertisement"
            default: return "ICMPv6 type \(m.type) code \(m.code)"
            }
        }
        switch m.type {
        case 0: return "Echo (ping) reply    id=0x\(hex4(m.identifier)), seq=\(m.sequence)/\(m.sequence.byteSwapped), ttl=\(ttl)"
        case 8: return "Echo (ping) request  id=0x\(hex4(m.identifier)), seq=\(m.sequence)/\(m.sequence.byteSwapped), ttl=\(ttl)"
        case 3: return "Destination unreachable (\(unreachableCode(m.code)))"
        case 11: return "Time-to-live exceeded (\(m.code == 0 ? "Time to live exceeded in transit" : "Fragment reassembly time exceeded"))"
        case 5: return "Redirect"
        case 12: return "Parameter problem"
        default: return "ICMP type \(m.type) code \(m.code)"
        }
    }

    public static func arp(_ a: ARPMessage) -> String {
        switch a.operation {
        case 1: return a.senderIP == a.targetIP ? "Gratuitous ARP for \(a.senderIP) (Request)" : "Who has \(a.targetIP)? Tell \(a.senderIP)"
        case 2: return "\(a.senderIP) is at \(a.senderMAC)"
        default: return "ARP opcode \(a.operation)"
        }
    }

    static func hex4(_ v: UInt16) -> String {
        let h = String(v, radix: 16)
        return String(repeating: "0", count: 4 - h.count) + h
    }

    static func unreachableCode(_ code: UInt8) -> String {
        switch code {
        case 0: return "Network unreachable"
        case 1: return "Host unreachable"
        case 2: return "Protocol unreachable"
        case 3: return "Port unreachable"
        case 4: return "Fragmentation needed"
        case 9: return "Destination network administratively prohibited"
        case 10: return "Destination host administratively prohibited"
        case 13: return "Communication administratively filtered"
        default: return "code \(code)"
        }
    }

    static func icmpv6UnreachableCode(_ code: UInt8) -> String {
        switch code {
        case 0: return "no route to destination"
        case 1: return "communication with destination administratively prohibited"
        case 3: return "address unreachable"
        case 4: return "port unreachable"
        default: return "code \(code)"
        }
    }
}
