/// The finished connections of one trace, in `tcp.stream` order, held in the compact encoding
/// (about 200 to 350 bytes each instead of ~1.2 KB): reading a connection decodes it. This is
/// what keeps a trace's memory small when it has hundreds of thousands of connections. The bytes
/// live in blocks of ``blockSize``, so growing never copies (or briefly doubles) what is held.
public struct ConnectionStore: RandomAccessCollection, Sendable {
    static let blockSize = 1 << 20
    /// Blocks in memory; a block written to ``spill`` is left empty here.
    private var blocks: [[UInt8]] = []
    /// Full blocks go here when spilling is on (block b at offset b × ``blockSize``).
    private var spill: SpillFile?
    /// False once a write to ``spill`` failed (disk full): later blocks stay in memory.
    private var spilling = false
    /// Where each record starts: block index << 32 | offset in the block.
    private var offsets: [Int] = []
    /// Each record's ``ConnectionTraits``, beside it (two bytes a connection).
    private var traitBits: [ConnectionTraits] = []
    /// Each record's length in bytes (four bytes a connection): records are copied as they are
    /// when the store is put in stream order.
    private var lengths: [UInt32] = []
    private var size = 0

    public init() {}

    public init<S: Sequence>(_ summaries: S) where S.Element == ConnectionSummary {
        for s in summaries { append(s) }
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { offsets.count }

    public subscript(i: Int) -> ConnectionSummary {
        read(offsets[i], reading: 320) { ConnectionSummary.decode(from: &$0) }
    }

    /// The ``ConnectionHead`` of connection `i`: only the start of its record is read.
    public func head(_ i: Int) -> ConnectionHead {
        read(offsets[i], reading: 80) { ConnectionHead.decode(from: &$0) }
    }

    /// A reader at the record that starts at `o`, in memory or in the spill file.
    @inline(__always)
    private func read<T>(_ o: Int, reading: Int, _ body: (inout CompactReader) -> T) -> T {
        let block = o >> 32
        if !blocks[block].isEmpty {
            return blocks[block].withUnsafeBufferPointer { b in
                var r = CompactReader(bytes: b, at: o & 0xFFFF_FFFF)
                return body(&r)
            }
        }
        return spill!.withBytes(at: block * Self.blockSize + (o & 0xFFFF_FFFF), reading: reading) { b, at in
            var r = CompactReader(bytes: b, at: at)
            return body(&r)
        }
    }

    /// From now on, full blocks are written to an unlinked temporary file and dropped from
    /// memory (when no such file can be made, they stay in memory).
    mutating func spillFullBlocks() {
        if spill == nil { spill = SpillFile.create() }
        spilling = spill != nil
    }

    /// Bytes of encoded connections held in memory (the rest is in the spill file).
    var bytesInMemory: Int { blocks.reduce(0) { $0 + $1.count } }

    /// The (stream, first frame) of connection `i`, read from the start of its record.
    func sortKey(_ i: Int) -> (stream: Int, firstFrame: Int) {
        read(offsets[i], reading: 80) { ConnectionHead.sortKey(from: &$0) }
    }

    /// Every connection's head, in stream order.
    public var heads: LazyMapSequence<Range<Int>, ConnectionHead> { indices.lazy.map { head($0) } }

    /// The traits of connection `i`.
    public func traits(_ i: Int) -> ConnectionTraits { traitBits[i] }

    /// The connections with any of `traits`, in stream order; only those are decoded.
    public func having(_ traits: ConnectionTraits) -> LazyMapSequence<LazyFilterSequence<Range<Int>>, ConnectionSummary> {
        indices.lazy.filter { !traitBits[$0].isDisjoint(with: traits) }.map { self[$0] }
    }

    /// Encodes `s` after the others and lists it.
    mutating func append(_ s: ConnectionSummary) {
        var w = CompactWriter()
        s.encode(to: &w)
        w.withBytes { append(record: $0, traits: s.traits) }
    }

    /// Lists an encoded record after the others.
    private mutating func append(record: UnsafeRawBufferPointer, traits: ConnectionTraits) {
        offsets.append(appendBytes(record))
        traitBits.append(traits)
        lengths.append(UInt32(record.count))
    }

    /// The bytes of record `i` (borrowed for the call).
    private func withRecord<T>(_ i: Int, _ body: (UnsafeRawBufferPointer) -> T) -> T {
        let length = Int(lengths[i])
        return read(offsets[i], reading: length) { r in
            body(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(r.bytes)[r.at..<(r.at + length)]))
        }
    }

    /// Puts `record` after the others; returns where it starts.
    private mutating func appendBytes(_ record: UnsafeRawBufferPointer) -> Int {
        size += record.count
        if let last = blocks.indices.last, blocks[last].count + record.count <= Self.blockSize {
            let at = blocks[last].count
            blocks[last].append(contentsOf: record)
            return last << 32 | at
        }
        if spilling, let last = blocks.indices.last, !blocks[last].isEmpty, blocks[last].count <= Self.blockSize {
            precondition(isKnownUniquelyReferenced(&spill), "a spilling ConnectionStore is appended to through one copy only")
            let written = blocks[last].withUnsafeBytes { spill!.write($0, at: last * Self.blockSize) }
            if written { blocks[last] = [] } else { spilling = false }
        }
        var block: [UInt8] = []
        block.reserveCapacity(Swift.max(Self.blockSize, record.count))
        block.append(contentsOf: record)
        blocks.append(block)
        return (blocks.count - 1) << 32
    }

    /// Bytes held for the encoded connections.
    public var encodedSize: Int { size }

    /// Sorts the records by (stream, first frame) and replaces the pieces of one stream by their
    /// merge. The records are copied, as they are, into a new store in that order (spilling as
    /// this one does): connections finish out of stream order, and the passes that follow
    /// (rules, the document) read in stream order, so a spilled store read in place was read
    /// all over its file in every pass.
    mutating func reorder(keys: [(stream: Int, firstFrame: Int)], merge: (ConnectionSummary, ConnectionSummary) -> ConnectionSummary) {
        let sorted = keys.indices.sorted { (keys[$0].stream, keys[$0].firstFrame) < (keys[$1].stream, keys[$1].firstFrame) }
        var out = ConnectionStore()
        if spilling { out.spillFullBlocks() }
        out.offsets.reserveCapacity(sorted.count)
        out.traitBits.reserveCapacity(sorted.count)
        out.lengths.reserveCapacity(sorted.count)
        var i = 0
        while i < sorted.count {
            var j = i + 1
            while j < sorted.count && keys[sorted[j]].stream == keys[sorted[i]].stream { j += 1 }
            if j == i + 1 {
                withRecord(sorted[i]) { out.append(record: $0, traits: traitBits[sorted[i]]) }
            } else {
                var s = self[sorted[i]]
                for k in (i + 1)..<j { s = merge(s, self[sorted[k]]) }
                out.append(s)
            }
            i = j
        }
        self = out
    }

    /// The connection with this `tcp.stream` (binary search; the store is in stream order).
    public func connection(stream: Int) -> ConnectionSummary? {
        var lo = 0, hi = offsets.count - 1
        while lo <= hi {
            let mid = (lo + hi) / 2
            let o = offsets[mid]
            let s = read(o, reading: 8) { $0.int() }
            if s == stream { return self[mid] }
            if s < stream { lo = mid + 1 } else { hi = mid - 1 }
        }
        return nil
    }
}

/// Connections as they finish (in any order, a stream possibly in several pieces), encoded at
/// once; ``takeSorted(merge:)`` puts them in stream order and merges the pieces without copying
/// the encoded bytes. The sort keys (stream, first frame) are read back from the start of the
/// records then, rather than kept beside them all along (16 bytes a connection).
struct FinishedConnections {
    private var store: ConnectionStore = {
        var s = ConnectionStore()
        s.spillFullBlocks()
        return s
    }()

    mutating func append(_ s: ConnectionSummary) {
        store.append(s)
    }

    mutating func takeSorted(merge: (ConnectionSummary, ConnectionSummary) -> ConnectionSummary) -> ConnectionStore {
        var out = ConnectionStore()
        swap(&out, &store)
        let keys = out.indices.map { out.sortKey($0) }
        out.reorder(keys: keys, merge: merge)
        return out
    }
}
