import Capture
import Flows
import Render
import Wire

/// The numbers behind `--top`: a tracker fed packet by packet, sampled once a second of capture
/// time (the census numbers of the `states` records), with the last minute of totals, new
/// connections per second and the alerts in force.
struct TopBoard {
    var tracker: FlowTracker
    let decoder: FrameDecoder
    let verifyChecksums: Bool
    private(set) var sampler = StateSampler(interval: TrackerConfiguration.second)
    /// Totals per state (client + server, by TCPState.rawValue), one per sample, at most 60.
    private(set) var history: [[Int]] = []
    private(set) var newPerSecond: [Endpoint: Double] = [:]
    private var openedAtLastSample: [Endpoint: Int] = [:]
    private var lastSampleTime: Nanoseconds? = nil
    /// SYN flood alerts started and not yet ended, by target.
    private var floods: [Endpoint: SynFloodAlert] = [:]
    private var ended: [EndedConnection] = []
    private(set) var packets = 0
    /// Capture time of the latest packet; nil before the first.
    private(set) var lastTime: Nanoseconds? = nil
    var sort: BoardModel.SortKey = .connections

    init(configuration: TrackerConfiguration, decoder: FrameDecoder, verifyChecksums: Bool) {
        var configuration = configuration
        // The board reads states, not timelines or Zeek's model.
        configuration.timelines = false
        configuration.zeekModel = false
        self.tracker = FlowTracker(configuration: configuration)
        self.decoder = decoder
        self.verifyChecksums = verifyChecksums
    }

    mutating func feed(_ record: PacketRecord) {
        packets += 1
        // IP fragments are not reassembled for the board (Session+Fragments does that for the lines).
        guard case .tcp(let view) = decoder.decode(record.bytes, wireLength: record.wireLength), view.hasValidHeaderLength,
              !view.network.isFragment else { return }
        sample(through: record.time)
        lastTime = Swift.max(lastTime ?? record.time, record.time)
        _ = tracker.process(SegmentDecoding.segment(view, record, number: packets, verifyChecksums: verifyChecksums, decoder: decoder))
        if tracker.hasEnded { tracker.takeEnded(into: &ended); ended.removeAll(keepingCapacity: true) }
        if tracker.hasAlerts { noteFloods(tracker.takeAlerts()) }
        if tracker.hasStateAlerts { _ = tracker.takeStateAlerts() }
    }

    /// Samples every second boundary up to `time` (capture time), without a packet: a quiet
    /// capture still moves on (TIME_WAIT ends, connections go idle, stuck ones age).
    mutating func sample(through time: Nanoseconds) {
        sampler.start(at: time)
        guard sampler.isDue(time) else { return }
        for boundary in sampler.take(before: time) {
            tracker.advance(to: boundary)
            if tracker.hasEnded { tracker.takeEnded(into: &ended); ended.removeAll(keepingCapacity: true) }
            if tracker.hasAlerts { noteFloods(tracker.takeAlerts()) }
            if tracker.hasStateAlerts { _ = tracker.takeStateAlerts() }
            record(tracker.stateSnapshot(at: boundary, topServers: Int.max))
        }
    }

    private mutating func record(_ s: StateSnapshot) {
        history.append(TCPState.allCases.map { s.states.total($0) })
        if history.count > 60 { history.removeFirst(history.count - 60) }
        let seconds = lastSampleTime.map { Double(s.time &- $0) / 1e9 } ?? 0
        var rates: [Endpoint: Double] = [:]
        var opened: [Endpoint: Int] = [:]
        for e in s.servers {
            opened[e.server] = e.opened
            if seconds > 0, let before = openedAtLastSample[e.server] { rates[e.server] = Double(Swift.max(0, e.opened - before)) / seconds }
        }
        newPerSecond = rates
        openedAtLastSample = opened
        lastSampleTime = s.time
    }

    private mutating func noteFloods(_ alerts: [SynFloodAlert]) {
        for a in alerts {
            if a.kind == .end { floods[a.target] = nil } else { floods[a.target] = a }
        }
    }

    /// The board now: the same snapshot a `states` record at this moment would carry.
    func model(title: String, footer: String) -> BoardModel {
        let now = lastTime ?? 0
        let snapshot = tracker.stateSnapshot(at: now, topServers: Int.max)
        var alerts: [String] = []
        for a in floods.values.sorted(by: { $0.since < $1.since }) {
            var out = OutputBuffer.memory()
            out.append("syn-flood ")
            ConnectionText.appendEndpoint(a.target, &out)
            out.append(" since ")
            AlertText.appendUTC(a.since, &out)
            out.append(": peak ")
            out.append(decimal: a.peakHalfOpen)
            out.append(" half-open per window (threshold ")
            out.append(decimal: a.threshold)
            out.append(")")
            alerts.append(out.takeString())
        }
        for a in tracker.census.alertsInForce(at: now) {
            var out = OutputBuffer.memory()
            out.append(string: a.kind.textName)
            out.append(" ")
            if a.targetIsAddress { out.append(address: a.target.address) } else { ConnectionText.appendEndpoint(a.target, &out) }
            out.append(": ")
            out.append(decimal: a.count)
            out.append(" in ")
            out.append(a.kind.state.name)
            if a.kind.isStuck {
                out.append(" longer than ")
                out.append(decimal: Int(a.stuckAfter / 1_000_000_000))
                out.append(" s")
                if let oldest = a.oldestSince {
                    out.append(", oldest since ")
                    AlertText.appendUTC(oldest, &out)
                }
            }
            out.append("; since ")
            AlertText.appendUTC(a.since, &out)
            out.append(", peak ")
            out.append(decimal: a.peak)
            alerts.append(out.takeString())
        }
        return BoardModel(title: title, snapshot: snapshot, history: history, newPerSecond: newPerSecond,
                          alerts: alerts, sort: sort, footer: footer)
    }

    /// Capture time as text for the title.
    func clock() -> String {
        guard let t = lastTime else { return "no packet yet" }
        var out = OutputBuffer.memory()
        AlertText.appendUTC(t, &out)
        return out.takeString()
    }
}
