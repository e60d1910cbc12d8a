#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Where what is kept of finished connections goes while a long trace is read (the compact
/// summaries' full blocks, released streams' records, full chunks of evidence lists), so memory
/// follows the live connections and not every connection the trace ever had (the 5 M-packet
/// benchmark holds about 70 000 finished connections, ~22 MB of summaries). An unlinked temporary
/// file: nothing is left behind however the process ends. Bulk reading maps it and hands the
/// touched pages back every ``releaseEvery`` bytes of fault-around windows, as the trace reader
/// does with the trace; single records are read with `pread`.
final class SpillFile: Sendable {
    private struct Mapping: @unchecked Sendable {
        var base: UnsafeMutableRawPointer?
        var length = 0
        /// Fault-around windows touched since the mapping was last handed back, and the last one.
        var windowsSinceRelease = 0
        var lastWindow = -1
    }

    private let fd: Int32
    private let mapping = Mutex(Mapping())
    static let releaseEvery = 2 << 20
    /// Linux's default fault-around (`fault_around_bytes`): 64 KiB, aligned.
    static let windowShift = 16

    private init(fd: Int32) { self.fd = fd }

    /// A new spill file in TMPDIR (or /tmp), already unlinked; nil when none can be made (the
    /// store then keeps its blocks in memory).
    static func create() -> SpillFile? {
        let dir = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        var template = Array("\(dir)/casebook-connections-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { return nil }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        return SpillFile(fd: fd)
    }

    deinit {
        mapping.withLock { m in if let b = m.base { munmap(b, m.length) } }
        close(fd)
    }

    /// Writes `bytes` at `offset`; false when the file system refuses (the caller keeps them).
    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> Bool {
        Self.whole(bytes.count) { done in pwrite(fd, bytes.baseAddress! + done, bytes.count - done, off_t(offset + done)) }
    }

    /// Reads `buffer.count` bytes at `offset` (no mapping: for small reads here and there).
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) -> Bool {
        Self.whole(buffer.count) { done in pread(fd, buffer.baseAddress! + done, buffer.count - done, off_t(offset + done)) }
    }

    /// Repeats a partial read or write (`step` given the bytes done so far) until `count` bytes
    /// are done; false on an error or end of file.
    private static func whole(_ count: Int, _ step: (Int) -> Int) -> Bool {
        var done = 0
        while done < count {
            let n = step(done)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return false }
            done += n
        }
        return true
    }

    /// Runs `body` on the file's bytes (mapped; remapped when `offset` lies past the mapping) with
    /// `offset`. What `reading` bytes from `offset` touch counts towards handing the mapping back,
    /// in the kernel's fault-around windows (one fault maps the 64 KiB around it): a pass reading
    /// 80 bytes of every record maps the whole file. (Pages of a file just written are dirty in
    /// the page cache and count as this process's resident memory while mapped: 21 MB at the end
    /// of the 5 M-packet benchmark when bytes read were counted instead.)
    func withBytes<T>(at offset: Int, reading: Int, _ body: (UnsafeBufferPointer<UInt8>, Int) -> T) -> T {
        mapping.withLock { m in
            if offset >= m.length {
                if let b = m.base { munmap(b, m.length) }
                m.base = nil
                m.length = 0
                var st = stat()
                let size = fstat(fd, &st) == 0 ? Int(st.st_size) : 0
                guard offset < size, let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), p != MAP_FAILED else {
                    preconditionFailure("spilled connection record at \(offset) is not in the spill file (\(size) bytes)")
                }
                m.base = p
                m.length = size
            }
            let first = offset >> Self.windowShift, last = (offset + max(reading, 1) - 1) >> Self.windowShift
            m.windowsSinceRelease += last - first + (first == m.lastWindow ? 0 : 1)
            m.lastWindow = last
            if m.windowsSinceRelease << Self.windowShift >= Self.releaseEvery {
                _ = madvise(m.base, m.length, MADV_DONTNEED)
                m.windowsSinceRelease = 0
                m.lastWindow = -1
            }
            let bytes = UnsafeBufferPointer(start: m.base!.assumingMemoryBound(to: UInt8.self), count: m.length)
            return body(bytes, offset)
        }
    }
}
