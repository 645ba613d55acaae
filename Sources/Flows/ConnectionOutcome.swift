/// How a connection opened, as judged at its end.
public enum Opening: String, Sendable {
    /// SYN, SYN-ACK, ACK.
    case threeWay = "3way"
    /// SYNs crossed.
    case simultaneous
    /// The SYN was answered by a RST.
    case refused
    /// The SYN got no answer in the capture.
    case unanswered
    /// The SYN-ACK came but the handshake never completed.
    case halfOpen = "half_open"
    /// Reset before the handshake completed, not as an answer to the SYN.
    case abortedHandshake = "aborted_handshake"
    /// The capture began after the SYN.
    case midstream

    public var text: String { staticText.description }

    public var staticText: StaticString {
        switch self {
        case .threeWay: return "3-way handshake"
        case .simultaneous: return "simultaneous open"
        case .refused: return "refused"
        case .unanswered: return "unanswered SYN"
        case .halfOpen: return "half-open (handshake never completed)"
        case .abortedHandshake: return "handshake aborted by reset"
        case .midstream: return "midstream (capture began after the SYN)"
        }
    }
}

/// How a connection closed, as judged at its end.
public enum Closing: Equatable, Sendable {
    /// FIN, ACK, FIN, ACK, started by `closer`.
    case fourWay(closer: Role)
    /// FIN, FIN+ACK, ACK, started by `closer`.
    case threeSegment(closer: Role)
    /// The FINs crossed.
    case simultaneous
    /// A RST from `by`.
    case reset(by: Role)
    /// One side sent FIN and the capture ended before the other did.
    case halfClosed(closer: Role)
    /// Both sides sent FIN, but an endpoint was not yet CLOSED or in TIME_WAIT when the capture
    /// ended (the last ACK never came); `closer` sent the first FIN, nil when they crossed.
    case inProgress(closer: Role?)
    /// Still open when the input ended or the connection was dropped.
    case open

    public var text: String {
        let (head, role, tail) = parts
        return head.description + (role?.name.description ?? "") + tail.description
    }

    /// The text in fixed pieces around the role's name, for writers that build no strings.
    public var parts: (StaticString, Role?, StaticString) {
        switch self {
        case .fourWay(let r): return ("4-way close by ", r, "")
        case .threeSegment(let r): return ("3-segment close by ", r, "")
        case .simultaneous: return ("simultaneous close", nil, "")
        case .reset(let r): return ("reset by ", r, "")
        case .halfClosed(let r): return ("half-closed by ", r, ", open at end of capture")
        case .inProgress(let r?): return ("close by ", r, " in progress: last ACK not seen")
        case .inProgress(nil): return ("simultaneous close in progress: last ACK not seen", nil, "")
        case .open: return ("open at end of capture", nil, "")
        }
    }
}

/// Why a connection left the flow table.
public enum EndReason: UInt8, Sendable {
    /// Closed or reset; reported as soon as it happened.
    case closed
    /// The input ended with the connection still in the table.
    case endOfInput
    /// No packet for the idle timeout.
    case idle
    /// The table was full and this was the oldest idle connection.
    case evicted
    /// A new SYN on the same 4-tuple started another incarnation.
    case superseded
}
