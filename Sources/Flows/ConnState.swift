/// Zeek's `conn_state` (base/protocols/conn/main.zeek `conn_state()`), first match wins.
public enum ConnState: String, Sendable, Codable, CaseIterable {
    case S0, S1, SF, REJ, S2, S3, RSTO, RSTR, RSTOS0, RSTRH, SH, SHR, OTH

    /// Plain-words meaning, as Zeek's conn.log documentation gives it.
    public var meaning: String {
        switch self {
        case .S0: return "connection attempt seen, no reply"
        case .S1: return "connection established, not terminated"
        case .SF: return "normal establishment and termination"
        case .REJ: return "connection attempt rejected"
        case .S2: return "established, close attempt by originator seen (no reply from responder)"
        case .S3: return "established, close attempt by responder seen (no reply from originator)"
        case .RSTO: return "established, originator aborted (sent a RST)"
        case .RSTR: return "responder sent a RST"
        case .RSTOS0: return "originator sent a SYN followed by a RST, no SYN/ACK from the responder"
        case .RSTRH: return "responder sent a SYN/ACK followed by a RST, no SYN from the (purported) originator"
        case .SH: return "originator sent a SYN followed by a FIN, no SYN/ACK from the responder"
        case .SHR: return "responder sent a SYN/ACK followed by a FIN, no SYN from the originator"
        case .OTH: return "no SYN seen, just midstream traffic"
        }
    }

    static func derive(orig o: ZeekEndpoint, resp r: ZeekEndpoint, history: String) -> ConnState {
        let os = o.state, rs = r.state
        let oInactive = os == .inactive || os == .partial
        let rInactive = rs == .inactive || rs == .partial
        if rs == .reset {
            if os == .synSent || os == .synAckSent || (os == .reset && o.size == 0 && r.size == 0) { return .REJ }
            return oInactive ? .RSTRH : .RSTR
        }
        if os == .reset {
            if rInactive { return matchesRSTOS0(history) ? .RSTOS0 : .OTH }
            return .RSTO
        }
        if rs == .closed && os == .closed { return .SF }
        if os == .closed { return rInactive ? .SH : .S2 }
        if rs == .closed { return oInactive ? .SHR : .S3 }
        if os == .synSent && rs == .inactive { return .S0 }
        if os == .established && rs == .established { return .S1 }
        return .OTH
    }

    /// `/^\^?S[^HAFGIQ]*R.*$/`
    static func matchesRSTOS0(_ h: String) -> Bool {
        var chars = Substring(h)
        if chars.first == "^" { chars = chars.dropFirst() }
        guard chars.first == "S" else { return false }
        for c in chars.dropFirst() {
            if c == "R" { return true }
            if "HAFGIQ".contains(c) { return false }
        }
        return false
    }
}
