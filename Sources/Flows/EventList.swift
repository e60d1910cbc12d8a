/// Notable packets of one kind (resets, retransmissions…), in the order they were seen, for the
/// rules that cite them. Kept in chunks of ``chunkSize``; full chunks of plain-data records are
/// written to a ``SpillFile``, so a trace with tens of thousands of resets holds one chunk in
/// memory however long it is (the 5 M-packet benchmark's reset list was 4.5 MB). Reading walks
/// the chunks in order: one read per spilled chunk. Appending is for the one tracker that owns
/// the list; copies share it, for reading.
public struct EventList<Element>: Sequence, @unchecked Sendable {
    static var chunkSize: Int { 1024 }
    private var storage = Storage()

    public init() {}

    public var count: Int { storage.count }
    public var isEmpty: Bool { storage.count == 0 }
    public var underestimatedCount: Int { storage.count }
    /// Chunks written to the spill file (for tests).
    var chunksInFile: Int { storage.chunksInFile }

    mutating func append(_ e: Element) {
        precondition(isKnownUniquelyReferenced(&storage), "an EventList is appended to through one copy only")
        storage.append(e)
    }

    public func makeIterator() -> Iterator { Iterator(storage: storage) }

    public struct Iterator: IteratorProtocol {
        let storage: Storage
        var chunk = 0
        var items: [Element] = []
        var at = 0

        public mutating func next() -> Element? {
            while at == items.count {
                guard chunk < storage.chunkCount else { return nil }
                items = storage.chunk(chunk)
                chunk += 1
                at = 0
            }
            defer { at += 1 }
            return items[at]
        }
    }

    final class Storage {
        private(set) var count = 0
        /// Chunks 0..<spilled are in the file; the rest in memory, the last one filling.
        private var spilled = 0
        private var inMemory: [[Element]] = []
        private var file: SpillFile?
        /// Only plain data is written out byte for byte; anything else stays in memory.
        private var spilling = _isPOD(Element.self)
        private static var chunkBytes: Int { MemoryLayout<Element>.stride * EventList.chunkSize }

        var chunkCount: Int { spilled + inMemory.count }
        var chunksInFile: Int { spilled }

        func append(_ e: Element) {
            if inMemory.last.map({ $0.count == EventList.chunkSize }) ?? true {
                if spilling, let full = inMemory.last { spill(full) }
                inMemory.append([])
                inMemory[inMemory.count - 1].reserveCapacity(EventList.chunkSize)
            }
            inMemory[inMemory.count - 1].append(e)
            count += 1
        }

        /// Writes the full chunk before the one about to start; on failure it stays in memory,
        /// as do all later ones.
        private func spill(_ full: [Element]) {
            if file == nil { file = SpillFile.create() }
            let written = file.map { f in full.withUnsafeBytes { f.write($0, at: spilled * Self.chunkBytes) } } ?? false
            guard written, inMemory.count == 1 else { spilling = false; return }
            inMemory.removeAll()
            spilled += 1
        }

        func chunk(_ i: Int) -> [Element] {
            if i >= spilled { return inMemory[i - spilled] }
            return [Element](unsafeUninitializedCapacity: EventList.chunkSize) { buffer, initialized in
                let bytes = UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(buffer)[0..<Self.chunkBytes])
                guard file!.read(into: bytes, at: i * Self.chunkBytes) else {
                    preconditionFailure("event chunk \(i) cannot be read back from the spill file")
                }
                initialized = EventList.chunkSize
            }
        }
    }
}
