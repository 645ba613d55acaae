import Wire

/// Judging by age: a start record as soon as attempts older than the grace period reach the
/// threshold, before their window is over.
extension SynFloodDetector {
    /// Slices are an eighth of the grace period, numbered within their window so that none
    /// straddles two.
    var sliceWidth: Nanoseconds { Swift.max(1, configuration.grace / 8) }
    var slicesPerWindow: Int64 { (configuration.window + sliceWidth - 1) / sliceWidth }

    func sliceNumber(_ t: Nanoseconds, window k: Int64) -> Int64 {
        let within = Swift.max(0, t &- windowStart(k)) / sliceWidth
        return k &* slicesPerWindow &+ Swift.min(within, slicesPerWindow &- 1)
    }

    /// When every attempt of slice `n` is older than the grace period.
    func sliceAged(_ n: Int64) -> Nanoseconds {
        let k = n / slicesPerWindow
        let end = Swift.min(windowStart(k) &+ (n % slicesPerWindow &+ 1) &* sliceWidth, windowStart(k &+ 1))
        return end &+ configuration.grace
    }

    /// Folds the slices whose attempts all passed the grace period into their windows'
    /// aged half-open counts, and starts an alert at once where one reaches the threshold.
    mutating func ageSlices(to now: Nanoseconds) {
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

    mutating func fold(slot: Int32, _ i: Int) {
        let k = sliceKey[i] / slicesPerWindow
        if k >= pending && targets[Int(slot)][k].window == k {
            targets[Int(slot)][k].agedHalfOpen += Int(sliceAttempts[i] - sliceResolved[i])
        }
        sliceAttempts[i] = 0
        sliceResolved[i] = 0
    }

    /// The start record of window `k` before the window ends, once its attempts older than
    /// the grace period and still half-open reach the threshold.
    mutating func earlyStart(_ slot: Int32, _ k: Int64, at now: Nanoseconds) {
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
    mutating func sliceCount(_ slot: Int32, _ synTime: Nanoseconds, window k: Int64, attempt: Bool) -> Bool {
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
}
