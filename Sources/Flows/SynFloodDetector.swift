import Wire

/// When a SYN flood is reported.
public struct SynFloodConfiguration: Sendable, Equatable {
    /// Half-open connections to one server endpoint, begun within one window, that raise the
    /// alert. 0 turns detection off.
    public var threshold: Int
    /// Length of the counting window. Windows are consecutive (not sliding), aligned to the first
    /// connection attempt of the run.
    public var window: Nanoseconds
    /// Server endpoints followed at once; attempts to others are counted in `untrackedAttempts`.
    public var maxTargets: Int

    public init(threshold: Int = 100, window: Nanoseconds = 5 * TrackerConfiguration.second, maxTargets: Int = 1024) {
        self.threshold = Swift.max(0, threshold)
        self.window = Swift.max(1_000_000, window)
        self.maxTargets = Swift.max(1, maxTargets)
    }

    /// How long after a window closes its handshakes may still complete before it is judged:
    /// one second (Linux's initial SYN-ACK retransmission timeout), or the window if shorter.
    public var grace: Nanoseconds { Swift.min(window, TrackerConfiguration.second) }

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

        subscript(window: Int64) -> Bucket {
            get { window & 1 == 0 ? even : odd }
            set { if window & 1 == 0 { even = newValue } else { odd = newValue } }
        }
    }

    /// Target slots by the endpoint's digest (`targetDigest`), confirmed against `targets`.
    private var index = DigestIndex()
    private var targets: [Target] = []
    private var freeSlots: [Int32] = []
    /// Per slot and bucket parity: HyperLogLog registers, exact source hashes, heavy hitters.
    private var registers: [UInt8] = []
    private var exact: [UInt64] = []
    private var hitterAddress: [IPAddress] = []
    private var hitterCount: [Int32] = []
    /// Space-Saving's overestimate of each counter (the count it inherited when it took the slot).
    private var hitterError: [Int32] = []
    /// Slots with attempts in the window of each parity.
    private var touched: ([Int32], [Int32]) = ([], [])
    /// Slots with an alert on.
    private var alerting: [Int32] = []
    /// Start of window 0; nil before the first attempt.
    private var origin: Nanoseconds? = nil
    /// The oldest window not yet judged.
    private var pending: Int64 = 0 {
        didSet { nextJudgement = .min }
    }
    /// `judgement(pending)` once known; `.min` makes `advance` look again.
    private var nextJudgement: Nanoseconds = .min
    /// Per slot, a ring of `slices` young-attempt slices: (global slice number, attempts,
    /// resolved). An attempt is young until the grace period has passed since its SYN.
    static let slices = 12
    private var sliceKey: [Int64] = []
    private var sliceAttempts: [Int32] = []
    private var sliceResolved: [Int32] = []
    /// When young slices next need folding; .max when none is young.
    private var nextAgeCheck: Nanoseconds = .max
    /// Records raised since the last `takeAlerts()`.
    public private(set) var alerts: [SynFloodAlert] = []
    /// Attempts not counted because `maxTargets` endpoints were already followed.
    public private(set) var untrackedAttempts = 0

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

    private func windowIndex(_ t: Nanoseconds) -> Int64 {
        guard let origin, t > origin else { return 0 }
        return (t &- origin) / configuration.window
    }

    private func windowStart(_ k: Int64) -> Nanoseconds {
        (origin ?? 0) &+ k &* configuration.window
    }

    /// When window `k` is judged.
    private func judgement(_ k: Int64) -> Nanoseconds {
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

    // MARK: - Judging by age

    /// Slices are an eighth of the grace period, numbered within their window so that none
    /// straddles two.
    private var sliceWidth: Nanoseconds { Swift.max(1, configuration.grace / 8) }
    private var slicesPerWindow: Int64 { (configuration.window + sliceWidth - 1) / sliceWidth }

    private func sliceNumber(_ t: Nanoseconds, window k: Int64) -> Int64 {
        let within = Swift.max(0, t &- windowStart(k)) / sliceWidth
        return k &* slicesPerWindow &+ Swift.min(within, slicesPerWindow &- 1)
    }

    /// When every attempt of slice `n` is older than the grace period.
    private func sliceAged(_ n: Int64) -> Nanoseconds {
        let k = n / slicesPerWindow
        let end = Swift.min(windowStart(k) &+ (n % slicesPerWindow &+ 1) &* sliceWidth, windowStart(k &+ 1))
        return end &+ configuration.grace
    }

    /// Folds the slices whose attempts all passed the grace period into their windows'
    /// aged half-open counts, and starts an alert at once where one reaches the threshold.
    private mutating func ageSlices(to now: Nanoseconds) {
        var next: Nanoseconds = .max
        for slot in touched.0 + touched.1 {
            let base = Int(slot) * SynFloodDetector.slices
            for i in base..<(base + SynFloodDetector.slices) where sliceAttempts[i] > 0 {
                let aged = sliceAged(sliceKey[i])
                if aged <= now { fold(slot: slot, i) } else { next = Swift.min(next, aged) }
            }
            for k in [pending, pending &+ 1] { earlyStart(slot, k, at: now) }
        }
        nextAgeCheck = next
    }

    private mutating func fold(slot: Int32, _ i: Int) {
        let k = sliceKey[i] / slicesPerWindow
        if k >= pending && targets[Int(slot)][k].window == k {
            targets[Int(slot)][k].agedHalfOpen += Int(sliceAttempts[i] - sliceResolved[i])
        }
        sliceAttempts[i] = 0
        sliceResolved[i] = 0
    }

    /// The start record of window `k` before the window ends, once its attempts older than
    /// the grace period and still half-open reach the threshold.
    private mutating func earlyStart(_ slot: Int32, _ k: Int64, at now: Nanoseconds) {
        var t = targets[Int(slot)]
        let b = t[k]
        guard b.window == k, !t.alerting, b.agedHalfOpen >= configuration.threshold else { return }
        t.alerting = true
        t.since = windowStart(k)
        t.peak = b.agedHalfOpen
        t.announced = k
        targets[Int(slot)] = t
        alerts.append(SynFloodAlert(
            kind: .start, time: now, target: t.endpoint, windowStart: windowStart(k), window: configuration.window,
            threshold: configuration.threshold, attempts: b.attempts, halfOpen: b.agedHalfOpen, answered: b.answered,
            distinctSources: distinct(slot, k), topSources: topSources(slot, k), since: t.since, peakHalfOpen: t.peak,
            endOfInput: false))
        if !alerting.contains(slot) { alerting.append(slot) }
    }

    /// Counts a young attempt (or its resolution) in its slice; false when the slice is gone
    /// (already aged).
    private mutating func sliceCount(_ slot: Int32, _ synTime: Nanoseconds, window k: Int64, attempt: Bool) -> Bool {
        let n = sliceNumber(synTime, window: k)
        let i = Int(slot) * SynFloodDetector.slices + Int(n % Int64(SynFloodDetector.slices))
        if attempt {
            if sliceKey[i] != n {
                if sliceAttempts[i] > 0 { fold(slot: slot, i) }
                sliceKey[i] = n
            }
            sliceAttempts[i] += 1
            let aged = sliceAged(n)
            if aged < nextAgeCheck { nextAgeCheck = aged }
            return true
        }
        guard sliceKey[i] == n, sliceAttempts[i] > sliceResolved[i] else { return false }
        sliceResolved[i] += 1
        return true
    }

    private mutating func advanceWindows(to now: Nanoseconds) {
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

    private mutating func judge(_ k: Int64, at now: Nanoseconds, incomplete: Bool) {
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

    private mutating func update(_ target: Endpoint, _ synTime: Nanoseconds, _ body: (inout Bucket) -> Void) {
        guard configuration.isEnabled, origin != nil, let slot = find(target) else { return }
        let k = Swift.max(windowIndex(synTime), 0)
        guard k >= pending, targets[Int(slot)][k].window == k else { return }
        body(&targets[Int(slot)][k])
    }

    // MARK: - Slots

    private mutating func slot(for target: Endpoint, create: Bool) -> Int32? {
        if let s = find(target) { return s }
        guard create, index.count < configuration.maxTargets else { return nil }
        let slot: Int32
        if let reused = freeSlots.popLast() {
            slot = reused
            targets[Int(slot)] = Target(endpoint: target)
            for i in (Int(slot) * SynFloodDetector.slices)..<((Int(slot) + 1) * SynFloodDetector.slices) {
                sliceKey[i] = -1
                sliceAttempts[i] = 0
                sliceResolved[i] = 0
            }
        } else {
            slot = Int32(targets.count)
            targets.append(Target(endpoint: target))
            registers.append(contentsOf: repeatElement(0, count: 2 * SynFloodDetector.registers))
            exact.append(contentsOf: repeatElement(0, count: 2 * SynFloodDetector.exactSources))
            hitterAddress.append(contentsOf: repeatElement(IPAddress(ipv4: 0), count: 2 * SynFloodDetector.heavyHitters))
            hitterCount.append(contentsOf: repeatElement(0, count: 2 * SynFloodDetector.heavyHitters))
            hitterError.append(contentsOf: repeatElement(0, count: 2 * SynFloodDetector.heavyHitters))
            sliceKey.append(contentsOf: repeatElement(-1, count: SynFloodDetector.slices))
            sliceAttempts.append(contentsOf: repeatElement(0, count: SynFloodDetector.slices))
            sliceResolved.append(contentsOf: repeatElement(0, count: SynFloodDetector.slices))
        }
        index.insert(targetDigest(target), slot: slot)
        return slot
    }

    private func find(_ target: Endpoint) -> Int32? {
        index.find(targetDigest(target)) { targets[Int($0)].endpoint == target }
    }

    private mutating func release(_ slot: Int32) {
        let target = targets[Int(slot)].endpoint
        guard find(target) == slot else { return }
        index.remove(targetDigest(target), slot: slot)
        freeSlots.append(slot)
    }

    /// Keys `targetDigest`: random per detector, so crafted targets cannot collide in the index.
    private let digestSeed = UInt64.random(in: 0 ... .max)

    @inline(__always)
    private func targetDigest(_ e: Endpoint) -> UInt64 { FlowKey.digest(e, seed: digestSeed) }

    /// HyperLogLog: the top bits pick the register, the rank of the rest goes in it.
    private mutating func addToRegisters(_ h: UInt64, slot: Int32, parity: Int) {
        let bits = UInt64(SynFloodDetector.registerBits)
        let r = (Int(slot) * 2 + parity) * SynFloodDetector.registers + Int(h >> (64 - bits))
        let rank = UInt8((h << bits | (1 << (bits - 1))).leadingZeroBitCount + 1)
        if registers[r] < rank { registers[r] = rank }
    }

    private mutating func clearBucket(_ slot: Int32, _ k: Int64) {
        let parity = Int(k & 1)
        let r = (Int(slot) * 2 + parity) * SynFloodDetector.registers
        for i in r..<(r + SynFloodDetector.registers) { registers[i] = 0 }
    }

    // MARK: - Counting sources

    /// A 64-bit mix of the address (SplitMix64's finaliser): deterministic across runs.
    static func hash(_ a: IPAddress) -> UInt64 {
        var x = a.high &* 0x9E37_79B9_7F4A_7C15 ^ a.low ^ (a.isIPv6 ? 0x5151_5151 : 0)
        x = (x ^ (x >> 30)) &* 0xBF58_476D_1CE4_E5B9
        x = (x ^ (x >> 27)) &* 0x94D0_49BB_1331_11EB
        return x ^ (x >> 31)
    }

    private mutating func countSource(_ source: IPAddress, slot: Int32, window k: Int64, _ b: inout Bucket) {
        let parity = Int(k & 1)
        let h = SynFloodDetector.hash(source)
        // Exact distinct count while small; the HyperLogLog registers are filled (with the
        // exact hashes replayed) only once a window sees more distinct sources than that, so
        // the common target with few sources never clears a kilobyte of registers.
        if b.exactCount <= SynFloodDetector.exactSources {
            let e = (Int(slot) * 2 + parity) * SynFloodDetector.exactSources
            var seen = false
            for i in 0..<Swift.min(b.exactCount, SynFloodDetector.exactSources) where exact[e + i] == h {
                seen = true
                break
            }
            if !seen {
                if b.exactCount < SynFloodDetector.exactSources { exact[e + b.exactCount] = h }
                b.exactCount += 1
                if b.exactCount > SynFloodDetector.exactSources {
                    clearBucket(slot, k)
                    for i in 0..<SynFloodDetector.exactSources { addToRegisters(exact[e + i], slot: slot, parity: parity) }
                    addToRegisters(h, slot: slot, parity: parity)
                }
            }
        } else {
            addToRegisters(h, slot: slot, parity: parity)
        }
        // Space-Saving heavy hitters.
        let base = (Int(slot) * 2 + parity) * SynFloodDetector.heavyHitters
        for i in 0..<b.hitters where hitterAddress[base + i] == source {
            hitterCount[base + i] &+= 1
            return
        }
        if b.hitters < SynFloodDetector.heavyHitters {
            hitterAddress[base + b.hitters] = source
            hitterCount[base + b.hitters] = 1
            hitterError[base + b.hitters] = 0
            b.hitters += 1
            return
        }
        var smallest = base
        for i in base..<(base + SynFloodDetector.heavyHitters) where hitterCount[i] < hitterCount[smallest] { smallest = i }
        hitterAddress[smallest] = source
        hitterError[smallest] = hitterCount[smallest]
        hitterCount[smallest] &+= 1
    }

    private func distinct(_ slot: Int32, _ k: Int64) -> Int {
        let b = targets[Int(slot)][k]
        if b.exactCount <= SynFloodDetector.exactSources { return b.exactCount }
        let m = SynFloodDetector.registers
        let r = (Int(slot) * 2 + Int(k & 1)) * m
        var sum = 0.0
        var zeros = 0
        for i in r..<(r + m) {
            let v = registers[i]
            if v == 0 { zeros += 1 }
            sum += 1.0 / Double(UInt64(1) << UInt64(v))
        }
        let md = Double(m)
        let alpha = 0.7213 / (1.0 + 1.079 / md)
        var estimate = alpha * md * md / sum
        if estimate <= 2.5 * md && zeros > 0 {
            estimate = md * log(md / Double(zeros))
        }
        // An estimate, so it can overshoot; there are never more sources than attempts.
        return Swift.min(b.attempts, Swift.max(SynFloodDetector.exactSources + 1, Int(estimate.rounded())))
    }

    private func topSources(_ slot: Int32, _ k: Int64) -> [SourceCount] {
        let b = targets[Int(slot)][k]
        guard b.window == k else { return [] }
        let base = (Int(slot) * 2 + Int(k & 1)) * SynFloodDetector.heavyHitters
        var list: [SourceCount] = []
        for i in base..<(base + b.hitters) where Int(hitterCount[i]) - Int(hitterError[i]) >= 2 {
            list.append(SourceCount(address: hitterAddress[i], attempts: Int(hitterCount[i]) - Int(hitterError[i]),
                                    exact: hitterError[i] == 0))
        }
        list.sort { $0.attempts != $1.attempts ? $0.attempts > $1.attempts : $0.address < $1.address }
        return Array(list.prefix(SynFloodDetector.reportedSources))
    }
}

/// Natural logarithm without Foundation (the Flows target imports only Wire).
@inline(__always)
private func log(_ x: Double) -> Double {
    // ln(x) = 2 atanh((x-1)/(x+1)), after scaling x into [1, 2) by its exponent.
    guard x > 0, x.isFinite else { return x == 0 ? -.infinity : .nan }
    let e = Double(x.exponent)
    let m = x.significand
    let y = (m - 1) / (m + 1)
    let y2 = y * y
    var term = y
    var sum = 0.0
    var n = 1.0
    for _ in 0..<30 {
        sum += term / n
        term *= y2
        n += 2
    }
    return 2 * sum + e * 0.693_147_180_559_945_3
}

// MARK: - The tracker's side

/// A connection's standing as a SYN flood attempt, taken before a packet is applied.
struct AttemptMark {
    var open: Bool
    var answered: Bool

    init(_ c: borrowing Connection) {
        open = c.isHalfOpen
        answered = c.synAckTime != nil
    }
}

extension Connection {
    /// Half-open: opened by a SYN seen in the capture, and neither completed nor reset nor
    /// closed since (SYN-ACK sent or not).
    public var isHalfOpen: Bool {
        !midstream && synTime != nil && !handshakeCompleted && resetBy == nil && closedAt == nil
    }
}

extension FlowTracker {
    /// True when SYN flood records are waiting.
    @inlinable public var hasAlerts: Bool { !synFlood.alerts.isEmpty }

    /// Returns and clears the SYN flood records raised so far.
    public mutating func takeAlerts() -> [SynFloodAlert] { synFlood.takeAlerts() }

    /// A connection just opened by `s`: a new attempt when `s` is a SYN.
    mutating func floodAttempt(_ c: Connection, _ s: Segment) {
        guard s.isConnectionRequest, configuration.synFlood.isEnabled else { return }
        synFlood.attempt(target: c.server, source: s.source.address, time: s.time)
    }

    /// What a packet did to a connection's attempt: answered with SYN-ACK, completed, reset.
    mutating func floodObserve(_ before: AttemptMark, slot: Int32) {
        guard before.open, let synTime = table[slot].synTime, configuration.synFlood.isEnabled else { return }
        let server = table[slot].server
        if !before.answered && table[slot].synAckTime != nil { synFlood.answered(target: server, synTime: synTime) }
        if !table[slot].isHalfOpen { synFlood.resolved(target: server, synTime: synTime) }
    }

    /// A new SYN replaced the connection on its 4-tuple: an attempt it was is over (the retry
    /// is counted as the attempt instead).
    mutating func floodSuperseded(_ old: Connection) {
        guard old.isHalfOpen, let synTime = old.synTime, configuration.synFlood.isEnabled else { return }
        synFlood.resolved(target: old.server, synTime: synTime)
    }

    /// End of input: attempts younger than the grace period are too young to call half-open;
    /// then the open windows are judged and alerts still on are closed.
    mutating func floodFinish(_ liveSlots: [Int32], at now: Nanoseconds) {
        guard configuration.synFlood.isEnabled else { return }
        let young = now &- configuration.synFlood.grace
        for slot in liveSlots {
            if table[slot].isHalfOpen, let synTime = table[slot].synTime, synTime > young {
                synFlood.resolved(target: table[slot].server, synTime: synTime)
            }
        }
        synFlood.finish(at: now)
    }
}
