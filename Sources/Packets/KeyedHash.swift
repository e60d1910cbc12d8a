/// A small keyed hash for the tables looked up once or more per packet (conversations, hosts):
/// 64-bit words folded by 64×64→128-bit multiplications keyed with the table's per-process seed
/// (wyhash's "mum" step), about 20 instructions a word instead of SipHash's ~150 for a key.
/// Still keyed, so a trace cannot be crafted to collide without knowing the seed.
public enum KeyedHash {
    @usableFromInline @inline(__always)
    static func mum(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let (hi, lo) = a.multipliedFullWidth(by: b)
        return hi ^ lo
    }

    /// The state for a table's `seed` (`_rawHashValue(seed:)`'s argument).
    @inlinable @inline(__always)
    public static func start(seed: Int) -> UInt64 { UInt64(bitPattern: Int64(seed)) ^ 0xA076_1D64_78BD_642F }

    /// One 64-bit word into the state.
    @inlinable @inline(__always)
    public static func fold(_ word: UInt64, into h: inout UInt64) { h = mum(h ^ word, 0xE703_7ED1_A0B4_28DB) }

    /// A second word of the same item (a different multiplier: (a, b) and (b, a) differ).
    @inlinable @inline(__always)
    public static func foldSecond(_ word: UInt64, into h: inout UInt64) { h = mum(h ^ word, 0x5899_65CC_7537_4CC3) }

    /// The hash value.
    @inlinable @inline(__always)
    public static func end(_ h: UInt64) -> Int { Int(bitPattern: UInt(mum(h, 0x8EBC_6AF0_9C88_C6E3))) }
}

extension IPAddress {
    /// The tables' hash (hosts are looked up per packet that has no connection to cache them):
    /// ``KeyedHash`` instead of the synthesized SipHash. `hash(into:)` stays for everything else.
    public func _rawHashValue(seed: Int) -> Int {
        var h = KeyedHash.start(seed: seed)
        fold(into: &h)
        return KeyedHash.end(h)
    }

    /// IPv4 one word (tagged so it never equals an IPv6 address's words), IPv6 two.
    @inline(__always)
    func fold(into h: inout UInt64) {
        switch self {
        case .v4(let a):
            KeyedHash.fold(UInt64(a) | 1 << 32, into: &h)
        case .v6(let hi, let lo):
            KeyedHash.fold(hi, into: &h)
            KeyedHash.foldSecond(lo, into: &h)
        }
    }
}
