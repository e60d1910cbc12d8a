import Capture
import Packets

/// What one trace shows about one address: TTL / hop limit values, the initial TTL they imply,
/// IP ID behaviour and MAC addresses. A snapshot taken from ``HostTable`` after the pass.
public struct HostObservation: Sendable {
    public var address: IPAddress
    public var packets = 0
    /// TTL (or hop limit) → packets seen with it.
    public var ttlCounts: [UInt8: Int] = [:]
    public var macs: Set<MACAddress> = []
    var idSamples = 0
    var idZero = 0
    var idSmallSteps = 0
    var idSmallStepsPerConnection = 0

    public init(address: IPAddress) { self.address = address }

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

    /// `zero`, `incrementing` (one counter for all traffic), `per-connection` (a counter per
    /// connection or destination, as Linux keeps), `random`, or nil (IPv6, or too few packets).
    public var ipIDBehaviour: String? {
        guard !address.isIPv6, idSamples >= 3 else { return nil }
        let steps = idSamples - 1
        if idZero == idSamples { return "zero" }
        if idSmallSteps * 10 >= steps * 8 { return "incrementing" }
        if idSmallStepsPerConnection * 10 >= steps * 8 { return "per-connection" }
        return "random"
    }
}

/// The live record of one address while a trace is read. A class so connections can keep a
/// reference and update it without a hash lookup per packet. The first TTL and MAC seen are
/// kept in the record itself: nearly every packet of a host repeats them, and the lists of the
/// others are separate allocations (a cache miss per packet for hosts seen now and then).
final class HostRecord {
    let address: IPAddress
    var packets = 0
    var firstTTL: UInt8?
    var firstTTLCount = 0
    var firstMAC: MACAddress?
    var lastID: UInt16?
    var idSamples = 0, idZero = 0, idSmallSteps = 0, idSmallStepsPerConnection = 0
    /// Other TTLs (up to 31 more) and MACs (up to 7 more).
    var ttls: [UInt8] = []
    var ttlCounts: [Int] = []
    var macs: [MACAddress] = []
    /// TCP checksums checked on a sample of this sender's segments.
    var checksums = ChecksumSample()

    init(address: IPAddress) { self.address = address }

    /// Records one packet; `previousIDOnConnection` is the sender's last IP ID on the same connection.
    @inline(__always)
    func record(ttl: UInt8, id: UInt16?, mac: MACAddress?, previousIDOnConnection: UInt16?) {
        packets += 1
        if ttl == firstTTL {
            firstTTLCount += 1
        } else if firstTTL == nil {
            firstTTL = ttl
            firstTTLCount = 1
        } else {
            otherTTL(ttl)
        }
        if let mac, mac != firstMAC {
            if firstMAC == nil { firstMAC = mac } else { otherMAC(mac) }
        }
        guard let id else { return }
        idSamples += 1
        if id == 0 { idZero += 1 }
        if let last = lastID, id &- last >= 1 && id &- last <= 64 { idSmallSteps += 1 }
        if let last = previousIDOnConnection, id &- last >= 1 && id &- last <= 64 { idSmallStepsPerConnection += 1 }
        lastID = id
    }

    private func otherTTL(_ ttl: UInt8) {
        if let i = ttls.firstIndex(of: ttl) { ttlCounts[i] += 1 } else if ttls.count < 31 { ttls.append(ttl); ttlCounts.append(1) }
    }

    private func otherMAC(_ mac: MACAddress) {
        if macs.count < 7, !macs.contains(mac) { macs.append(mac) }
    }

    var snapshot: HostObservation {
        var h = HostObservation(address: address)
        h.packets = packets
        if let firstTTL { h.ttlCounts[firstTTL] = firstTTLCount }
        for (t, c) in zip(ttls, ttlCounts) { h.ttlCounts[t] = c }
        h.macs = Set(macs)
        if let firstMAC { h.macs.insert(firstMAC) }
        h.idSamples = idSamples
        h.idZero = idZero
        h.idSmallSteps = idSmallSteps
        h.idSmallStepsPerConnection = idSmallStepsPerConnection
        return h
    }
}

public struct HostTable: @unchecked Sendable {
    private var records: [IPAddress: HostRecord] = [:]

    /// The record for `address`, created on first sight.
    mutating func record(for address: IPAddress) -> HostRecord {
        if let r = records[address] { return r }
        let r = HostRecord(address: address)
        records[address] = r
        return r
    }

    /// Packets that belong to no TCP connection (UDP, ICMP, …) are recorded here.
    mutating func observe(_ ip: IPHeader, mac: MACAddress?) {
        record(for: ip.source).record(ttl: ip.ttl, id: ip.version == 4 ? ip.identification : nil,
                                      mac: mac, previousIDOnConnection: nil)
    }

    public var hosts: [IPAddress: HostObservation] { records.mapValues(\.snapshot) }

    /// The checksum samples of the senders that had any checked.
    var checksumSamples: [IPAddress: ChecksumSample] {
        records.compactMapValues { $0.checksums.checked > 0 ? $0.checksums : nil }
    }

    /// Hosts sorted by address.
    public var sorted: [HostObservation] { records.keys.sorted().map { records[$0]!.snapshot } }
}
