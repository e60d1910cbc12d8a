/// A UDP header (RFC 768).
public struct UDPHeader: Hashable, Sendable {
    public var sourcePort: UInt16
    public var destinationPort: UInt16
    /// The header's length field (`udp.length`).
    public var length: Int

    static func decode(_ b: UnsafeRawBufferPointer, at o: Int, problems: inout PacketProblems) -> UDPHeader? {
        guard o + 8 <= b.count else { problems.insert(.truncatedUDPHeader); return nil }
        return UDPHeader(sourcePort: b.u16(o), destinationPort: b.u16(o + 2), length: Int(b.u16(o + 4)))
    }
}
