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

/// The states whose endpoints can be stuck.
enum StuckKind: Int, CaseIterable, Sendable {
    case closeWait, finWait2, lastAck

    init?(_ state: TCPState) {
        switch state {
        case .closeWait: self = .closeWait
        case .finWait2: self = .finWait2
        case .lastAck: self = .lastAck
        default: return nil
        }
    }

    var alert: StateAlert.Kind {
        switch self {
        case .closeWait: return .closeWaitStuck
        case .finWait2: return .finWait2Stuck
        case .lastAck: return .lastAckStuck
        }
    }
}

/// Endpoints of one server endpoint in one stuck kind: those old enough (`count`, the oldest
/// entry time) and the younger ones in a ring of entry-time buckets (in `StateCensus` pools).
struct StuckRing: Sendable {
    var count: Int32 = 0
    var oldest: Nanoseconds = .max
    /// Buckets up to this one were folded into `count`.
    var foldedThrough: Int64 = .min
    /// Entries in the ring.
    var young: Int32 = 0
    var buckets = StuckBuckets()
}

/// A ring of 20 (bucket number, entries, earliest entry time) without a heap allocation.
struct StuckBuckets: Sendable {
    static let size = 20
    var ids: (Int64, Int64, Int64, Int64, Int64, Int64, Int64, Int64, Int64, Int64,
              Int64, Int64, Int64, Int64, Int64, Int64, Int64, Int64, Int64, Int64) =
        (-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1)
    var counts: (Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32,
                 Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32, Int32) =
        (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    var earliest: (Int64, Int64, Int64, Int64, Int64, Int64, Int64, Int64, Int64, Int64,
                   Int64, Int64, Int64, Int64, Int64, Int64, Int64, Int64, Int64, Int64) =
        (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)

    subscript(id i: Int) -> Int64 {
        get { withUnsafeBytes(of: ids) { $0.load(fromByteOffset: i * 8, as: Int64.self) } }
        set { withUnsafeMutableBytes(of: &ids) { $0.storeBytes(of: newValue, toByteOffset: i * 8, as: Int64.self) } }
    }
    subscript(count i: Int) -> Int32 {
        get { withUnsafeBytes(of: counts) { $0.load(fromByteOffset: i * 4, as: Int32.self) } }
        set { withUnsafeMutableBytes(of: &counts) { $0.storeBytes(of: newValue, toByteOffset: i * 4, as: Int32.self) } }
    }
    subscript(earliest i: Int) -> Int64 {
        get { withUnsafeBytes(of: earliest) { $0.load(fromByteOffset: i * 8, as: Int64.self) } }
        set { withUnsafeMutableBytes(of: &earliest) { $0.storeBytes(of: newValue, toByteOffset: i * 8, as: Int64.self) } }
    }
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

// MARK: - Stuck ages

extension StateCensus {
    private func ringIndex(_ slot: Int32, _ kind: StuckKind) -> Int { Int(slot) * StuckKind.allCases.count + kind.rawValue }

    /// Buckets at or below this number hold only entries older than `stuckAfter` at `now`.
    private func agedThrough(_ now: Nanoseconds) -> Int64 {
        let w = configuration.bucketWidth
        let edge = now &- configuration.stuckAfter
        // Bucket n is aged when (n + 1) × w ≤ edge.
        return floorDiv(edge, w) &- 1
    }

    mutating func stuckEnter(_ slot: Int32, _ kind: StuckKind, at time: Nanoseconds) {
        guard configuration.stuckAfter > 0 else { return }
        let r = ringIndex(slot, kind)
        fold(r, now: time)
        let n = floorDiv(time, configuration.bucketWidth)
        if n <= stuck[r].foldedThrough {
            stuck[r].count += 1
            stuck[r].oldest = Swift.min(stuck[r].oldest, time)
            return
        }
        let p = Int(n % Int64(StuckBuckets.size))
        if stuck[r].buckets[id: p] != n {
            // A bucket still there is older than every one the ring can hold: fold it first.
            if stuck[r].buckets[count: p] > 0 {
                stuck[r].count += stuck[r].buckets[count: p]
                stuck[r].young -= stuck[r].buckets[count: p]
                stuck[r].oldest = Swift.min(stuck[r].oldest, stuck[r].buckets[earliest: p])
            }
            stuck[r].buckets[id: p] = n
            stuck[r].buckets[count: p] = 0
            stuck[r].buckets[earliest: p] = time
        }
        stuck[r].buckets[count: p] += 1
        stuck[r].buckets[earliest: p] = Swift.min(stuck[r].buckets[earliest: p], time)
        stuck[r].young += 1
    }

    mutating func stuckLeave(_ slot: Int32, _ kind: StuckKind, entered: Nanoseconds, now: Nanoseconds) {
        guard configuration.stuckAfter > 0 else { return }
        let r = ringIndex(slot, kind)
        fold(r, now: now)
        let n = floorDiv(entered, configuration.bucketWidth)
        let p = Int(((n % Int64(StuckBuckets.size)) + Int64(StuckBuckets.size)) % Int64(StuckBuckets.size))
        if n > stuck[r].foldedThrough && stuck[r].buckets[id: p] == n && stuck[r].buckets[count: p] > 0 {
            stuck[r].buckets[count: p] -= 1
            stuck[r].young -= 1
        } else if stuck[r].count > 0 {
            stuck[r].count -= 1
            if stuck[r].count == 0 { stuck[r].oldest = .max }
        } else if stuck[r].young > 0 {
            // Entered before its stateSince said (a revised RST): take it from the oldest bucket.
            var oldestP = -1
            for i in 0..<StuckBuckets.size where stuck[r].buckets[count: i] > 0 {
                if oldestP < 0 || stuck[r].buckets[id: i] < stuck[r].buckets[id: oldestP] { oldestP = i }
            }
            if oldestP >= 0 {
                stuck[r].buckets[count: oldestP] -= 1
                stuck[r].young -= 1
            }
        }
    }

    /// Moves the buckets that aged by `now` into the stuck count.
    mutating func fold(_ r: Int, now: Nanoseconds) {
        let aged = agedThrough(now)
        guard aged > stuck[r].foldedThrough else { return }
        if stuck[r].young > 0 {
            for p in 0..<StuckBuckets.size where stuck[r].buckets[count: p] > 0 && stuck[r].buckets[id: p] <= aged {
                stuck[r].count += stuck[r].buckets[count: p]
                stuck[r].young -= stuck[r].buckets[count: p]
                stuck[r].oldest = Swift.min(stuck[r].oldest, stuck[r].buckets[earliest: p])
                stuck[r].buckets[count: p] = 0
            }
        }
        stuck[r].foldedThrough = aged
    }

    /// Stuck endpoints of `kind` at server `slot` at `now`, and the oldest one's entry time.
    mutating func stuckCount(_ slot: Int32, _ kind: StuckKind, now: Nanoseconds) -> (Int, Nanoseconds?) {
        let r = ringIndex(slot, kind)
        fold(r, now: now)
        let c = Int(stuck[r].count)
        return (c, c > 0 ? stuck[r].oldest : nil)
    }
}

@inline(__always) func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}

// MARK: - Judging

extension StateCensus {
    /// Judges every endpoint once a second of capture time: call per packet (one comparison
    /// until the next second).
    @inline(__always)
    mutating func tick(_ now: Nanoseconds) {
        guard now >= nextTick else { return }
        judge(now)
        nextTick = now &+ TrackerConfiguration.second
    }

    private mutating func judge(_ now: Nanoseconds) {
        let c = configuration
        for slot in servers.indices where servers[slot].connections > 0 || hasAlert(server: Int32(slot)) {
            let s = Int32(slot)
            guard isFollowed(s) else { continue }
            let endpoint = servers[slot].endpoint
            if c.stuckAfter > 0 {
                for kind in StuckKind.allCases {
                    let (count, oldest) = stuckCount(s, kind, now: now)
                    judge(AlertKey(kind: kind.alert, server: s, client: -1), target: endpoint, count: count,
                          threshold: 1, oldest: oldest, now: now)
                }
            }
            if c.halfOpenThreshold > 0 {
                let n = Int(serverStates[slot * 2 * StateCensus.stateCount + StateCensus.stateCount + Int(TCPState.synReceived.rawValue)])
                judge(AlertKey(kind: .halfOpenPileup, server: s, client: -1), target: endpoint, count: n,
                      threshold: c.halfOpenThreshold, oldest: nil, now: now)
            }
        }
        let tw = c.timeWaitThreshold
        if tw > 0 {
            for slot in clients.indices where clients[slot].timeWait > 0 || alerting[AlertKey(kind: .timeWaitPileup, server: -1, client: Int32(slot))] != nil {
                let key = AlertKey(kind: .timeWaitPileup, server: -1, client: Int32(slot))
                judge(key, target: Endpoint(address: clients[slot].address, port: 0), count: Int(Swift.max(0, clients[slot].timeWait)),
                      threshold: tw, oldest: nil, now: now)
                if clients[slot].timeWait <= 0 && alerting[key] == nil && isFollowedClient(Int32(slot)) { releaseClient(Int32(slot)) }
            }
        }
    }

    private func hasAlert(server slot: Int32) -> Bool {
        !alerting.isEmpty && alerting.keys.contains { $0.server == slot }
    }

    /// Starts, repeats or ends one alert. Stuck states end when none is stuck; pile-ups when
    /// the count falls below half the threshold.
    private mutating func judge(_ key: AlertKey, target: Endpoint, count: Int, threshold: Int, oldest: Nanoseconds?, now: Nanoseconds) {
        var record = StateAlert(kind: key.kind, phase: .start, time: now, target: target, count: count, threshold: threshold,
                                oldestSince: oldest, stuckAfter: configuration.stuckAfter, since: now, peak: count,
                                endOfInput: false)
        if var standing = alerting[key] {
            standing.peak = Swift.max(standing.peak, count)
            record.since = standing.since
            record.peak = standing.peak
            let over = key.kind.isStuck ? count >= 1 : count * 2 >= threshold
            if !over {
                record.phase = .end
                alerts.append(record)
                alerting[key] = nil
                return
            }
            if now &- standing.lastRecord >= configuration.reminder {
                record.phase = .ongoing
                standing.lastRecord = now
                alerts.append(record)
            }
            alerting[key] = standing
        } else if count >= threshold && count > 0 {
            alerting[key] = AlertStanding(since: now, peak: count, lastRecord: now)
            alerts.append(record)
        }
    }

    /// End of input: judges once more, then ends every alert still in force.
    mutating func finishAlerts(at now: Nanoseconds) {
        judge(now)
        let open = alerting.sorted { a, b in
            (a.value.since, a.key.kind.rawValue, a.key.server, a.key.client) < (b.value.since, b.key.kind.rawValue, b.key.server, b.key.client)
        }
        for (key, standing) in open {
            let target = key.server >= 0 ? servers[Int(key.server)].endpoint : Endpoint(address: clients[Int(key.client)].address, port: 0)
            var count = 0
            var oldest: Nanoseconds? = nil
            let threshold: Int
            switch key.kind {
            case .closeWaitStuck, .finWait2Stuck, .lastAckStuck:
                (count, oldest) = stuckCount(key.server, StuckKind(key.kind.state)!, now: now)
                threshold = 1
            case .halfOpenPileup:
                count = Int(serverStates[Int(key.server) * 2 * StateCensus.stateCount + StateCensus.stateCount + Int(TCPState.synReceived.rawValue)])
                threshold = configuration.halfOpenThreshold
            case .timeWaitPileup:
                count = Int(clients[Int(key.client)].timeWait)
                threshold = configuration.timeWaitThreshold
            }
            alerts.append(StateAlert(kind: key.kind, phase: .end, time: now, target: target, count: count, threshold: threshold,
                                     oldestSince: oldest, stuckAfter: configuration.stuckAfter, since: standing.since,
                                     peak: Swift.max(standing.peak, count), endOfInput: true))
        }
        alerting.removeAll()
    }

    /// The alerts in force now, oldest first (for the board).
    public func alertsInForce(at now: Nanoseconds) -> [StateAlert] {
        alerting.map { key, standing in
            let target = key.server >= 0 ? servers[Int(key.server)].endpoint : Endpoint(address: clients[Int(key.client)].address, port: 0)
            var count = standing.peak
            var oldest: Nanoseconds? = nil
            switch key.kind {
            case .closeWaitStuck, .finWait2Stuck, .lastAckStuck:
                let r = Int(key.server) * StuckKind.allCases.count + StuckKind(key.kind.state)!.rawValue
                count = Int(stuck[r].count)
                oldest = stuck[r].count > 0 ? stuck[r].oldest : nil
            case .halfOpenPileup:
                count = Int(serverStates[Int(key.server) * 2 * StateCensus.stateCount + StateCensus.stateCount + Int(TCPState.synReceived.rawValue)])
            case .timeWaitPileup:
                count = Int(clients[Int(key.client)].timeWait)
            }
            return StateAlert(kind: key.kind, phase: .ongoing, time: now, target: target, count: count, threshold: 0,
                              oldestSince: oldest, stuckAfter: configuration.stuckAfter, since: standing.since,
                              peak: standing.peak, endOfInput: false)
        }.sorted { ($0.since, $0.kind.rawValue, $0.target) < ($1.since, $1.kind.rawValue, $1.target) }
    }

    public mutating func takeAlerts() -> [StateAlert] {
        defer { alerts.removeAll(keepingCapacity: true) }
        return alerts
    }
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
