import Packets

/// A TCP conversation's key: both endpoints in canonical order (lower first), so both
/// directions of a connection hash to the same key and a lookup never allocates.
public struct ConversationKey: Hashable, Sendable {
    public let low: Endpoint
    public let high: Endpoint

    public init(_ a: Endpoint, _ b: Endpoint) {
        if a < b { low = a; high = b } else { low = b; high = a }
    }

    /// 0 when `source` is the lower endpoint, 1 otherwise.
    @inline(__always)
    public func direction(from source: Endpoint) -> Int { source == low ? 0 : 1 }
}
