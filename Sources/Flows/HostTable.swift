import Capture
import Packets

/// What one trace shows about one address: TTL / hop limit values, the initial TTL they imply,
/// IP ID behaviour and MAC addresses. Bounded per host (a few counters), never per packet.
public struct HostObservation: Sendable {
    public var address: IPAddress
    public var packets = 0
    /// TTL (or hop limit) → packets seen with it.
    public var ttlCounts: [UInt8: Int] = [:]
    public var macs: Set<MACAddress> = []
    var lastID: UInt16?
    var idSmallSteps = 0
    var idZero = 0
    var idSamples = 0
    var lastIDByPeer: [IPAddress: UInt16] = [:]
    var idSmallStepsPerPeer = 0

    /// The TTL seen most often.
    public var commonTTL: UInt8? { ttlCounts.max { a, b in a.value != b.value ? a.value < b.value : a.key > b.key }?.key }

    /// The usual initial TTLs: 32 (old Windows), 64 (Linux, macOS, most network gear),
    /// 128 (Windows), 255 (Cisco IOS, Solaris, many firewalls).
    public static func initialTTL(for ttl: UInt8) -> Int {
        for t in [32, 64, 128] where Int(ttl) <= t { return t }
        return 255
    }

    /// Router hops between the host and the capture point, from the common TTL.
    public var hops: Int? { commonTTL.map { Self.initialTTL(for: $0) - Int($0) } }

    /// `zero`, `incrementing` (one counter for all traffic), `per-destination` (a counter per
    /// peer, as Linux does), `random`, or nil (IPv6, or too few packets to tell).
    public var ipIDBehaviour: String? {
        guard !address.isIPv6, idSamples >= 3 else { return nil }
        let steps = idSamples - 1
        if idZero == idSamples { return "zero" }
        if idSmallSteps * 10 >= steps * 8 { return "incrementing" }
        if idSmallStepsPerPeer * 10 >= steps * 8 { return "per-destination" }
        return "random"
    }
}

public struct HostTable: Sendable {
    public private(set) var hosts: [IPAddress: HostObservation] = [:]

    mutating func observe(_ p: Packet) {
        guard let ip = p.ip else { return }
        var h = hosts[ip.source] ?? HostObservation(address: ip.source)
        h.packets += 1
        h.ttlCounts[ip.ttl, default: 0] += 1
        if let mac = p.ethernet?.source, h.macs.count < 8 { h.macs.insert(mac) }
        if ip.version == 4 {
            let id = ip.identification
            h.idSamples += 1
            if id == 0 { h.idZero += 1 }
            if let last = h.lastID, id &- last >= 1 && id &- last <= 64 { h.idSmallSteps += 1 }
            h.lastID = id
            if let last = h.lastIDByPeer[ip.destination], id &- last >= 1 && id &- last <= 64 { h.idSmallStepsPerPeer += 1 }
            if h.lastIDByPeer.count < 1024 || h.lastIDByPeer[ip.destination] != nil { h.lastIDByPeer[ip.destination] = id }
        }
        hosts[ip.source] = h
    }

    /// Hosts sorted by address.
    public var sorted: [HostObservation] { hosts.values.sorted { $0.address < $1.address } }
}
