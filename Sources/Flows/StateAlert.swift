import Wire

/// When the stuck-state and pile-up alerts are raised (docs/troubles.md).
public struct StateAlertConfiguration: Sendable, Equatable {
    /// An endpoint in CLOSE_WAIT, FIN_WAIT_2 or LAST_ACK longer than this is stuck. 0 turns the
    /// stuck-state alerts off.
    public var stuckAfter: Nanoseconds
    /// SYN_RECEIVED connections at one server endpoint that raise `half_open_pileup` (0: off).
    public var halfOpenThreshold: Int
    /// Ephemeral ports of a client address (Linux's default range 32768-60999 holds 28,232);
    /// `time_wait_pileup` is raised when its TIME_WAIT connections reach three quarters of them
    /// (0: off).
    public var ephemeralPorts: Int
    /// Server endpoints and client addresses followed at once, each.
    public var maxEndpoints: Int
    /// An alert in force is repeated (`ongoing`) this often, in capture time.
    public var reminder: Nanoseconds

    public init(stuckAfter: Nanoseconds = 60 * TrackerConfiguration.second, halfOpenThreshold: Int = 128,
                ephemeralPorts: Int = 28_232, maxEndpoints: Int = 4096,
                reminder: Nanoseconds = 60 * TrackerConfiguration.second) {
        self.stuckAfter = Swift.max(0, stuckAfter)
        self.halfOpenThreshold = Swift.max(0, halfOpenThreshold)
        self.ephemeralPorts = Swift.max(0, ephemeralPorts)
        self.maxEndpoints = Swift.max(1, maxEndpoints)
        self.reminder = Swift.max(TrackerConfiguration.second, reminder)
    }

    /// TIME_WAIT connections of one client address that raise `time_wait_pileup`.
    public var timeWaitThreshold: Int { ephemeralPorts == 0 ? 0 : Swift.max(1, (ephemeralPorts * 3 + 3) / 4) }

    /// Width of the buckets stuck-state ages are kept in: a sixteenth of `stuckAfter`, so a
    /// stuck endpoint is reported between `stuckAfter` and 1/16 later.
    var bucketWidth: Nanoseconds { Swift.max(1_000_000, stuckAfter / 16) }
}

/// A stuck-state or pile-up alert record: raised when the count reaches the threshold,
/// repeated every `reminder` while it lasts, ended when it falls (docs/troubles.md).
public struct StateAlert: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case closeWaitStuck = "close_wait_stuck"
        case finWait2Stuck = "fin_wait_2_stuck"
        case lastAckStuck = "last_ack_stuck"
        case halfOpenPileup = "half_open_pileup"
        case timeWaitPileup = "time_wait_pileup"

        /// The state it counts.
        public var state: TCPState {
            switch self {
            case .closeWaitStuck: return .closeWait
            case .finWait2Stuck: return .finWait2
            case .lastAckStuck: return .lastAck
            case .halfOpenPileup: return .synReceived
            case .timeWaitPileup: return .timeWait
            }
        }

        public var isStuck: Bool { self == .closeWaitStuck || self == .finWait2Stuck || self == .lastAckStuck }
        /// The text form: `close-wait-stuck`.
        public var textName: String { rawValue.replacingUnderscores() }
    }

    public enum Phase: String, Sendable {
        case start, ongoing, end
    }

    public var kind: Kind
    public var phase: Phase
    /// Capture time of the record.
    public var time: Nanoseconds
    /// The server endpoint (stuck states, half-open pile-up) or the client address with port 0
    /// (TIME_WAIT pile-up).
    public var target: Endpoint
    /// Endpoints counted now: stuck ones (in the state longer than `stuckAfter`), SYN_RECEIVED
    /// server endpoints, or TIME_WAIT client endpoints.
    public var count: Int
    public var threshold: Int
    /// Stuck states: when the oldest of them entered the state.
    public var oldestSince: Nanoseconds?
    /// Stuck states: the age limit.
    public var stuckAfter: Nanoseconds
    /// When the alert started, and its highest count.
    public var since: Nanoseconds
    public var peak: Int
    /// `.end` because the input ended.
    public var endOfInput: Bool

    /// The target is a client address (`time_wait_pileup`), printed without its port.
    public var targetIsAddress: Bool { kind == .timeWaitPileup }
}

extension String {
    fileprivate func replacingUnderscores() -> String {
        String(map { $0 == "_" ? "-" : $0 })
    }
}

struct AlertKey: Hashable, Sendable {
    var kind: StateAlert.Kind
    var server: Int32
    var client: Int32
}

struct AlertStanding: Sendable {
    var since: Nanoseconds
    var peak: Int
    var lastRecord: Nanoseconds
}

extension TrackerConfiguration {
    /// Follows connections in the states that can be stuck at least five times `stuckAfter`
    /// without a packet (conntrack forgets CLOSE_WAIT after 60 s and LAST_ACK after 30 s, but a
    /// CLOSE_WAIT whose application never closes is silent for ever).
    public mutating func followStuckEndpoints() {
        guard stateAlerts.stuckAfter > 0 else { return }
        let keep = stateAlerts.stuckAfter &* 5
        for state in [TCPState.closeWait, .finWait2, .lastAck] {
            let i = Int(state.rawValue)
            idleTimeoutByState[i] = Swift.max(idleTimeoutByState[i], keep)
        }
    }
}
