/// A TCP header (RFC 9293) with its options summarised. Offsets point into the frame's bytes.
public struct TCPHeader: Hashable, Sendable {
    public var sourcePort: UInt16
    public var destinationPort: UInt16
    /// Raw sequence number (`tcp.seq_raw`).
    public var sequenceNumber: UInt32
    /// Raw acknowledgement number (`tcp.ack_raw`).
    public var acknowledgementNumber: UInt32
    /// Data offset × 4 (`tcp.hdr_len`).
    public var headerLength: Int
    public var flags: TCPFlags
    /// Unscaled window (`tcp.window_size_value`).
    public var window: UInt16
    public var checksum: UInt16
    public var urgentPointer: UInt16
    /// Segment length from the IP lengths (`tcp.len`), whether or not it was all captured.
    public var segmentLength: Int
    public var options: TCPOptions
    /// Offset of the TCP header in the frame's bytes.
    public var offset: Int

    /// All fields zero: the storage a decoder fills in place.
    static let zero = TCPHeader(sourcePort: 0, destinationPort: 0, sequenceNumber: 0, acknowledgementNumber: 0, headerLength: 0,
                                flags: [], window: 0, checksum: 0, urgentPointer: 0, segmentLength: 0, options: TCPOptions(), offset: 0)
}

/// TCP flags including NS (RFC 3540) / AE (RFC 9768) as Wireshark's 12-bit `tcp.flags`.
public struct TCPFlags: OptionSet, Hashable, Sendable {
    public let rawValue: UInt16
    @inlinable public init(rawValue: UInt16) { self.rawValue = rawValue }
    @inlinable public static var fin: TCPFlags { TCPFlags(rawValue: 0x001) }
    @inlinable public static var syn: TCPFlags { TCPFlags(rawValue: 0x002) }
    @inlinable public static var rst: TCPFlags { TCPFlags(rawValue: 0x004) }
    @inlinable public static var psh: TCPFlags { TCPFlags(rawValue: 0x008) }
    @inlinable public static var ack: TCPFlags { TCPFlags(rawValue: 0x010) }
    @inlinable public static var urg: TCPFlags { TCPFlags(rawValue: 0x020) }
    @inlinable public static var ece: TCPFlags { TCPFlags(rawValue: 0x040) }
    @inlinable public static var cwr: TCPFlags { TCPFlags(rawValue: 0x080) }
    /// NS (RFC 3540), renamed AE (Accurate ECN) since.
    @inlinable public static var ns: TCPFlags { TCPFlags(rawValue: 0x100) }
}

/// The options of one TCP header, parsed once. SACK blocks are kept inline (at most 4 fit).
public struct TCPOptions: Hashable, Sendable {
    public var mss: UInt16?
    /// Window-scale shift count.
    public var windowScale: UInt8?
    public var sackPermitted = false
    public var timestampValue: UInt32?
    public var timestampEchoReply: UInt32?
    public var sackBlockCount = 0
    public var sackBlocks: SACKBlocks = SACKBlocks()
    /// TCP Fast Open (kind 34): nil when absent, 0 for a cookie request, else the cookie length.
    public var fastOpenCookieLength: Int?
    public var hasMD5 = false
    public var hasMPTCP = false
    /// Kinds in the order they appear (up to 16 kept), for `tcp.option_kind`.
    public var kinds = OptionKinds()
    /// First unknown option kind seen, if any.
    public var firstUnknownKind: UInt8?
    public var malformed = false

    public init() {}
}

/// Up to four SACK blocks, stored inline.
public struct SACKBlocks: Hashable, Sendable {
    public var storage: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) = (0, 0, 0, 0, 0, 0, 0, 0)
    public init() {}

    public static func == (a: SACKBlocks, b: SACKBlocks) -> Bool {
        withUnsafeBytes(of: a.storage) { x in withUnsafeBytes(of: b.storage) { y in x.elementsEqual(y) } }
    }

    public func hash(into h: inout Hasher) {
        withUnsafeBytes(of: storage) { h.combine(bytes: $0) }
    }

    /// Block `i` as (left edge, right edge).
    public subscript(i: Int) -> (left: UInt32, right: UInt32) {
        get {
            withUnsafeBytes(of: storage) { raw in
                (raw.load(fromByteOffset: i * 8, as: UInt32.self), raw.load(fromByteOffset: i * 8 + 4, as: UInt32.self))
            }
        }
        set {
            withUnsafeMutableBytes(of: &storage) { raw in
                raw.storeBytes(of: newValue.left, toByteOffset: i * 8, as: UInt32.self)
                raw.storeBytes(of: newValue.right, toByteOffset: i * 8 + 4, as: UInt32.self)
            }
        }
    }
}

/// Up to 16 option kinds in order, stored inline.
public struct OptionKinds: Hashable, Sendable {
    public private(set) var count = 0
    private var low: UInt64 = 0
    private var high: UInt64 = 0
    public init() {}

    /// NOP, NOP, timestamps: the options of nearly every segment.
    static let nopNopTimestamps: OptionKinds = {
        var k = OptionKinds()
        k.append(1); k.append(1); k.append(8)
        return k
    }()

    mutating func append(_ kind: UInt8) {
        guard count < 16 else { return }
        if count < 8 { low |= UInt64(kind) << (8 * UInt64(count)) } else { high |= UInt64(kind) << (8 * UInt64(count - 8)) }
        count += 1
    }

    public subscript(i: Int) -> UInt8 {
        i < 8 ? UInt8(truncatingIfNeeded: low >> (8 * UInt64(i))) : UInt8(truncatingIfNeeded: high >> (8 * UInt64(i - 8)))
    }

    public var all: [UInt8] { (0..<count).map { self[$0] } }
}

enum TCPDecoder {
    static func decode(_ b: UnsafeRawBufferPointer, at o: Int, ipPayloadLength: Int,
                       problems: inout PacketProblems) -> TCPHeader? {
        var header = TCPHeader.zero
        guard decode(b, at: o, ipPayloadLength: ipPayloadLength, into: &header, problems: &problems) else { return nil }
        return header
    }

    /// Decodes the header at `o` into `h`, field by field in place; false (and `h` untouched)
    /// when there is no TCP header to read.
    static func decode(_ b: UnsafeRawBufferPointer, at o: Int, ipPayloadLength: Int,
                       into h: inout TCPHeader, problems: inout PacketProblems) -> Bool {
        guard o + 20 <= b.count else { problems.insert(.truncatedTCPHeader); return false }
        let offsetFlags = b.u16(o + 12)
        let headerLength = Int(offsetFlags >> 12) * 4
        guard headerLength >= 20 else { problems.insert(.badTCPHeaderLength); return false }
        if headerLength > ipPayloadLength {
            // "Short segment": the header claims more than the IP payload holds.
            problems.insert(.badTCPHeaderLength)
        }
        h.sourcePort = b.u16(o)
        h.destinationPort = b.u16(o + 2)
        h.sequenceNumber = b.u32(o + 4)
        h.acknowledgementNumber = b.u32(o + 8)
        h.headerLength = headerLength
        h.flags = TCPFlags(rawValue: offsetFlags & 0x01FF)
        h.window = b.u16(o + 14)
        h.checksum = b.u16(o + 16)
        h.urgentPointer = b.u16(o + 18)
        h.segmentLength = max(0, ipPayloadLength - headerLength)
        h.options = TCPOptions()
        h.offset = o
        if headerLength > 20 {
            let end = min(o + headerLength, b.count, o + max(20, ipPayloadLength))
            if o + headerLength > b.count { problems.insert(.truncatedTCPHeader) }
            parseOptions(b, from: o + 20, to: end, into: &h.options)
            if h.options.malformed { problems.insert(.malformedTCPOption) }
            if h.options.firstUnknownKind != nil { problems.insert(.unknownTCPOption) }
        }
        return true
    }

    /// Option kinds: 0 EOL, 1 NOP, 2 MSS, 3 WS, 4 SACK-permitted, 5 SACK, 8 timestamps,
    /// 19 MD5 (RFC 2385), 29 TCP-AO, 30 MPTCP (RFC 8684), 34 TFO (RFC 7413).
    static func parseOptions(_ b: UnsafeRawBufferPointer, from start: Int, to end: Int, into opts: inout TCPOptions) {
        // Nearly every segment of a Linux or Windows host carries NOP, NOP, timestamps: one
        // 4-byte compare instead of the walk (the same result).
        if end - start == 12 && b.u32(start) == 0x0101_080A {
            opts.kinds = .nopNopTimestamps
            opts.timestampValue = b.u32(start + 4)
            opts.timestampEchoReply = b.u32(start + 8)
            return
        }
        var p = start
        while p < end {
            let kind = b.u8(p)
            opts.kinds.append(kind)
            if kind == 0 {
                // Wireshark lists every byte after End of Option List as another EOL.
                for _ in (p + 1)..<end { opts.kinds.append(0) }
                return
            }
            if kind == 1 { p += 1; continue }
            guard p + 1 < end else { opts.malformed = true; return }
            let len = Int(b.u8(p + 1))
            guard len >= 2, p + len <= end else { opts.malformed = true; return }
            switch kind {
            case 2:
                if len == 4 { opts.mss = b.u16(p + 2) } else { opts.malformed = true }
            case 3:
                if len == 3 { opts.windowScale = b.u8(p + 2) } else { opts.malformed = true }
            case 4:
                if len == 2 { opts.sackPermitted = true } else { opts.malformed = true }
            case 5:
                if (len - 2) % 8 == 0 {
                    var q = p + 2
                    while q + 8 <= p + len {
                        if opts.sackBlockCount < 4 {
                            opts.sackBlocks[opts.sackBlockCount] = (b.u32(q), b.u32(q + 4))
                        }
                        opts.sackBlockCount += 1
                        q += 8
                    }
                } else { opts.malformed = true }
            case 8:
                if len == 10 {
                    opts.timestampValue = b.u32(p + 2)
                    opts.timestampEchoReply = b.u32(p + 6)
                } else { opts.malformed = true }
            case 19: opts.hasMD5 = true
            case 30: opts.hasMPTCP = true
            case 34: opts.fastOpenCookieLength = len - 2
            case 6, 7, 9, 10, 11, 12, 13, 14, 15, 18, 27, 28, 29, 253, 254: break
            default:
                if opts.firstUnknownKind == nil { opts.firstUnknownKind = kind }
            }
            p += len
        }
    }
}
