import Flows
import Render

/// The track stage: follows the connections segment by segment, and turns what the tracker
/// reports into the event stream's connection, record, alert and state events, handed to the
/// render stage (Outputs) in capture order.
struct TrackStage: ~Copyable {
    private(set) var tracker: FlowTracker
    /// `--shard`: the connections this run tracks and prints.
    let shard: FlowShard?
    /// `--state-interval`: when `states` events are due.
    private var stateSampler: StateSampler?
    /// Machine records of closed connections, held for `recordDelay` (FIFO from `heldHead`);
    /// only when records are written.
    private let holdsRecords: Bool
    private var heldRecords: [EndedConnection] = []
    private var heldHead = 0
    /// The connections that ended since the last packet, swapped out of the tracker.
    private var endedBatch: [EndedConnection] = []
    /// Connections still half-open when the input ended.
    private(set) var halfOpenAtEnd = 0
    /// Alerts reported so far (for SIGUSR1's report).
    private(set) var alertCount = 0
    /// Checksums verified for the Zeek columns, for the warning at the end.
    private(set) var checksums = ChecksumTally()
    /// `finish` is draining the tracker.
    private var finishing = false

    /// Servers listed in each `states` event.
    static let statesTopServers = 10

    /// How long a closed connection's machine record waits, in capture time, for packets that
    /// still belong to it (the last ACK, a retransmitted FIN, the rest of a connection whose SYN
    /// an injected RST "refused"), which Zeek counts: it logs a connection 5 s after the close
    /// (`ZeekConnection.removalTime`). The tracker must keep a closed connection whole that long.
    static let recordDelay: Nanoseconds = 6 * TrackerConfiguration.second

    init(settings: RunSettings, holdsRecords: Bool) {
        tracker = FlowTracker(configuration: settings.tracker)
        shard = settings.shard
        stateSampler = settings.stateInterval.map { StateSampler(interval: $0) }
        self.holdsRecords = holdsRecords
    }

    /// Tracks a segment: first what its time makes due (held records, `states` events), then
    /// the tracker, then the packet's `tracked` event.
    mutating func track(_ segment: borrowing Segment, _ outputs: inout Outputs) -> PacketEvent {
        // Before the tracker expires anything, so a held record still finds its connection.
        if heldHead < heldRecords.count { writeHeldRecords(now: segment.time, outputs: &outputs) }
        checksums.count(segment.checksum)
        if stateSampler != nil || outputs.chartsStates { sampleStates(before: segment.time, &outputs) }
        let event = tracker.process(segment)
        outputs.tracked(segment, event)
        return event
    }

    /// The capture's clock reached `time` on a segment not tracked here (another shard's):
    /// held records and timeouts due by then are done, as before tracking a segment.
    mutating func advanceClock(_ time: Nanoseconds, _ outputs: inout Outputs) {
        if heldHead < heldRecords.count { writeHeldRecords(now: time, outputs: &outputs) }
        tracker.skipSegment(at: time)
    }

    /// A TCP packet whose header cannot be tracked: only held records move on.
    mutating func untrackedTCP(at time: Nanoseconds, _ outputs: inout Outputs) {
        if heldHead < heldRecords.count { writeHeldRecords(now: time, outputs: &outputs) }
    }

    /// After a TCP packet's own output: the connections it ended, the alerts it raised.
    @inline(__always)
    mutating func afterPacket(_ outputs: inout Outputs) {
        if tracker.hasEnded { reportEnded(&outputs) }
        if tracker.hasAlerts || tracker.hasStateAlerts { reportAlerts(&outputs) }
    }

    private mutating func reportAlerts(_ outputs: inout Outputs) {
        let alerts = tracker.takeAlerts()
        let stateAlerts = tracker.takeStateAlerts()
        alertCount += alerts.count + stateAlerts.count
        outputs.alerts(alerts, stateAlerts)
    }

    private mutating func reportEnded(_ outputs: inout Outputs) {
        var ended: [EndedConnection] = []
        swap(&ended, &endedBatch)
        tracker.takeEnded(into: &ended)
        for i in ended.indices where ended[i].reason == .endOfInput && ended[i].connection.isHalfOpen { halfOpenAtEnd += 1 }
        outputs.ended(ended)
        if holdsRecords {
            for e in ended {
                // At the end of input nothing more can come for a closed connection.
                if e.reason == .closed && !finishing { heldRecords.append(e) } else { outputs.record(e) }
            }
            outputs.out.endLine()
        }
        ended.removeAll(keepingCapacity: true)
        swap(&ended, &endedBatch)
    }

    /// Writes the held records that are due at `now` (all when nil), each with the latest state
    /// of its connection while the tracker still holds it.
    private mutating func writeHeldRecords(now: Nanoseconds?, outputs: inout Outputs) {
        while heldHead < heldRecords.count {
            var e = heldRecords[heldHead]
            if let now, now < e.time &+ TrackStage.recordDelay { break }
            if let live = tracker.connection(between: e.connection.client, and: e.connection.server),
               live.number == e.connection.number {
                e.connection = live
            }
            outputs.record(e)
            heldHead += 1
        }
        if heldHead == heldRecords.count {
            heldRecords.removeAll(keepingCapacity: true)
            heldHead = 0
        } else if heldHead >= 4096 {
            heldRecords.removeFirst(heldHead)
            heldHead = 0
        }
        outputs.out.endLine()
    }

    /// A `states` event for every interval boundary a packet at `time` passes, and the HTML
    /// report's chart samples at its boundaries, in time order: both read the tracker's census
    /// at the same instants.
    private mutating func sampleStates(before time: Nanoseconds, _ outputs: inout Outputs) {
        if var sampler = stateSampler {
            sampler.start(at: time)
            if sampler.isDue(time) {
                for boundary in sampler.take(before: time) {
                    if outputs.chartsStates { outputs.sampleChart(upTo: boundary, &tracker) }
                    tracker.advance(to: boundary)
                    outputs.states(tracker.stateSnapshot(at: boundary, topServers: TrackStage.statesTopServers), final: false)
                }
            }
            stateSampler = sampler
        }
        if outputs.chartsStates && outputs.chartIsDue(time) { outputs.sampleChart(upTo: time, &tracker) }
    }

    /// A live capture's clock moved on to `time` while no packet came: the `states` events and
    /// chart samples due by then are taken, what is due expires, and the stuck-state and pile-up
    /// alerts are judged and reported, so an endpoint stuck after its last packet is reported as
    /// the clock passes `--stuck-after`, not at the next packet.
    mutating func clockMoved(to time: Nanoseconds, _ outputs: inout Outputs) {
        guard time > tracker.now else { return }
        if stateSampler != nil || outputs.chartsStates { sampleStates(before: time, &outputs) }
        tracker.advance(to: time)
        afterPacket(&outputs)
    }

    /// The input ended: held records, the last `states` event and chart sample (the counts before the
    /// connections still open are reported), then every connection left, then the last alerts.
    mutating func finish(_ outputs: inout Outputs) {
        writeHeldRecords(now: nil, outputs: &outputs)
        if outputs.chartsStates { outputs.finishChart(tracker) }
        if let sampler = stateSampler, sampler.next != nil {
            // Not before a record a quiet live capture wrote after the last packet (clockMoved).
            let time = Swift.max(tracker.now, sampler.next.map { $0 &- sampler.interval } ?? tracker.now)
            outputs.states(tracker.stateSnapshot(at: time, topServers: TrackStage.statesTopServers), final: true)
        }
        finishing = true
        // In batches, so the connections left at the end are never all held twice.
        while tracker.finish(batch: 1024) { reportEnded(&outputs) }
        reportAlerts(&outputs)
        reportEnded(&outputs)
    }
}
