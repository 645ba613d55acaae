/// Zeek's conn.log `conn_state` for TCP, from `base/protocols/conn/main.zeek`.
public enum ZeekConnState: String, Sendable, CaseIterable {
    /// Connection attempt seen, no reply.
    case S0
    /// Established, not terminated.
    case S1
    /// Normal establishment and termination (also a midstream connection closed by both FINs).
    case SF
    /// Connection attempt rejected.
    case REJ
    /// Established, the originator attempted to close, no reply from the responder.
    case S2
    /// Established, the responder attempted to close, no reply from the originator.
    case S3
    /// Established, the originator aborted (sent a RST).
    case RSTO
    /// Established, the responder aborted.
    case RSTR
    /// The originator sent a SYN followed by a RST; no SYN-ACK from the responder.
    case RSTOS0
    /// The responder sent a SYN-ACK followed by a RST; no SYN from the (purported) originator.
    case RSTRH
    /// The originator sent a SYN followed by a FIN; no SYN-ACK from the responder (half open).
    case SH
    /// The responder sent a SYN-ACK followed by a FIN; no SYN from the originator.
    case SHR
    /// No SYN seen, just midstream traffic (or none of the above).
    case OTH

    /// Zeek's documentation of the value.
    public var meaning: String {
        switch self {
        case .S0: return "connection attempt seen, no reply"
        case .S1: return "established, not terminated"
        case .SF: return "normal establishment and termination"
        case .REJ: return "connection attempt rejected"
        case .S2: return "established, originator attempted close, no reply from responder"
        case .S3: return "established, responder attempted close, no reply from originator"
        case .RSTO: return "established, originator aborted (sent a RST)"
        case .RSTR: return "responder sent a RST"
        case .RSTOS0: return "originator sent a SYN followed by a RST, never saw a SYN-ACK"
        case .RSTRH: return "responder sent a SYN-ACK followed by a RST, never saw a SYN"
        case .SH: return "originator sent a SYN followed by a FIN, never saw a SYN-ACK"
        case .SHR: return "responder sent a SYN-ACK followed by a FIN, never saw a SYN"
        case .OTH: return "no SYN seen, just midstream traffic"
        }
    }

    /// The decision table of Zeek's `conn_state()` for TCP, verbatim.
    static func classify(orig os: ZeekEndpointState, resp rs: ZeekEndpointState,
                         origSize: UInt64, respSize: UInt64, history: ZeekHistory) -> ZeekConnState {
        let origInactive = os == .inactive || os == .partial
        let respInactive = rs == .inactive || rs == .partial
        if rs == .reset {
            if os == .synSent || os == .synAckSent || (os == .reset && origSize == 0 && respSize == 0) { return .REJ }
            return origInactive ? .RSTRH : .RSTR
        }
        if os == .reset {
            if respInactive { return history.matchesRSTOS0Pattern ? .RSTOS0 : .OTH }
            return .RSTO
        }
        if rs == .closed && os == .closed { return .SF }
        if os == .closed { return respInactive ? .SH : .S2 }
        if rs == .closed { return origInactive ? .SHR : .S3 }
        if os == .synSent && rs == .inactive { return .S0 }
        if os == .established && rs == .established { return .S1 }
        return .OTH
    }
}
