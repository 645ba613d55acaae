/// The census totals over a whole capture, in bounded memory: the numbers behind the HTML
/// report's state chart. They are read from the same `StateCensus` as the `states` records and
/// the `--top` board, at the same kind of instant (`StateSampler`'s): a sample at boundary T
/// holds the counts after every packet stamped before T, with what was due by T expired.
/// The last sample (`finish`) holds the counts after the last packet, as the final `states`
/// record does.
///
/// Boundaries are the multiples of `interval` since the epoch (capture time), so they fall on
/// `states` records' boundaries whenever the two intervals are multiples of each other. When
/// the samples would exceed `maxSamples`, the interval doubles and the samples off the doubled
/// grid are dropped: the memory stays bounded whatever the capture's length.
public struct StateSeries: Sendable {
    public struct Sample: Sendable, Equatable {
        public var time: Nanoseconds
        /// Connections followed with at least one endpoint not CLOSED.
        public var connections: Int
        public var states: StateCounts

        public init(time: Nanoseconds, connections: Int, states: StateCounts) {
            self.time = time
            self.connections = connections
            self.states = states
        }

        /// Endpoints of either role in `state` (not meaningful for CLOSED, which the census
        /// counts only as a difference).
        public func count(_ state: TCPState) -> Int { states.total(state) }
    }

    public private(set) var interval: Nanoseconds
    public let maxSamples: Int
    public private(set) var samples: [Sample] = []
    /// The next boundary to sample; nil before the first packet.
    public private(set) var next: Nanoseconds?
    /// The last sample is the end of the input's (`finish`).
    public private(set) var finished = false

    /// - Parameters:
    ///   - interval: capture time between samples to start with (at least 1 µs).
    ///   - maxSamples: the interval doubles rather than let the samples exceed it (at least 16).
    public init(interval: Nanoseconds = 1_000_000, maxSamples: Int = 480) {
        self.interval = Swift.max(1_000, interval)
        self.maxSamples = Swift.max(16, maxSamples)
    }

    /// Whether a packet at `time` passes a boundary (one comparison per packet).
    @inline(__always)
    public func isDue(_ time: Nanoseconds) -> Bool {
        guard let next else { return true }
        return time >= next
    }

    /// Samples every boundary at or before `time` from `tracker`, before a packet at `time` is
    /// tracked. The tracker's clock moves to each boundary (what is due expires, as it would
    /// before any later packet) without judging alerts, so sampling changes no other output.
    public mutating func sample(upTo time: Nanoseconds, _ tracker: inout FlowTracker) {
        guard var n = next else {
            next = (floorDiv(time, interval) &+ 1) &* interval
            return
        }
        while time >= n {
            tracker.expire(through: n)
            append(Sample(time: n, connections: tracker.census.connections, states: tracker.census.totals))
            n = next!
        }
    }

    /// The last sample: the counts after the last packet (before the tracker's `finish`), at
    /// its time, or at the last sample's if a quiet live capture's clock went past it.
    public mutating func finish(_ tracker: FlowTracker) {
        guard next != nil, !finished else { return }
        let t = Swift.max(tracker.now, samples.last?.time ?? tracker.now)
        if samples.last?.time == t { samples.removeLast() }
        samples.append(Sample(time: t, connections: tracker.census.connections, states: tracker.census.totals))
        finished = true
    }

    private mutating func append(_ sample: Sample) {
        samples.append(sample)
        next = sample.time &+ interval
        guard samples.count > maxSamples else { return }
        interval = interval &* 2
        samples.removeAll { $0.time % interval != 0 }
        next = (floorDiv(sample.time, interval) &+ 1) &* interval
    }
}
