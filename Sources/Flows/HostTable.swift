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

extension HostObservation {
    mutating func record(_ ip: IPHeader, mac: MACAddress?) {
        packets += 1
        ttlCounts[ip.ttl, default: 0] += 1
        if let mac, macs.count < 8 { macs.insert(mac) }
        guard ip.version == 4 else { return }
        let id = ip.identification
        idSamples += 1
        if id == 0 { idZero += 1 }
        if let last = lastID, id &- last >= 1 && id &- last <= 64 { idSmallSteps += 1 }
        lastID = id
        if let last = lastIDByPeer[ip.destination], id &- last >= 1 && id &- last <= 64 { idSmallStepsPerPeer += 1 }
        if lastIDByPeer.count < 1024 || lastIDByPeer[ip.destination] != nil { lastIDByPeer[ip.destination] = id }
    }
}

public struct HostTable: Sendable {
    public private(set) var hosts: [IPAddress: HostObservation] = [:]

    mutating func observe(_ p: Packet) {
        guard let ip = p.ip else { return }
        // Mutate in place (subscript with default) so the host's small tables are not copied per packet.
        hosts[ip.source, default: HostObservation(address: ip.source)].record(ip, mac: p.ethernet?.source)
    }

    /// Hosts sorted by address.
    public var sorted: [HostObservation] { hosts.values.sorted { $0.address < $1.address } }
}
