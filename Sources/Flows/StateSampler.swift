/// When state counts are sampled: at every multiple of `interval` since the epoch (capture
/// time), so samples of several sensors line up. A sample at boundary T covers the packets
/// before T. After a quiet stretch of more than `maxCatchUp` intervals, only the last
/// boundary before the next packet is sampled (a jump in capture time must not emit millions).
public struct StateSampler: Sendable {
    public let interval: Nanoseconds
    /// The next boundary to sample; nil before the first packet.
    public private(set) var next: Nanoseconds?
    public static let maxCatchUp = 100

    public init(interval: Nanoseconds) {
        self.interval = Swift.max(1_000_000, interval)
    }

    /// The boundary after `time`.
    public func boundary(after time: Nanoseconds) -> Nanoseconds {
        (floorDiv(time, interval) &+ 1) &* interval
    }

    /// Whether a packet at `time` passes a boundary (one comparison per packet).
    @inline(__always)
    public func isDue(_ time: Nanoseconds) -> Bool {
        guard let next else { return false }
        return time >= next
    }

    /// Notes the first packet's time (no sample before it).
    public mutating func start(at time: Nanoseconds) {
        if next == nil { next = boundary(after: time) }
    }

    /// The boundaries a packet at `time` passes, oldest first, and the next one after them.
    public mutating func take(before time: Nanoseconds) -> [Nanoseconds] {
        guard var n = next, time >= n else { return [] }
        var due: [Nanoseconds] = []
        let passed = floorDiv(time &- n, interval) &+ 1
        if passed > Int64(StateSampler.maxCatchUp) {
            n = n &+ (passed &- 1) &* interval
        }
        while time >= n {
            due.append(n)
            n = n &+ interval
        }
        next = n
        return due
    }
}
