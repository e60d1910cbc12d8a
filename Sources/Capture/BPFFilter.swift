import CPcap

/// A compiled BPF capture filter (tcpdump syntax), one program per link type.
///
/// libpcap compiles the expression for each link type present in a trace (a pcapng file may
/// have several); ``matches(_:)`` runs the program for the frame's link type.
public final class BPFFilter: @unchecked Sendable {
    public let expression: String
    private var programs: [UInt32: bpf_program] = [:]

    /// Compiles `expression` for `linkTypes`. Throws ``CaptureError/badFilter(expression:reason:)``
    /// with libpcap's own message when the expression does not compile.
    public init(expression: String, linkTypes: [LinkType]) throws {
        self.expression = expression
        for link in Set(linkTypes.map(\.rawValue)) {
            guard let handle = pcap_open_dead(Int32(link), 262_144) else {
                throw CaptureError.badFilter(expression: expression, reason: "libpcap cannot open a handle for link type \(link)")
            }
            defer { pcap_close(handle) }
            var program = bpf_program()
            if pcap_compile(handle, &program, expression, 1, PCAP_NETMASK_UNKNOWN) != 0 {
                let reason = String(cString: pcap_geterr(handle))
                throw CaptureError.badFilter(expression: expression, reason: reason)
            }
            programs[link] = program
        }
    }

    deinit {
        for key in programs.keys { pcap_freecode(&programs[key]!) }
    }

    /// True when the frame passes the filter. Frames of a link type the filter was not compiled
    /// for do not pass.
    public func matches(_ frame: Frame) -> Bool {
        guard var program = programs[frame.linkType.rawValue],
              let base = frame.bytes.baseAddress else { return false }
        var header = pcap_pkthdr()
        header.caplen = UInt32(frame.capturedLength)
        header.len = UInt32(frame.originalLength)
        return pcap_offline_filter(&program, &header, base.assumingMemoryBound(to: UInt8.self)) != 0
    }
}
