/// An ICMP (RFC 792) or ICMPv6 (RFC 4443) message. Error messages quote the IP header and the
/// start of the offending datagram; for TCP that is at least the ports and sequence number.
public struct ICMPMessage: Hashable, Sendable {
    public var isV6: Bool
    public var type: UInt8
    public var code: UInt8
    /// Echo identifier and sequence number (echo request/reply).
    public var identifier: UInt16
    public var sequence: UInt16
    /// Next-hop MTU (ICMP fragmentation needed, RFC 1191) or ICMPv6 packet-too-big MTU.
    public var mtu: Int?
    /// The quoted IP header of an error message.
    public var quotedIP: IPHeader?
    /// Ports and sequence number of a quoted TCP or UDP header (what is present of it).
    public var quotedSourcePort: UInt16?
    public var quotedDestinationPort: UInt16?
    public var quotedSequenceNumber: UInt32?
    /// Whether the quote holds a whole TCP header that decodes (tshark then runs its TCP
    /// dissector on it). Only the answer is kept: a second TCPHeader would double the size of
    /// every decoded packet.
    public var quotesWholeTCPHeader = false

    /// True for destination unreachable, time exceeded, parameter problem, packet too big, …
    public var isError: Bool {
        isV6 ? type < 128 : [3, 4, 5, 11, 12].contains(type)
    }

    /// ICMP type 3 / ICMPv6 type 1 with an "administratively prohibited" code.
    public var isAdministrativelyProhibited: Bool {
        isV6 ? (type == 1 && code == 1) : (type == 3 && (code == 9 || code == 10 || code == 13))
    }

    /// Fragmentation needed (ICMP 3/4) or packet too big (ICMPv6 2).
    public var isFragmentationNeeded: Bool {
        isV6 ? type == 2 : (type == 3 && code == 4)
    }

    static func decode(_ b: UnsafeRawBufferPointer, at o: Int, isV6: Bool, problems: inout PacketProblems) -> ICMPMessage? {
        guard o + 8 <= b.count else {
            if o + 4 <= b.count {
                return ICMPMessage(isV6: isV6, type: b.u8(o), code: b.u8(o + 1), identifier: 0, sequence: 0)
            }
            problems.insert(.truncatedICMP)
            return nil
        }
        var m = ICMPMessage(isV6: isV6, type: b.u8(o), code: b.u8(o + 1),
                            identifier: b.u16(o + 4), sequence: b.u16(o + 6))
        if isV6 && m.type == 2 { m.mtu = Int(b.u32(o + 4)) }
        if !isV6 && m.type == 3 && m.code == 4 { m.mtu = Int(b.u16(o + 6)) }
        guard m.isError else { return m }
        // The quoted datagram: decode its IP header without judging its (cut) lengths.
        var ignored: PacketProblems = []
        guard let inner = IPDecoder.decode(b, at: o + 8, problems: &ignored) else { return m }
        m.quotedIP = inner
        let t = o + 8 + inner.headerLength
        if inner.protocolNumber == .tcp || inner.protocolNumber == .udp {
            m.quotedSourcePort = b.getUInt16(at: t)
            m.quotedDestinationPort = b.getUInt16(at: t + 2)
            if inner.protocolNumber == .tcp {
                m.quotedSequenceNumber = b.getUInt32(at: t + 4)
                if t + 20 <= b.count {
                    m.quotesWholeTCPHeader = TCPDecoder.decode(b, at: t, ipPayloadLength: inner.payloadLength, problems: &ignored) != nil
                }
            }
        }
        return m
    }
}
