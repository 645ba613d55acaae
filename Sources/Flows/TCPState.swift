/// The RFC 9293 connection states of one endpoint.
public enum TCPState: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    case closed, listen, synSent, synReceived, established
    case finWait1, finWait2, closeWait, closing, lastAck, timeWait

    /// The RFC's name in capitals with underscores, as printed everywhere.
    public var name: StaticString {
        switch self {
        case .closed: return "CLOSED"
        case .listen: return "LISTEN"
        case .synSent: return "SYN_SENT"
        case .synReceived: return "SYN_RECEIVED"
        case .established: return "ESTABLISHED"
        case .finWait1: return "FIN_WAIT_1"
        case .finWait2: return "FIN_WAIT_2"
        case .closeWait: return "CLOSE_WAIT"
        case .closing: return "CLOSING"
        case .lastAck: return "LAST_ACK"
        case .timeWait: return "TIME_WAIT"
        }
    }

    public var description: String { name.description }

    /// States in which the endpoint has a synchronized connection (RFC 9293 §3.3.2).
    public var isSynchronized: Bool {
        switch self {
        case .closed, .listen, .synSent, .synReceived: return false
        default: return true
        }
    }
}

/// Which side of a connection an endpoint plays.
public enum Role: UInt8, Sendable {
    case client, server

    public var peer: Role { self == .client ? .server : .client }
    public var name: StaticString { self == .client ? "client" : "server" }
}

/// How sure tcpwave is of a state: seen in the capture, guessed for a connection picked up
/// mid-stream, or computed for the future (TIME_WAIT's end).
public enum Certainty: UInt8, Sendable {
    case observed, inferred, projected
}
