import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes go to a temporary file in the destination's directory, are flushed to disk, then
/// renamed into place, so a reader (or a crash) never sees a half-written file.
public enum AtomicWrite {
    public static func write(_ data: Data, to url: URL) throws {
        try write(to: url) { try $0.write(contentsOf: data) }
    }

    /// Writes through `body` into a temporary file, then renames it into place.
    public static func write(to url: URL, _ body: (FileHandle) throws -> Void) throws {
        let dir = url.deletingLastPathComponent()
        let tmp = dir.appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        guard FileManager.default.createFile(atPath: tmp.path, contents: nil) else {
            throw CaseError("\(dir.path): cannot create a file there")
        }
        do {
            let handle = try FileHandle(forWritingTo: tmp)
            try body(handle)
            try handle.synchronize()
            try handle.close()
            try rename(tmp, to: url)
        } catch {
            try? FileManager.default.removeItem(at: tmp)
            throw error
        }
    }

    /// ``write(to:_:)`` for a large file made in pieces: `body` gets a function that appends
    /// bytes. Every MiB the part written so far is handed to the kernel to write back while the
    /// rest is made, so the flush before the rename waits for the last part only (for the 31 MB
    /// analysis of a 1 M-packet trace the flush alone took ~50 ms).
    public static func stream(to url: URL, _ body: (_ append: @escaping (UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws {
        try write(to: url) { handle in
            final class Written { var bytes = 0, handedOver = 0 }
            let fd = handle.fileDescriptor, written = Written()
            try body { piece in
                try handle.write(contentsOf: piece)
                written.bytes += piece.count
                if written.bytes - written.handedOver >= 1 << 20 {
                    Writeback.start(fd, offset: written.handedOver, length: written.bytes - written.handedOver)
                    written.handedOver = written.bytes
                }
            }
        }
    }

    /// Copies `source` into `destination` through a temporary file and a rename.
    public static func copy(_ source: URL, to destination: URL) throws {
        let dir = destination.deletingLastPathComponent()
        let tmp = dir.appendingPathComponent(".\(destination.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        do {
            guard let input = InputStream(url: source) else { throw CaseError("\(source.path): cannot read") }
            guard FileManager.default.createFile(atPath: tmp.path, contents: nil) else {
                throw CaseError("\(dir.path): cannot create a file there")
            }
            let out = try FileHandle(forWritingTo: tmp)
            input.open()
            defer { input.close() }
            var buffer = [UInt8](repeating: 0, count: 1 << 20)
            while true {
                let n = input.read(&buffer, maxLength: buffer.count)
                if n < 0 { throw CaseError("\(source.path): read error") }
                if n == 0 { break }
                try out.write(contentsOf: Data(buffer[0..<n]))
            }
            try out.synchronize()
            try out.close()
            try rename(tmp, to: destination)
        } catch {
            try? FileManager.default.removeItem(at: tmp)
            throw error
        }
    }

    static func rename(_ from: URL, to: URL) throws {
        if Glibc.rename(from.path, to.path) != 0 {
            throw CaseError("\(to.path): cannot move into place: \(String(cString: strerror(errno)))")
        }
    }
}

/// Starting the write-back of part of a file without waiting for it: Linux's
/// `sync_file_range(fd, offset, length, SYNC_FILE_RANGE_WRITE)`, looked up at run time (Glibc's
/// module leaves it out: it is a GNU extension). Where it is missing nothing happens and the
/// final flush does all the work, as before.
enum Writeback {
    private typealias SyncFileRange = @convention(c) (Int32, Int64, Int64, UInt32) -> Int32
    private static let syncFileRange: SyncFileRange? = dlsym(nil, "sync_file_range").map { unsafeBitCast($0, to: SyncFileRange.self) }
    private static let write: UInt32 = 2 // SYNC_FILE_RANGE_WRITE

    static func start(_ fd: Int32, offset: Int, length: Int) {
        _ = syncFileRange?(fd, Int64(offset), Int64(length), write)
    }
}

/// An exclusive advisory lock on a case (`flock` on CASE/.lock), held while the case is changed,
/// so two casebook processes never interleave their writes.
public final class CaseLock {
    private let fd: Int32

    public init(caseDirectory: URL) throws {
        let path = caseDirectory.appendingPathComponent(".lock").path
        fd = open(path, O_CREAT | O_RDWR, 0o644)
        guard fd >= 0 else { throw CaseError("\(caseDirectory.path): cannot lock the case: \(String(cString: strerror(errno)))") }
        guard flock(fd, LOCK_EX) == 0 else {
            close(fd)
            throw CaseError("\(caseDirectory.path): cannot lock the case: \(String(cString: strerror(errno)))")
        }
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
