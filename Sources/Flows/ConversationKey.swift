import Packets

/// A TCP conversation's key: both endpoints in canonical order (lower first), so both
/// directions of a connection hash to the same key and a lookup never allocates.
public struct ConversationKey: Hashable, Sendable {
    public let low: Endpoint
    public let high: Endpoint

    public init(_ a: Endpoint, _ b: Endpoint) {
        if a < b { low = a; high = b } else { low = b; high = a }
    }

    /// Two words into the hasher instead of each endpoint's parts (the key is hashed once per
    /// packet); equality stays exact.
    public func hash(into h: inout Hasher) {
        h.combine(Self.word(low))
        h.combine(Self.word(high))
    }

    @inline(__always)
    static func word(_ e: Endpoint) -> UInt64 {
        switch e.address {
        case .v4(let a): return UInt64(a) << 16 | UInt64(e.port)
        case .v6(let hi, let lo): return (hi &* 0x9E37_79B9_7F4A_7C15) ^ lo ^ UInt64(e.port) << 48 ^ 1 << 63
        }
    }

    /// 0 when `source` is the lower endpoint, 1 otherwise.
    @inline(__always)
    public func direction(from source: Endpoint) -> Int { source == low ? 0 : 1 }
}
