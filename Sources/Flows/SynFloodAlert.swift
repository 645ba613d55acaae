import Wire

/// When a SYN flood is reported.
public struct SynFloodConfiguration: Sendable, Equatable {
    /// Half-open connections to one server endpoint, begun within one window, that raise the
    /// alert. 0 turns detection off.
    public var threshold: Int
    /// Length of the counting window. Windows are consecutive (not sliding), aligned to the first
    /// connection attempt of the run.
    public var window: Nanoseconds
    /// Server endpoints followed at once; beyond them the least loaded are given up for new
    /// ones (their attempts counted in `untrackedAttempts`).
    public var maxTargets: Int

    public init(threshold: Int = 100, window: Nanoseconds = 5 * TrackerConfiguration.second, maxTargets: Int = 1024) {
        self.threshold = Swift.max(0, threshold)
        self.window = Swift.max(1_000_000, window)
        self.maxTargets = Swift.max(1, maxTargets)
    }

    /// How long after a window closes its handshakes may still complete before it is judged:
    /// one second (Linux's initial SYN-ACK retransmission timeout), or the window if shorter.
    public var grace: Nanoseconds { Swift.min(window, TrackerConfiguration.second) }

    /// At the end of the input no answer can come any more: an attempt unanswered for this long
    /// (an eighth of the grace period, 125 ms by default: longer than a handshake takes on all
    /// but the slowest paths) counts as half-open, so a flood shorter than the grace period at
    /// the very end of a capture is still judged. Younger ones may be handshakes in flight.
    public var endOfInputGrace: Nanoseconds { Swift.max(1, grace / 8) }

    public var isEnabled: Bool { threshold > 0 }
}

/// A source address and how many connection attempts it made in a window: at least
/// `attempts`, exactly that when `exact`.
public struct SourceCount: Sendable, Equatable {
    public var address: IPAddress
    public var attempts: Int
    public var exact: Bool

    public init(address: IPAddress, attempts: Int, exact: Bool) {
        self.address = address
        self.attempts = attempts
        self.exact = exact
    }
}

/// One SYN flood alert record: raised when a window's half-open count reaches the threshold,
/// repeated at most once per window while it lasts, and closed when a window falls below it.
public struct SynFloodAlert: Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// The first window at or over the threshold.
        case start
        /// A later window still at or over it.
        case ongoing
        /// A window below the threshold after an alert, or the end of the input during one.
        case end
    }
    public var kind: Kind
    /// When the record was raised (capture time): the first packet after the window's grace
    /// period, or the last packet of the input.
    public var time: Nanoseconds
    public var target: Endpoint
    /// The window judged: [windowStart, windowStart + window).
    public var windowStart: Nanoseconds
    public var window: Nanoseconds
    public var threshold: Int
    /// Connection attempts (new connections opened by a SYN) begun in the window.
    public var attempts: Int
    /// Those whose handshake neither completed nor was reset.
    public var halfOpen: Int
    /// Attempts the server answered with a SYN-ACK.
    public var answered: Int
    /// Distinct source addresses (exact up to 32, then a HyperLogLog estimate, about ±3%).
    public var distinctSources: Int
    /// The busiest sources with two or more attempts, most first (Space-Saving over 16
    /// counters: any source with more than 1/16 of the attempts is certain to be listed).
    public var topSources: [SourceCount]
    /// Start of the first window of this alert.
    public var since: Nanoseconds
    /// Highest half-open count of any window of this alert.
    public var peakHalfOpen: Int
    /// For `.end`: the input ended while the alert was on.
    public var endOfInput: Bool

    /// Share of attempts answered with SYN-ACK, 0...1.
    public var answeredShare: Double { attempts == 0 ? 0 : Double(answered) / Double(attempts) }
}
