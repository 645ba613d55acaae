import Wire

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
