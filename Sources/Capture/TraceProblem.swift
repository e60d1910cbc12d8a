/// Damage found while reading a trace. Reading continues past damage where the format allows;
/// `kind` is a stable name a rule or test can match, `message` says it for a person.
public struct TraceProblem: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// The file ends inside a record: every complete frame before it was read.
        case truncatedFile = "file-truncated"
        /// A record or block has an impossible length; reading stopped there.
        case badRecordLength = "bad-record-length"
        /// A pcapng block is malformed (bad trailer length, unknown interface…).
        case badBlock = "bad-block"
        /// A record's captured length exceeds the snapshot length (Wireshark reads it anyway).
        case recordExceedsSnaplen = "record-exceeds-snaplen"
        /// Timestamp fields out of range (e.g. microseconds ≥ 10^6).
        case badTimestamp = "bad-timestamp"
        /// A link type casebook does not decode; frames are counted but not decoded.
        case undecodedLinkType = "undecoded-link-type"
        /// Header reserved bits set (e.g. FCS/reserved bits in the pcap link-type field).
        case reservedBits = "reserved-bits"
    }
    public var kind: Kind
    /// The frame the problem was found at or after (nil for file-level problems).
    public var frame: Int?
    public var message: String

    public init(kind: Kind, frame: Int?, message: String) {
        self.kind = kind
        self.frame = frame
        self.message = message
    }

    public var description: String { message }
}
