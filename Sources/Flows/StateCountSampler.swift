/// How many endpoints are in each TCP state, sampled at regular instants of capture time: the
/// numbers behind the HTML report's state chart (and meant for `--state-interval` records and
/// the `--top` board, so that every view counts the same way).
///
/// What is counted: each connection contributes its two endpoints, each in the state the
/// tracker gave it after the connection's latest packet. CLOSED is not counted. An endpoint
/// in TIME_WAIT counts as TIME_WAIT until 2×MSL after it entered it (the tracker does not see
/// that end; the ladder projects it the same way), then stops counting. A connection that
/// ended idle, evicted or superseded stops counting when the tracker reported it; one still
/// open at the end of the input keeps its states.
///
/// A sample at instant T holds the counts after every packet stamped at or before T, so it
/// can be checked against the per-packet records. Samples are taken at `start + k × interval`
/// (`start` is the first packet's time rounded down to the interval). With `maxSamples` set,
/// the interval doubles (and every other sample is dropped) whenever the samples would exceed
/// it: the memory stays bounded whatever the capture's length.
public struct StateCountSampler: Sendable {
    /// The counted states, in the order of `Sample.counts`: opening, open, closing.
    public static let states: [TCPState] = [
        .listen, .synSent, .synReceived, .established, .finWait1, .finWait2,
        .closeWait, .closing, .lastAck, .timeWait,
    ]

    public struct Sample: Sendable, Equatable {
        public var time: Nanoseconds
        /// Endpoints per state, indexed as `StateCountSampler.states`.
        public var counts: [Int]
        public init(time: Nanoseconds, counts: [Int]) {
            self.time = time
            self.counts = counts
        }
        public func count(_ state: TCPState) -> Int {
            StateCountSampler.index(state).map { counts[$0] } ?? 0
        }
    }

    public private(set) var interval: Nanoseconds
    public let maxSamples: Int?
    public let msl: Nanoseconds
    public private(set) var samples: [Sample] = []
    /// Endpoints per state now (after the last packet given).
    public private(set) var current: [Int]

    private struct Endpoints {
        var client: TCPState
        var server: TCPState
        var clientTimeWaitSince: Nanoseconds = 0
        var serverTimeWaitSince: Nanoseconds = 0
    }
    private var flows: [Int: Endpoints] = [:]
    /// TIME_WAIT endpoints in the order they entered it (2×MSL is the same for all, so this is
    /// also the order they leave it): expiry time, flow, client side, the entry time to match.
    private var expiries: [(at: Nanoseconds, flow: Int, client: Bool, since: Nanoseconds)] = []
    private var expiryHead = 0
    private var nextSample: Nanoseconds?

    /// - Parameters:
    ///   - interval: capture time between samples (at least 1 µs).
    ///   - maxSamples: when set, the interval doubles rather than let the samples exceed it.
    public init(interval: Nanoseconds, maxSamples: Int? = nil, msl: Nanoseconds) {
        self.interval = Swift.max(1_000, interval)
        self.maxSamples = maxSamples.map { Swift.max(16, $0) }
        self.msl = msl
        self.current = [Int](repeating: 0, count: StateCountSampler.states.count)
    }

    /// The state's place in `states`; nil for CLOSED.
    public static func index(_ state: TCPState) -> Int? {
        switch state {
        case .closed: return nil
        case .listen: return 0
        case .synSent: return 1
        case .synReceived: return 2
        case .established: return 3
        case .finWait1: return 4
        case .finWait2: return 5
        case .closeWait: return 6
        case .closing: return 7
        case .lastAck: return 8
        case .timeWait: return 9
        }
    }

    /// One tracked packet (in capture order).
    public mutating func record(_ event: PacketEvent, at time: Nanoseconds) {
        advance(to: time)
        var entry = flows[event.flow] ?? Endpoints(client: .closed, server: .closed)
        set(&entry.client, event.client.after, flow: event.flow, client: true, at: time, since: &entry.clientTimeWaitSince)
        set(&entry.server, event.server.after, flow: event.flow, client: false, at: time, since: &entry.serverTimeWaitSince)
        if entry.client == .closed && entry.server == .closed {
            flows[event.flow] = nil
        } else {
            flows[event.flow] = entry
        }
    }

    /// Connections the tracker reported as ended: those that closed keep their TIME_WAIT
    /// endpoints until it runs out; idle, evicted and superseded ones stop counting.
    public mutating func ended(_ list: [EndedConnection]) {
        for e in list {
            switch e.reason {
            case .closed, .endOfInput: continue
            case .idle, .evicted, .superseded: break
            }
            guard let entry = flows.removeValue(forKey: e.connection.number) else { continue }
            if let i = StateCountSampler.index(entry.client) { current[i] -= 1 }
            if let i = StateCountSampler.index(entry.server) { current[i] -= 1 }
        }
    }

    /// Takes the samples due up to `time` (the end of the input: `finish(at:)` with its last
    /// packet's time takes the final one).
    public mutating func advance(to time: Nanoseconds) {
        if nextSample == nil {
            nextSample = StateCountSampler.floor(time, interval)
        }
        while let due = nextSample, due < time {
            expire(through: due)
            append(Sample(time: due, counts: current))
            nextSample = due &+ interval
        }
        expire(through: time)
    }

    /// The last sample: the counts at the end of the input.
    public mutating func finish(at time: Nanoseconds) {
        guard nextSample != nil else { return }
        advance(to: time)
        if samples.last?.time != time { append(Sample(time: time, counts: current)) }
    }

    private mutating func append(_ sample: Sample) {
        samples.append(sample)
        guard let maxSamples, samples.count > maxSamples else { return }
        // Keep the samples on the doubled grid.
        interval = interval &* 2
        let origin = samples[0].time
        samples = samples.filter { ($0.time &- origin) % interval == 0 }
        if let due = nextSample { nextSample = origin &+ ((due &- origin + interval - 1) / interval) &* interval }
    }

    private mutating func set(_ state: inout TCPState, _ new: TCPState, flow: Int, client: Bool,
                              at time: Nanoseconds, since: inout Nanoseconds) {
        guard state != new else { return }
        if let i = StateCountSampler.index(state) { current[i] -= 1 }
        if let i = StateCountSampler.index(new) { current[i] += 1 }
        state = new
        if new == .timeWait {
            since = time
            expiries.append((time &+ 2 &* msl, flow, client, time))
        }
    }

    /// TIME_WAIT endpoints whose 2×MSL ran out at or before `time` stop counting.
    private mutating func expire(through time: Nanoseconds) {
        while expiryHead < expiries.count, expiries[expiryHead].at <= time {
            let x = expiries[expiryHead]
            expiryHead += 1
            if var entry = flows[x.flow] {
                if x.client, entry.client == .timeWait, entry.clientTimeWaitSince == x.since {
                    entry.client = .closed
                    current[9] -= 1
                } else if !x.client, entry.server == .timeWait, entry.serverTimeWaitSince == x.since {
                    entry.server = .closed
                    current[9] -= 1
                }
                flows[x.flow] = entry.client == .closed && entry.server == .closed ? nil : entry
            }
        }
        if expiryHead > 4096 && expiryHead * 2 > expiries.count {
            expiries.removeFirst(expiryHead)
            expiryHead = 0
        }
    }

    static func floor(_ t: Nanoseconds, _ step: Nanoseconds) -> Nanoseconds {
        let r = t % step
        return r >= 0 ? t - r : t - r - step
    }
}
