/// One packet record of a trace, as Wireshark numbers it.
///
/// `bytes` is *borrowed*: it points into the trace's mapped file (or its decompressed buffer) and
/// is valid only while the ``TraceFile`` that produced it is alive. Copy what you keep.
public struct Frame: @unchecked Sendable {
    /// 1-based position in the file, exactly as Wireshark's `frame.number`.
    public var number: Int
    public var timestamp: Timestamp
    /// Bytes present in the file (`frame.cap_len`).
    public var capturedLength: Int
    /// Length of the packet on the wire (`frame.len`).
    public var originalLength: Int
    public var linkType: LinkType
    /// pcapng interface id (0 for pcap).
    public var interfaceID: Int
    /// The captured bytes (borrowed).
    public var bytes: UnsafeRawBufferPointer

    public init(number: Int, timestamp: Timestamp, capturedLength: Int, originalLength: Int,
                linkType: LinkType, interfaceID: Int, bytes: UnsafeRawBufferPointer) {
        self.number = number
        self.timestamp = timestamp
        self.capturedLength = capturedLength
        self.originalLength = originalLength
        self.linkType = linkType
        self.interfaceID = interfaceID
        self.bytes = bytes
    }

    /// True when the snapshot length cut the packet (`frame.cap_len < frame.len`).
    public var isTruncated: Bool { capturedLength < originalLength }
}
