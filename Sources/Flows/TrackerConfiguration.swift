/// Limits and clocks of the flow tracker, all in capture time.
public struct TrackerConfiguration: Sendable {
    /// Maximum segment lifetime; TIME_WAIT lasts twice this (RFC 9293 §3.4.2).
    public var msl: Nanoseconds
    /// A connection with no packet for this long is forgotten, whatever its states; nil: the
    /// timeout depends on the states (`idleTimeoutByState`).
    public var idleTimeout: Nanoseconds?
    /// Idle timeouts by endpoint state, in the spirit of Linux conntrack's TCP timeouts: five
    /// days for an established connection, minutes for a handshake or a close in progress. A
    /// connection takes the shorter of its two endpoints' timeouts, a CLOSED endpoint's only when
    /// both are CLOSED (indexed by TCPState.rawValue).
    public var idleTimeoutByState: [Nanoseconds] = TrackerConfiguration.defaultIdleTimeouts
    /// At most this many connections are tracked at once; the oldest idle one makes room.
    public var maxConnections: Int
    /// What the Zeek conn.log model imitates (ZeekConnection.swift).
    public var zeek = ZeekOptions()
    /// Feed the Zeek model (conn_state, history, sizes); only JSON and conn.log output read it.
    public var zeekModel = true
    /// Run the per-packet sequence analysis (retransmissions, duplicate ACKs, keepalives...);
    /// off when no output reads packet notes, such as a text summary.
    public var sequenceAnalysis = true
    /// Record each connection's state timeline; off when no output prints timelines.
    public var timelines = true
    /// SYN flood detection thresholds (SynFloodDetector.swift).
    public var synFlood = SynFloodConfiguration()
    /// Stuck-state and pile-up alerts (StateAlerts.swift).
    public var stateAlerts = StateAlertConfiguration()
    /// Connection numbers start here and go up by `numberStep`: 1, 2, 3... for a whole capture;
    /// shard K of N numbers K, K+N, K+2N... so that the shards' numbers never collide
    /// (docs/sharding.md).
    public var firstNumber = 1
    public var numberStep = 1

    @inlinable public static var second: Nanoseconds { 1_000_000_000 }

    /// How long a closed connection stays whole (for late retransmissions and ACKs, and for
    /// whoever still counts its packets) before it shrinks to a small record (capture time).
    public var closedGrace: Nanoseconds = TrackerConfiguration.second

    /// The default idle timeouts by state (seconds): conntrack's for the states it shares.
    public static let defaultIdleTimeouts: [Nanoseconds] = TCPState.allCases.map { state in
        let seconds: Int64
        switch state {
        case .established: seconds = 5 * 24 * 3600
        case .synSent, .listen: seconds = 120
        case .synReceived: seconds = 60
        case .finWait1, .finWait2, .closing: seconds = 120
        case .closeWait: seconds = 60
        case .lastAck: seconds = 30
        case .timeWait: seconds = 120
        case .closed: seconds = 10
        }
        return seconds * second
    }

    /// How long a connection whose endpoints are in `a` and `b` may stay without a packet.
    @inlinable public func idleTimeout(_ a: TCPState, _ b: TCPState) -> Nanoseconds {
        if let fixed = idleTimeout { return fixed }
        // A CLOSED endpoint counts only when both are: the other may still be opening.
        if a == .closed { return idleTimeoutByState[Int(b.rawValue)] }
        if b == .closed { return idleTimeoutByState[Int(a.rawValue)] }
        return Swift.min(idleTimeoutByState[Int(a.rawValue)], idleTimeoutByState[Int(b.rawValue)])
    }

    public init(msl: Nanoseconds = 60 * second, idleTimeout: Nanoseconds? = nil, maxConnections: Int = 131_072) {
        self.msl = msl
        self.idleTimeout = idleTimeout
        self.maxConnections = Swift.max(1, maxConnections)
    }
}

/// Counters over a whole run.
public struct TrackerStatistics: Sendable, Equatable {
    public var connections = 0
    public var closed = 0
    public var idleExpired = 0
    public var evicted = 0
    public var live = 0
    public var peakLive = 0
    public init() {}
}

/// A connection that left the tracker's attention, with why.
public struct EndedConnection: Sendable {
    public var connection: Connection
    public var reason: EndReason
    /// Capture time when it was reported (the end of the input for `.endOfInput`).
    public var time: Nanoseconds = 0

    public init(connection: Connection, reason: EndReason, time: Nanoseconds = 0) {
        self.connection = connection
        self.reason = reason
        self.time = time
    }
}
