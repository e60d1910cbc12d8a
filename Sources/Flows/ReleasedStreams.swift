import Packets

/// What stays of each released connection: its stream number and, per direction, where
/// Wireshark's analysis stood (base, next and highest-to-be-acked sequence numbers), so late
/// packets continue the numbering and their retransmissions are still recognised. One record per
/// connection the trace ever finished, so it is kept small: IPv4 conversations (nearly all of
/// them) in a 48-byte entry (key and record packed, keyed multiply hash) instead of ~90 bytes.
struct ReleasedStreams {
    struct Flow: Equatable {
        var base: UInt32?
        var nextSeq: UInt32
        var maxSeqToBeAcked: UInt32
    }

    struct Record: Equatable {
        var stream: Int
        var flows: (Flow, Flow)
        static func == (a: Record, b: Record) -> Bool { a.stream == b.stream && a.flows.0 == b.flows.0 && a.flows.1 == b.flows.1 }
    }

    /// Both IPv4 endpoints, address << 16 | port.
    private struct PackedKey: Hashable {
        let low: UInt64
        let high: UInt64

        init?(_ k: ConversationKey) {
            guard case .v4(let a) = k.low.address, case .v4(let b) = k.high.address else { return nil }
            low = UInt64(a) << 16 | UInt64(k.low.port)
            high = UInt64(b) << 16 | UInt64(k.high.port)
        }

        /// The same keyed hash as ``ConversationKey``'s (for an IPv4 key, the same value).
        func _rawHashValue(seed: Int) -> Int {
            var h = ConversationKey.hashStart(seed: seed)
            ConversationKey.fold(low, into: &h)
            ConversationKey.fold(high, into: &h)
            return ConversationKey.hashEnd(h)
        }
    }

    private struct PackedRecord {
        var stream: UInt32
        var seqs: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32)
        /// Bit d: flow d has a base.
        var hasBase: UInt8

        init?(_ r: Record) {
            guard let s = UInt32(exactly: r.stream) else { return nil }
            stream = s
            seqs = (r.flows.0.base ?? 0, r.flows.0.nextSeq, r.flows.0.maxSeqToBeAcked,
                    r.flows.1.base ?? 0, r.flows.1.nextSeq, r.flows.1.maxSeqToBeAcked)
            hasBase = (r.flows.0.base != nil ? 1 : 0) | (r.flows.1.base != nil ? 2 : 0)
        }

        var record: Record {
            Record(stream: Int(stream), flows: (
                Flow(base: hasBase & 1 != 0 ? seqs.0 : nil, nextSeq: seqs.1, maxSeqToBeAcked: seqs.2),
                Flow(base: hasBase & 2 != 0 ? seqs.3 : nil, nextSeq: seqs.4, maxSeqToBeAcked: seqs.5)))
        }
    }

    private var v4: [PackedKey: PackedRecord] = [:]
    private var others: [ConversationKey: Record] = [:]

    var count: Int { v4.count + others.count }

    subscript(key: ConversationKey) -> Record? {
        if let k = PackedKey(key), let r = v4[k] { return r.record }
        return others[key]
    }

    mutating func insert(_ r: Record, for key: ConversationKey) {
        if let k = PackedKey(key), let packed = PackedRecord(r) {
            v4[k] = packed
        } else {
            others[key] = r
        }
    }

    mutating func remove(_ key: ConversationKey) -> Record? {
        if let k = PackedKey(key), let r = v4.removeValue(forKey: k) { return r.record }
        return others.removeValue(forKey: key)
    }
}
