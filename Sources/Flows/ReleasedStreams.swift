import Packets

/// What stays of each released connection: its stream number and, per direction, where
/// Wireshark's analysis stood (base, next and highest-to-be-acked sequence numbers, last window,
/// window scale, last ACK and the duplicate ACKs counted since), so a late packet is analysed as
/// tshark analyses it: numbering, retransmissions, duplicate ACKs and scaled windows go on. (Not
/// kept: the unacknowledged segments, which only give an RTT to an ACK for data sent before the
/// release.)
///
/// There is one record for every connection the trace ever finished, so the records themselves
/// leave memory: they go to a spill file in chunks (``RecordFile``). Memory keeps an index of
/// 8-byte slots, at most three quarters full (11 to 21 bytes a connection): each slot holds a 32-bit
/// fingerprint of the key's keyed hash and the record's number. A lookup reads a record back only
/// when a fingerprint matches, which is a late packet, a reused port, or one false match in about
/// 2^15 probes; the first packet of a new connection usually finds an empty slot.
struct ReleasedStreams {
    /// One direction's ``WiresharkFlow`` without its unacknowledged segments.
    struct Flow: Equatable {
        var base: UInt32?
        var nextSeq: UInt32
        var maxSeqToBeAcked: UInt32
        var window: UInt32 = 0xFFFF_FFFF
        var winScale: Int8 = -1
        var isFirstAck = false
        var lastSegmentFlags: UInt32 = 0
        var nextSeqTime: Int64 = 0
        var lastAck: UInt32 = 0
        var lastAckTime: Int64 = 0
        var lastNonDupAck = 0
        var dupAckNum = 0

        init(base: UInt32?, nextSeq: UInt32, maxSeqToBeAcked: UInt32) {
            self.base = base
            self.nextSeq = nextSeq
            self.maxSeqToBeAcked = maxSeqToBeAcked
        }

        init(_ f: WiresharkFlow) {
            self.init(base: f.baseSet ? f.baseSeq : nil, nextSeq: f.nextSeq, maxSeqToBeAcked: f.maxSeqToBeAcked)
            window = f.window
            winScale = Int8(f.winScale)
            isFirstAck = f.isFirstAck
            lastSegmentFlags = f.lastSegmentFlags.rawValue
            nextSeqTime = f.nextSeqTime
            lastAck = f.lastAck
            lastAckTime = f.lastAckTime
            lastNonDupAck = f.lastNonDupAck
            dupAckNum = f.dupAckNum
        }

        /// The flow to continue from (no unacknowledged segments).
        var wiresharkFlow: WiresharkFlow {
            var f = WiresharkFlow()
            if let base { f.baseSeq = base; f.baseSet = true }
            f.nextSeq = nextSeq
            f.maxSeqToBeAcked = maxSeqToBeAcked
            f.window = window
            f.winScale = Int(winScale)
            f.isFirstAck = isFirstAck
            f.lastSegmentFlags = AnalysisFlags(rawValue: lastSegmentFlags)
            f.nextSeqTime = nextSeqTime
            f.lastAck = lastAck
            f.lastAckTime = lastAckTime
            f.lastNonDupAck = lastNonDupAck
            f.dupAckNum = dupAckNum
            return f
        }
    }

    struct Record: Equatable {
        var stream: Int
        var flows: (Flow, Flow)
        /// The connection's first RTT (ns; 0 unknown) and its last SYN's time, as the analysis uses them.
        var firstRTT: Int64 = 0
        var tsMruSyn: Int64 = 0
        static func == (a: Record, b: Record) -> Bool {
            a.stream == b.stream && a.flows.0 == b.flows.0 && a.flows.1 == b.flows.1 && a.firstRTT == b.firstRTT && a.tsMruSyn == b.tsMruSyn
        }
    }

    /// Fingerprint << 32 | (record number + 1); 0 is an empty slot, a record part of all ones a
    /// removed entry (the probe goes on past it).
    private var slots = [UInt64](repeating: 0, count: 256)
    /// Slots not empty: entries and removed ones.
    private var used = 0
    private(set) var count = 0
    private let records = RecordFile()
    private let seed = Int.random(in: Int.min...Int.max)
    private static let removed: UInt64 = 0xFFFF_FFFF

    subscript(key: ConversationKey) -> Record? {
        guard let found = find(key) else { return nil }
        return found.entry.record
    }

    mutating func insert(_ r: Record, for key: ConversationKey) {
        _ = remove(key)
        if (used + 1) * 4 > slots.count * 3 { rebuild() }
        let n = records.append(RecordFile.Entry(key: key, record: r))
        precondition(n < Int(Self.removed) - 1, "more released streams than the index can number")
        let fp = fingerprint(key)
        let mask = slots.count - 1
        var i = Int(fp) & mask
        while slots[i] != 0 && slots[i] & Self.removed != Self.removed { i = (i + 1) & mask }
        if slots[i] == 0 { used += 1 }
        slots[i] = UInt64(fp) << 32 | UInt64(n + 1)
        count += 1
    }

    mutating func remove(_ key: ConversationKey) -> Record? {
        guard let found = find(key) else { return nil }
        slots[found.slot] |= Self.removed
        count -= 1
        return found.entry.record
    }

    private func fingerprint(_ key: ConversationKey) -> UInt32 {
        UInt32(truncatingIfNeeded: UInt(bitPattern: key._rawHashValue(seed: seed)) >> 32)
    }

    private func find(_ key: ConversationKey) -> (slot: Int, entry: RecordFile.Entry)? {
        let fp = fingerprint(key)
        let mask = slots.count - 1
        var i = Int(fp) & mask
        while true {
            let s = slots[i]
            if s == 0 { return nil }
            if UInt32(truncatingIfNeeded: s >> 32) == fp && s & Self.removed != Self.removed {
                let entry = records.read(Int(s & Self.removed) - 1)
                if entry.key == key { return (i, entry) }
            }
            i = (i + 1) & mask
        }
    }

    /// Doubles the index (or only drops removed entries, when they are most of it). The slots'
    /// fingerprints place them: no record is read.
    private mutating func rebuild() {
        let capacity = count * 2 > slots.count ? slots.count * 2 : slots.count
        var fresh = [UInt64](repeating: 0, count: capacity)
        let mask = capacity - 1
        for s in slots where s != 0 && s & Self.removed != Self.removed {
            var i = Int(UInt32(truncatingIfNeeded: s >> 32)) & mask
            while fresh[i] != 0 { i = (i + 1) & mask }
            fresh[i] = s
        }
        slots = fresh
        used = count
    }
}

/// The released streams' records, numbered in the order they came: 184 bytes each, in chunks
/// of 1,024; full chunks are written to a ``SpillFile`` and read back one record at a time
/// (kept in memory when no spill file can be written).
final class RecordFile {
    struct Entry {
        var key: ConversationKey
        var record: ReleasedStreams.Record
    }

    static let size = 184
    static let chunkRecords = 1024
    private var tail: [UInt8] = []
    /// Chunks that could not be written to the spill file, by chunk number.
    private var kept: [Int: [UInt8]] = [:]
    private var spill: SpillFile?
    private var spillTried = false
    private var flushed = 0

    /// Adds `e`; returns its number.
    func append(_ e: Entry) -> Int {
        if tail.isEmpty { tail.reserveCapacity(Self.chunkRecords * Self.size) }
        let n = flushed + tail.count / Self.size
        tail.append(contentsOf: repeatElement(0, count: Self.size))
        tail.withUnsafeMutableBytes { Self.encode(e, into: $0.baseAddress! + ($0.count - Self.size)) }
        if tail.count == Self.chunkRecords * Self.size { flush() }
        return n
    }

    func read(_ n: Int) -> Entry {
        if n >= flushed {
            return tail.withUnsafeBytes { Self.decode($0.baseAddress! + (n - flushed) * Self.size) }
        }
        let chunk = n / Self.chunkRecords
        if let bytes = kept[chunk] {
            return bytes.withUnsafeBytes { Self.decode($0.baseAddress! + (n % Self.chunkRecords) * Self.size) }
        }
        return withUnsafeTemporaryAllocation(byteCount: Self.size, alignment: 8) { buffer in
            guard spill!.read(into: buffer, at: n * Self.size) else {
                preconditionFailure("released stream record \(n) cannot be read back from the spill file")
            }
            return Self.decode(UnsafeRawPointer(buffer.baseAddress!))
        }
    }

    private func flush() {
        if !spillTried { spill = SpillFile.create(); spillTried = true }
        let chunk = flushed / Self.chunkRecords
        let written = spill.map { file in tail.withUnsafeBytes { file.write($0, at: flushed * Self.size) } } ?? false
        if !written { kept[chunk] = tail }
        flushed += Self.chunkRecords
        tail = []
    }

    // Layout: 0 family bits (1: low is IPv6, 2: high is IPv6), 1 flow bits (1, 2: flow 0, 1 has
    // a base; 4, 8: flow 0, 1 is at its first ACK), 2 low port, 4 high port, 6 and 7 the flows'
    // window scales, 8 low address (two words), 24 high address, 40 stream, 48 six sequence
    // numbers, 72 and 120 the flows' analysis state (window, last ACK, last segment's flags, 4
    // spare, duplicate ACKs, next seq's time, last ACK's time, last non-duplicate ACK's frame),
    // 168 first RTT, 176 last SYN's time.
    private static func encode(_ e: Entry, into p: UnsafeMutableRawPointer) {
        func words(_ a: IPAddress) -> (UInt64, UInt64, UInt8) {
            switch a {
            case .v4(let v): return (UInt64(v), 0, 0)
            case .v6(let hi, let lo): return (hi, lo, 1)
            }
        }
        let low = words(e.key.low.address), high = words(e.key.high.address)
        let f = e.record.flows
        p.storeBytes(of: low.2 | high.2 << 1, as: UInt8.self)
        let bits = (f.0.base != nil ? 1 : 0) | (f.1.base != nil ? 2 : 0) | (f.0.isFirstAck ? 4 : 0) | (f.1.isFirstAck ? 8 : 0)
        p.storeBytes(of: UInt8(bits), toByteOffset: 1, as: UInt8.self)
        p.storeBytes(of: e.key.low.port, toByteOffset: 2, as: UInt16.self)
        p.storeBytes(of: e.key.high.port, toByteOffset: 4, as: UInt16.self)
        p.storeBytes(of: f.0.winScale, toByteOffset: 6, as: Int8.self)
        p.storeBytes(of: f.1.winScale, toByteOffset: 7, as: Int8.self)
        p.storeBytes(of: low.0, toByteOffset: 8, as: UInt64.self)
        p.storeBytes(of: low.1, toByteOffset: 16, as: UInt64.self)
        p.storeBytes(of: high.0, toByteOffset: 24, as: UInt64.self)
        p.storeBytes(of: high.1, toByteOffset: 32, as: UInt64.self)
        p.storeBytes(of: Int64(e.record.stream), toByteOffset: 40, as: Int64.self)
        p.storeBytes(of: f.0.base ?? 0, toByteOffset: 48, as: UInt32.self)
        p.storeBytes(of: f.0.nextSeq, toByteOffset: 52, as: UInt32.self)
        p.storeBytes(of: f.0.maxSeqToBeAcked, toByteOffset: 56, as: UInt32.self)
        p.storeBytes(of: f.1.base ?? 0, toByteOffset: 60, as: UInt32.self)
        p.storeBytes(of: f.1.nextSeq, toByteOffset: 64, as: UInt32.self)
        p.storeBytes(of: f.1.maxSeqToBeAcked, toByteOffset: 68, as: UInt32.self)
        for (at, flow) in [(72, f.0), (120, f.1)] {
            p.storeBytes(of: flow.window, toByteOffset: at, as: UInt32.self)
            p.storeBytes(of: flow.lastAck, toByteOffset: at + 4, as: UInt32.self)
            p.storeBytes(of: flow.lastSegmentFlags, toByteOffset: at + 8, as: UInt32.self)
            p.storeBytes(of: Int64(flow.dupAckNum), toByteOffset: at + 16, as: Int64.self)
            p.storeBytes(of: flow.nextSeqTime, toByteOffset: at + 24, as: Int64.self)
            p.storeBytes(of: flow.lastAckTime, toByteOffset: at + 32, as: Int64.self)
            p.storeBytes(of: Int64(flow.lastNonDupAck), toByteOffset: at + 40, as: Int64.self)
        }
        p.storeBytes(of: e.record.firstRTT, toByteOffset: 168, as: Int64.self)
        p.storeBytes(of: e.record.tsMruSyn, toByteOffset: 176, as: Int64.self)
    }

    private static func decode(_ p: UnsafeRawPointer) -> Entry {
        let family = p.loadUnaligned(as: UInt8.self), bases = p.loadUnaligned(fromByteOffset: 1, as: UInt8.self)
        func address(_ at: Int, v6: Bool) -> IPAddress {
            let w0 = p.loadUnaligned(fromByteOffset: at, as: UInt64.self)
            return v6 ? .v6(w0, p.loadUnaligned(fromByteOffset: at + 8, as: UInt64.self)) : .v4(UInt32(truncatingIfNeeded: w0))
        }
        let low = Endpoint(address(8, v6: family & 1 != 0), p.loadUnaligned(fromByteOffset: 2, as: UInt16.self))
        let high = Endpoint(address(24, v6: family & 2 != 0), p.loadUnaligned(fromByteOffset: 4, as: UInt16.self))
        func seq(_ i: Int) -> UInt32 { p.loadUnaligned(fromByteOffset: 48 + 4 * i, as: UInt32.self) }
        func flow(_ d: Int) -> ReleasedStreams.Flow {
            var f = ReleasedStreams.Flow(base: bases & (1 << d) != 0 ? seq(3 * d) : nil, nextSeq: seq(3 * d + 1), maxSeqToBeAcked: seq(3 * d + 2))
            let at = 72 + 48 * d
            f.winScale = p.loadUnaligned(fromByteOffset: 6 + d, as: Int8.self)
            f.isFirstAck = bases & (4 << d) != 0
            f.window = p.loadUnaligned(fromByteOffset: at, as: UInt32.self)
            f.lastAck = p.loadUnaligned(fromByteOffset: at + 4, as: UInt32.self)
            f.lastSegmentFlags = p.loadUnaligned(fromByteOffset: at + 8, as: UInt32.self)
            f.dupAckNum = Int(p.loadUnaligned(fromByteOffset: at + 16, as: Int64.self))
            f.nextSeqTime = p.loadUnaligned(fromByteOffset: at + 24, as: Int64.self)
            f.lastAckTime = p.loadUnaligned(fromByteOffset: at + 32, as: Int64.self)
            f.lastNonDupAck = Int(p.loadUnaligned(fromByteOffset: at + 40, as: Int64.self))
            return f
        }
        let record = ReleasedStreams.Record(
            stream: Int(p.loadUnaligned(fromByteOffset: 40, as: Int64.self)), flows: (flow(0), flow(1)),
            firstRTT: p.loadUnaligned(fromByteOffset: 168, as: Int64.self), tsMruSyn: p.loadUnaligned(fromByteOffset: 176, as: Int64.self))
        return Entry(key: ConversationKey(low, high), record: record)
    }
}
