import Capture
import Flows
import Packets

/// tshark's default one-line packet list: No., Time, Source → Destination, Protocol, Length,
/// Info. No. is right-aligned in 5, Time (seconds since the first frame, 6 decimals for
/// microsecond pcap, 9 otherwise) in 10, Source right-aligned and Destination left-aligned in 12.
public struct PacketListFormatter {
    public var decimals: Int
    public var colour: Bool
    private var firstTime: Timestamp?
    private var tracker = ConnectionTracker()

    public init(format: TraceFormat, colour: Bool) {
        if case .pcap(_, let nanosecond, _) = format { decimals = nanosecond ? 9 : 6 } else { decimals = 9 }
        self.colour = colour
    }

    /// The line for `packet`, and the TCP stream it belongs to (nil for non-TCP frames).
    public mutating func line(for packet: Packet) -> (text: String, stream: Int?) {
        let frame = packet.frame
        if firstTime == nil { firstTime = frame.timestamp }
        let rel = Timestamp.nanoseconds(from: firstTime!, to: frame.timestamp)
        var source = "", destination = "", proto = "", info = ""
        var stream: Int?
        var highlight: String?
        if let ip = packet.ip {
            // Every frame goes through the tracker so stream numbers and analysis match tshark.
            source = ip.source.description
            destination = ip.destination.description
            proto = ip.version == 4 ? "IPv4" : "IPv6"
            let analysis = tracker.process(packet)
            if let tcp = packet.tcp, let a = analysis {
                stream = a.stream
                proto = "TCP"
                var tags = a.tags
                if a.flags.contains(.challengeAck) { tags.insert("TCP Challenge ACK", at: 0) }
                info = InfoColumn.tcp(tcp, relativeSeq: a.relativeSeq, relativeAck: a.relativeAck,
                                      window: a.window, sackBase: a.reverseBase, tags: tags)
                if tcp.flags.contains(.rst) { highlight = "\u{1B}[31m" }
                else if !a.flags.isEmpty { highlight = "\u{1B}[33m" }
                else if tcp.flags.contains(.syn) || tcp.flags.contains(.fin) { highlight = "\u{1B}[90m" }
            } else if let udp = packet.udp {
                proto = "UDP"
                info = InfoColumn.udp(udp)
            } else if let icmp = packet.icmp {
                proto = icmp.isV6 ? "ICMPv6" : "ICMP"
                info = InfoColumn.icmp(icmp, ttl: ip.ttl)
                if icmp.isError { highlight = "\u{1B}[33m" }
            } else if ip.isFragment {
                info = "Fragmented IP protocol (proto=\(ip.protocolNumber.rawValue), off=\(ip.fragmentOffset), ID=\(hex(ip.identification)))"
            } else {
                info = "IP protocol \(ip.protocolNumber.rawValue)"
            }
        } else if let arp = packet.arp, let eth = packet.ethernet {
            source = eth.source.description
            destination = eth.destination.value == 0xFFFF_FFFF_FFFF ? "Broadcast" : eth.destination.description
            proto = "ARP"
            info = InfoColumn.arp(arp)
        } else if let eth = packet.ethernet {
            source = eth.source.description
            destination = eth.destination.description
            proto = packet.etherType.map { "0x" + hex($0.rawValue) } ?? "LLC"
            info = "Ethernet II"
        }
        if info.isEmpty && !packet.problems.isEmpty { info = "[" + packet.problems.names.joined(separator: ", ") + "]" }
        var text = pad(String(frame.number), 5, right: true) + " "
            + pad(Self.seconds(rel, decimals: decimals), 10, right: true) + " "
            + pad(source, 12, right: true) + " → " + pad(destination, 12, right: false) + " "
            + proto + " " + String(frame.originalLength) + " " + info
        if colour, let highlight { text = highlight + text + "\u{1B}[0m" }
        return (text, stream)
    }

    static func seconds(_ ns: Int64, decimals: Int) -> String {
        let negative = ns < 0
        let mag = negative ? -ns : ns
        let whole = mag / 1_000_000_000
        var frac = mag % 1_000_000_000
        var digits = 9
        while digits > decimals { frac /= 10; digits -= 1 }
        let f = String(frac)
        return (negative ? "-" : "") + "\(whole)." + String(repeating: "0", count: decimals - f.count) + f
    }

    private func pad(_ s: String, _ width: Int, right: Bool) -> String {
        let n = s.count
        if n >= width { return s }
        let spaces = String(repeating: " ", count: width - n)
        return right ? spaces + s : s + spaces
    }

    private func hex(_ v: UInt16) -> String {
        let h = String(v, radix: 16)
        return String(repeating: "0", count: 4 - h.count) + h
    }
}
