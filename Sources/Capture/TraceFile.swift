/// A pcap or pcapng file opened for reading, possibly gzip-compressed.
///
/// ```swift
/// let trace = try TraceFile(path: "client.pcap")
/// var reader = trace.makeReader()
/// while let frame = reader.next() { … }   // frame.bytes borrows from `trace`
/// print(reader.problems)                   // damage found on the way
/// ```
/// Opening maps the file; nothing is copied (gzip files are decompressed once into memory).
/// Keep the `TraceFile` alive while you use the frames' bytes.
public final class TraceFile: @unchecked Sendable {
    public let path: String
    public let format: TraceFormat
    /// True when the file on disk is gzip-compressed.
    public var isGzipCompressed: Bool { storage.wasGzip }
    /// Size of the file on disk.
    public var fileSize: Int { storage.fileSize }
    /// Problems found while opening (before any frame is read).
    public let headerProblems: [TraceProblem]
    let storage: TraceStorage

    public init(path: String) throws {
        self.path = path
        storage = try TraceStorage(path: path)
        guard let format = TraceFormat.sniff(storage.bytes) else {
            if storage.bytes.count < 4 {
                throw CaptureError.truncatedHeader(path: path, have: storage.bytes.count, need: 24)
            }
            throw CaptureError.notACapture(path: path, detail: TraceFormat.describeUnknown(storage.bytes))
        }
        self.format = format
        // Validate the header now so a bad file fails at open, with one clear error.
        var problems: [TraceProblem] = []
        switch format {
        case .pcap: _ = try PcapCursor(bytes: storage.bytes, format: format, path: path, problems: &problems)
        case .pcapng: _ = try PcapngCursor(bytes: storage.bytes, path: path)
        }
        headerProblems = problems
    }

    /// A new reader positioned before frame 1.
    public func makeReader() -> FrameReader {
        FrameReader(trace: self)
    }
}

/// Iterates the frames of a ``TraceFile`` in file order. Damage does not throw: reading goes as
/// far as the file allows and ``problems`` says what was found.
public struct FrameReader: IteratorProtocol {
    private let trace: TraceFile
    private var pcap: PcapCursor?
    private var pcapng: PcapngCursor?
    public private(set) var problems: [TraceProblem]
    private var lastRelease = 0

    init(trace: TraceFile) {
        self.trace = trace
        var problems: [TraceProblem] = []
        switch trace.format {
        case .pcap:
            pcap = try? PcapCursor(bytes: trace.storage.bytes, format: trace.format, path: trace.path, problems: &problems)
        case .pcapng:
            pcapng = try? PcapngCursor(bytes: trace.storage.bytes, path: trace.path)
        }
        self.problems = problems
    }

    public mutating func next() -> Frame? {
        let frame: Frame?
        let offset: Int
        if pcap != nil {
            frame = pcap!.next(problems: &problems)
            offset = pcap!.offset
        } else if pcapng != nil {
            frame = pcapng!.next(problems: &problems)
            offset = pcapng!.offset
        } else {
            return nil
        }
        // Every 8 MiB, hand the pages behind the previous frame back to the kernel (memory stays
        // flat however large the file); bytes of earlier frames remain readable.
        if offset - lastRelease >= 8 << 20, let frame {
            let start = frame.bytes.baseAddress.map { $0 - trace.storage.bytes.baseAddress! } ?? offset
            trace.storage.release(before: start)
            lastRelease = offset
        }
        return frame
    }

    /// Interfaces seen so far (pcapng: every IDB read; pcap: the one implied by the header).
    public var interfaces: [CaptureInterface] {
        if let pcap { return [CaptureInterface(linkType: pcap.linkType, snaplen: pcap.snaplen)] }
        return pcapng?.allInterfaces ?? []
    }

    /// Section comments (pcapng `opt_comment` on Section Header Blocks).
    public var sectionComments: [String] { pcapng?.sectionComments ?? [] }
}
