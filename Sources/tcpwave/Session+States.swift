import Flows
import Render
import Wire

/// `states` records (`--state-interval`) and the stuck-state and pile-up alert lines.
extension Session {
    /// Servers listed in each `states` record.
    static let statesTopServers = 10

    /// Writes a `states` record for every interval boundary a packet at `time` passes, and
    /// samples the HTML report's chart at its boundaries, in time order: both read the
    /// tracker's census at the same instants.
    mutating func sampleStates(before time: Nanoseconds) {
        if var sampler = stateSampler {
            sampler.start(at: time)
            if sampler.isDue(time) {
                for boundary in sampler.take(before: time) {
                    if chartsStates { ladders?.stateSeries?.sample(upTo: boundary, &tracker) }
                    tracker.advance(to: boundary)
                    writeStates(tracker.stateSnapshot(at: boundary, topServers: Session.statesTopServers), final: false)
                }
            }
            stateSampler = sampler
        }
        if chartsStates && ladders?.stateSeries?.isDue(time) == true { ladders?.stateSeries?.sample(upTo: time, &tracker) }
    }

    /// How far behind the wall clock a quiet live capture's clock is moved: packets captured
    /// but not yet delivered (libpcap's buffer timeout is under a second) are not overtaken.
    static let quietClockLag: Nanoseconds = 2 * TrackerConfiguration.second

    /// A live capture's clock moved on to `time` while no packet came: the `states` records
    /// and chart samples due by then are taken, what is due expires, and the stuck-state and
    /// pile-up alerts are judged and printed, so an endpoint stuck after its last packet is
    /// reported as the clock passes `--stuck-after`, not at the next packet.
    mutating func clockMoved(to time: Nanoseconds) {
        guard counts.tcp > 0, time > tracker.now else { return }
        if stateSampler != nil || chartsStates { sampleStates(before: time) }
        tracker.advance(to: time)
        afterTCP()
    }

    /// The last `states` record and chart sample: the counts when the input ended, before the
    /// connections still open are reported.
    mutating func writeFinalStates() {
        if chartsStates { ladders?.stateSeries?.finish(tracker) }
        guard let sampler = stateSampler, sampler.next != nil else { return }
        // Not before a record a quiet live capture wrote after the last packet (clockMoved).
        let time = Swift.max(tracker.now, sampler.next.map { $0 &- sampler.interval } ?? tracker.now)
        writeStates(tracker.stateSnapshot(at: time, topServers: Session.statesTopServers), final: true)
    }

    private mutating func writeStates(_ snapshot: StateSnapshot, final: Bool) {
        guard settings.format == .json, let interval = stateSampler?.interval else { return }
        JSONLines.writeStates(snapshot, interval: interval, final: final, fractionDigits: fractionDigits, into: &out)
        if let sensorEnding { JSONLines.tagRecord(sensorEnding, &out) }
        out.endLine()
    }

    static func writeStateAlerts(_ alerts: [StateAlert], settings: RunSettings, fractionDigits: Int, to out: inout OutputBuffer) {
        let ports = settings.tracker.stateAlerts.ephemeralPorts
        for a in alerts {
            if settings.format == .json {
                JSONLines.writeStateAlert(a, ephemeralPorts: ports, fractionDigits: fractionDigits, into: &out)
                if let sensor = settings.sensor { JSONLines.tagRecord(JSONLines.sensorEnding(sensor), &out) }
            } else {
                StateAlertText.write(a, ephemeralPorts: ports, into: &out)
            }
        }
    }
}
