import Packets

/// A TCP conversation's key: both endpoints in canonical order (lower first), so both
/// directions of a connection hash to the same key and a lookup never allocates.
public struct ConversationKey: Hashable, Sendable {
    public let low: Endpoint
    public let high: Endpoint

    public init(_ a: Endpoint, _ b: Endpoint) {
        if a < b { low = a; high = b } else { low = b; high = a }
    }

    /// Each endpoint's address words and port into the hasher directly (the key is hashed once
    /// per packet): fewer combines than the synthesized conformance, and no folding that a
    /// crafted trace could make collide. Equality stays exact.
    public func hash(into h: inout Hasher) {
        Self.combine(low, into: &h)
        Self.combine(high, into: &h)
    }

    /// The table's hash, asked once per packet: the endpoints' words folded by 64×64→128-bit
    /// multiplications keyed with the table's per-process seed (wyhash's "mum" step): about 20
    /// instructions for IPv4 instead of SipHash's ~250. Still keyed, so a trace cannot be crafted
    /// to collide without knowing the seed; `hash(into:)` stays for everything else.
    public func _rawHashValue(seed: Int) -> Int {
        var h = Self.hashStart(seed: seed)
        Self.fold(low, into: &h)
        Self.fold(high, into: &h)
        return Self.hashEnd(h)
    }

    @inline(__always)
    static func mum(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let (hi, lo) = a.multipliedFullWidth(by: b)
        return hi ^ lo
    }

    @inline(__always)
    static func hashStart(seed: Int) -> UInt64 { UInt64(bitPattern: Int64(seed)) ^ 0xA076_1D64_78BD_642F }

    @inline(__always)
    static func hashEnd(_ h: UInt64) -> Int { Int(bitPattern: UInt(mum(h, 0x8EBC_6AF0_9C88_C6E3))) }

    /// One 64-bit word into the hash.
    @inline(__always)
    static func fold(_ word: UInt64, into h: inout UInt64) { h = mum(h ^ word, 0xE703_7ED1_A0B4_28DB) }

    /// An IPv4 endpoint is one word (address << 16 | port); an IPv6 one three.
    @inline(__always)
    static func fold(_ e: Endpoint, into h: inout UInt64) {
        switch e.address {
        case .v4(let a):
            fold(UInt64(a) << 16 | UInt64(e.port), into: &h)
        case .v6(let hi, let lo):
            fold(hi, into: &h)
            h = mum(h ^ lo, 0x5899_65CC_7537_4CC3)
            fold(UInt64(e.port) ^ 0x1D8E_4E27_C47D_124F, into: &h)
        }
    }

    @inline(__always)
    static func combine(_ e: Endpoint, into h: inout Hasher) {
        switch e.address {
        case .v4(let a):
            h.combine(UInt64(a) << 16 | UInt64(e.port))
        case .v6(let hi, let lo):
            h.combine(hi)
            h.combine(lo)
            h.combine(e.port)
        }
    }

    /// 0 when `source` is the lower endpoint, 1 otherwise.
    @inline(__always)
    public func direction(from source: Endpoint) -> Int { source == low ? 0 : 1 }
}
