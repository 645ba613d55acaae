import Wire

/// Detects SYN floods: many half-open connections towards one server endpoint within a window.
///
/// It counts connection attempts (a connection the tracker opened on a SYN; a retransmitted SYN
/// belongs to its connection and is not a new attempt), and subtracts those whose handshake
/// completed or that were reset. A window is judged once it is over and its grace period has
/// passed, so a busy server's handshakes in flight are not mistaken for half-open ones.
///
/// Memory is bounded whatever the input: at most `maxTargets` server endpoints, each with two
/// window buckets of fixed size (counters, 32 exact source hashes, a 1024-register HyperLogLog
/// and 16 Space-Saving heavy-hitter counters), kept in flat pools that are reused: about 3.6 KiB
/// per endpoint, 3.7 MiB at the default 1024 endpoints, whatever the number of sources.
public struct SynFloodDetector: Sendable {
    public let configuration: SynFloodConfiguration

    static let registerBits = 10
    static let registers = 1 << registerBits
    static let exactSources = 32
    static let heavyHitters = 16
    static let reportedSources = 5

    struct Bucket: Sendable {
        var window: Int64 = .min
        var attempts = 0
        var answered = 0
        var resolved = 0
        var exactCount = 0
        var hitters = 0
        /// Attempts older than the grace period and still half-open (the young ones wait in the
        /// target's slices).
        var agedHalfOpen = 0
    }

    struct Target: Sendable {
        var endpoint: Endpoint
        var even = Bucket()
        var odd = Bucket()
        var alerting = false
        var since: Nanoseconds = 0
        var peak = 0
        /// The window whose start record went out early (judged by age), so its judgement
        /// does not repeat it.
        var announced: Int64 = -1
        /// In the index (not given up).
        var followed = false

        subscript(window: Int64) -> Bucket {
            get { window & 1 == 0 ? even : odd }
            set { if window & 1 == 0 { even = newValue } else { odd = newValue } }
        }
    }

    /// Target slots by the endpoint's digest (`targetDigest`), confirmed against `targets`.
    var index = DigestIndex()
    var targets: [Target] = []
    var freeSlots: [Int32] = []
    /// Per slot and bucket parity: HyperLogLog registers, exact source hashes, heavy hitters.
    var registers: [UInt8] = []
    var exact: [UInt64] = []
    var hitterAddress: [IPAddress] = []
    var hitterCount: [Int32] = []
    /// Space-Saving's overestimate of each counter (the count it inherited when it took the slot).
    var hitterError: [Int32] = []
    /// Slots with attempts in the window of each parity.
    var touched: ([Int32], [Int32]) = ([], [])
    /// Slots with an alert on.
    var alerting: [Int32] = []
    /// Start of window 0; nil before the first attempt.
    var origin: Nanoseconds? = nil
    /// The oldest window not yet judged.
    var pending: Int64 = 0 {
        didSet { nextJudgement = .min }
    }
    /// `judgement(pending)` once known; `.min` makes `advance` look again.
    var nextJudgement: Nanoseconds = .min
    /// Per slot, a ring of `slices` young-attempt slices: (global slice number, attempts,
    /// resolved). An attempt is young until the grace period has passed since its SYN.
    static let slices = 12
    var sliceKey: [Int64] = []
    var sliceAttempts: [Int32] = []
    var sliceResolved: [Int32] = []
    /// When young slices next need folding; .max when none is young.
    var nextAgeCheck: Nanoseconds = .max
    /// Records raised since the last `takeAlerts()`.
    public internal(set) var alerts: [SynFloodAlert] = []
    /// Attempts not counted: those of endpoints given up to make room for others (at most
    /// `maxTargets` are followed; SynFloodDetector+Targets.swift).
    public internal(set) var untrackedAttempts = 0
    /// Endpoints given up to make room for others.
    public internal(set) var evictedTargets = 0
    /// Keys `targetDigest`: random per detector, so crafted targets cannot collide in the index.
    let digestSeed = UInt64.random(in: 0 ... .max)

    public init(_ configuration: SynFloodConfiguration = SynFloodConfiguration()) {
        self.configuration = configuration
    }

    /// Server endpoints followed now.
    public var trackedTargets: Int { index.count }
    /// Slots allocated so far (the pools' size); never above `maxTargets`.
    public var allocatedSlots: Int { targets.count }

    public mutating func takeAlerts() -> [SynFloodAlert] {
        defer { alerts.removeAll(keepingCapacity: true) }
        return alerts
    }

    // MARK: - Windows

    func windowIndex(_ t: Nanoseconds) -> Int64 {
        guard let origin, t > origin else { return 0 }
        return (t &- origin) / configuration.window
    }

    func windowStart(_ k: Int64) -> Nanoseconds {
        (origin ?? 0) &+ k &* configuration.window
    }

    /// When window `k` is judged.
    func judgement(_ k: Int64) -> Nanoseconds {
        windowStart(k &+ 1) &+ configuration.grace
    }

    /// Judges every window whose grace period is over at `now`.
    @inline(__always)
    public mutating func advance(to now: Nanoseconds) {
        // Called for every packet: one comparison until the next window or slice is due.
        guard now >= nextJudgement || now >= nextAgeCheck else { return }
        if now >= nextAgeCheck { ageSlices(to: now) }
        if now >= nextJudgement { advanceWindows(to: now) }
    }

    mutating func advanceWindows(to now: Nanoseconds) {
        guard configuration.isEnabled, origin != nil else { return }
        while now >= judgement(pending) {
            if touched.0.isEmpty && touched.1.isEmpty && alerting.isEmpty {
                // Nothing to judge: skip the quiet windows at once.
                pending = Swift.max(pending &+ 1, windowIndex(now) &- 1)
                continue
            }
            judge(pending, at: now, incomplete: false)
            pending &+= 1
        }
        nextJudgement = judgement(pending)
    }

    /// Judges the windows still open at the end of the input, then closes any alert still on.
    public mutating func finish(at now: Nanoseconds) {
        guard configuration.isEnabled, origin != nil else { return }
        advance(to: now)
        let last = Swift.max(pending, windowIndex(now))
        while pending <= last {
            // The window the input ended in is incomplete: fewer attempts there do not show the
            // flood subsided.
            judge(pending, at: now, incomplete: windowStart(pending &+ 1) > now)
            pending &+= 1
        }
        for slot in alerting {
            let t = targets[Int(slot)]
            alerts.append(SynFloodAlert(kind: .end, time: now, target: t.endpoint, windowStart: windowStart(pending &- 1),
                                        window: configuration.window, threshold: configuration.threshold, attempts: 0,
                                        halfOpen: 0, answered: 0, distinctSources: 0, topSources: [], since: t.since,
                                        peakHalfOpen: t.peak, endOfInput: true))
            targets[Int(slot)].alerting = false
        }
        alerting.removeAll(keepingCapacity: true)
    }

    mutating func judge(_ k: Int64, at now: Nanoseconds, incomplete: Bool) {
        var slots = k & 1 == 0 ? touched.0 : touched.1
        for slot in alerting where targets[Int(slot)][k].window != k || !slots.contains(slot) {
            if !slots.contains(slot) { slots.append(slot) }
        }
        let threshold = configuration.threshold
        var stillAlerting: [Int32] = []
        for slot in slots {
            var t = targets[Int(slot)]
            let b = t[k]
            let counted = b.window == k
            let halfOpen = counted ? Swift.max(0, b.attempts - b.resolved) : 0
            var record = SynFloodAlert(
                kind: .start, time: now, target: t.endpoint, windowStart: windowStart(k), window: configuration.window,
                threshold: threshold, attempts: counted ? b.attempts : 0, halfOpen: halfOpen,
                answered: counted ? b.answered : 0, distinctSources: counted ? distinct(slot, k) : 0,
                topSources: [], since: t.since, peakHalfOpen: t.peak, endOfInput: false)
            if halfOpen >= threshold {
                record.kind = t.alerting ? .ongoing : .start
                let announced = t.announced == k
                if !t.alerting {
                    t.alerting = true
                    t.since = windowStart(k)
                    t.peak = 0
                }
                t.peak = Swift.max(t.peak, halfOpen)
                record.since = t.since
                record.peakHalfOpen = t.peak
                record.topSources = topSources(slot, k)
                // Its start went out early: the judgement only updates the peak.
                if !announced { alerts.append(record) }
                stillAlerting.append(slot)
            } else if t.alerting && incomplete {
                stillAlerting.append(slot)
            } else if t.alerting {
                record.kind = .end
                alerts.append(record)
                t.alerting = false
            }
            targets[Int(slot)] = t
        }
        // Alerts whose target had no attempt in window k ended above; the rest go on.
        alerting = stillAlerting
        if k & 1 == 0 { touched.0.removeAll(keepingCapacity: true) } else { touched.1.removeAll(keepingCapacity: true) }
        // A target with no alert and no attempt in the next window is forgotten.
        for slot in slots where !targets[Int(slot)].alerting && targets[Int(slot)][k &+ 1].window != k &+ 1 {
            release(slot)
        }
    }

    // MARK: - Events from the tracker

    /// A new connection attempt: a SYN from `source` to `target` opened a connection at `time`.
    public mutating func attempt(target: Endpoint, source: IPAddress, time: Nanoseconds) {
        guard configuration.isEnabled else { return }
        if origin == nil { origin = time }
        advance(to: time)
        let k = Swift.max(windowIndex(time), pending)
        guard let slot = slot(for: target, create: true) else {
            untrackedAttempts &+= 1
            return
        }
        var b = targets[Int(slot)][k]
        if b.window != k {
            b = Bucket()
            b.window = k
            if k & 1 == 0 { touched.0.append(slot) } else { touched.1.append(slot) }
        }
        b.attempts &+= 1
        countSource(source, slot: slot, window: k, &b)
        targets[Int(slot)][k] = b
        _ = sliceCount(slot, time, window: k, attempt: true)
    }

    /// The server answered the attempt begun at `synTime` with a SYN-ACK.
    public mutating func answered(target: Endpoint, synTime: Nanoseconds) {
        update(target, synTime) { $0.answered &+= 1 }
    }

    /// The attempt begun at `synTime` is no longer half-open: handshake completed, or reset.
    public mutating func resolved(target: Endpoint, synTime: Nanoseconds) {
        guard configuration.isEnabled, origin != nil, let slot = find(target) else { return }
        let k = Swift.max(windowIndex(synTime), 0)
        guard k >= pending, targets[Int(slot)][k].window == k else { return }
        targets[Int(slot)][k].resolved &+= 1
        // Young: taken from its slice; aged: from the aged count.
        if !sliceCount(slot, synTime, window: k, attempt: false) {
            targets[Int(slot)][k].agedHalfOpen = Swift.max(0, targets[Int(slot)][k].agedHalfOpen - 1)
        }
    }

    mutating func update(_ target: Endpoint, _ synTime: Nanoseconds, _ body: (inout Bucket) -> Void) {
        guard configuration.isEnabled, origin != nil, let slot = find(target) else { return }
        let k = Swift.max(windowIndex(synTime), 0)
        guard k >= pending, targets[Int(slot)][k].window == k else { return }
        body(&targets[Int(slot)][k])
    }
}
