/// A capture interface: one per pcap file, one per Interface Description Block in pcapng.
public struct CaptureInterface: Hashable, Sendable {
    public var linkType: LinkType
    public var snaplen: Int
    /// `if_name`, when the file names it.
    public var name: String?
    /// `if_description`.
    public var interfaceDescription: String?
    /// Timestamp units per second (`if_tsresol`; 10^6 when absent).
    public var unitsPerSecond: UInt64
    /// Binary resolution exponent when `if_tsresol` has its high bit set (units = 2^-n s).
    public var binaryExponent: Int?
    /// `if_tsoffset`, seconds added to every timestamp.
    public var offsetSeconds: Int64
    public var comments: [String]

    public init(linkType: LinkType, snaplen: Int) {
        self.linkType = linkType
        self.snaplen = snaplen
        self.unitsPerSecond = 1_000_000
        self.offsetSeconds = 0
        self.comments = []
    }

    /// Converts a raw 64-bit pcapng timestamp (units since the epoch, unsigned) to a ``Timestamp``.
    func timestamp(units: UInt64) -> Timestamp {
        let whole: UInt64, fracNs: UInt64
        if let n = binaryExponent {
            let shift = UInt64(min(n, 63))
            whole = units >> shift
            let frac = units & ((UInt64(1) << shift) - 1)
            fracNs = shift <= 34 ? (frac &* 1_000_000_000) >> shift
                                 : UInt64((Double(frac) / Double(UInt64(1) << shift)) * 1e9)
        } else {
            whole = units / unitsPerSecond
            let frac = units % unitsPerSecond
            fracNs = unitsPerSecond <= 1_000_000_000 ? frac &* (1_000_000_000 / unitsPerSecond)
                                                     : frac / (unitsPerSecond / 1_000_000_000)
        }
        return Timestamp(seconds: Int64(truncatingIfNeeded: whole) &+ offsetSeconds, nanoseconds: Int64(fracNs))
    }
}
