import Flows
import PcapCraft
import Testing
import Wire

/// The state counts behind the HTML report's chart (and meant for `--state-interval` and
/// `--top`): every sample equals a recount from the per-packet records, TIME_WAIT stops
/// counting 2×MSL after it began, idle-expired connections stop counting, and the doubling
/// interval keeps the samples on one grid.
struct StateCountSamplerTests {
    /// One capture through the tracker and the sampler, keeping what a recount needs.
    struct Run {
        var events: [(time: Nanoseconds, event: PacketEvent)] = []
        /// Connections reported ended after the packet at `time`.
        var ended: [(time: Nanoseconds, ended: EndedConnection)] = []
        var sampler: StateCountSampler

        init(_ capture: CraftedCapture, interval: Nanoseconds, maxSamples: Int? = nil, configuration: TrackerConfiguration) {
            sampler = StateCountSampler(interval: interval, maxSamples: maxSamples, msl: configuration.msl)
            var tracker = FlowTracker(configuration: configuration)
            let decoder = try! FrameDecoder(linkType: LinkType(rawValue: Int32(capture.linkType)))
            var last: Nanoseconds = 0
            for (index, record) in capture.records.enumerated() {
                let time = Nanoseconds(record.seconds) * 1_000_000_000 + Nanoseconds(record.nanos)
                record.frame.withUnsafeBytes { bytes in
                    guard case .tcp(let view) = decoder.decode(bytes, wireLength: bytes.count) else { return }
                    let segment = Segment(view, options: TCPOptionSummary(bytes, tcp: view.tcp), time: time, packetNumber: index + 1)
                    let event = tracker.process(segment)
                    sampler.record(event, at: time)
                    events.append((time, event))
                    last = time
                }
                let list = tracker.takeEnded()
                sampler.ended(list)
                ended += list.map { (time, $0) }
            }
            tracker.finish()
            sampler.ended(tracker.takeEnded())
            sampler.finish(at: last)
        }

        /// Endpoints per state at `t`, counted again from the records.
        func recount(at t: Nanoseconds, msl: Nanoseconds) -> [Int] {
            var states: [Int: (client: TCPState, server: TCPState, clientTW: Nanoseconds, serverTW: Nanoseconds)] = [:]
            for (time, e) in events where time <= t {
                var s = states[e.flow] ?? (.closed, .closed, 0, 0)
                if e.client.after == .timeWait && s.client != .timeWait { s.clientTW = time }
                if e.server.after == .timeWait && s.server != .timeWait { s.serverTW = time }
                s.client = e.client.after
                s.server = e.server.after
                states[e.flow] = s
            }
            for (time, x) in ended where time <= t && [.idle, .evicted, .superseded].contains(x.reason) {
                states[x.connection.number] = nil
            }
            var counts = [Int](repeating: 0, count: StateCountSampler.states.count)
            for (_, s) in states {
                for (state, since) in [(s.client, s.clientTW), (s.server, s.serverTW)] {
                    if state == .timeWait && since &+ 2 &* msl <= t { continue }
                    if let i = StateCountSampler.index(state) { counts[i] += 1 }
                }
            }
            return counts
        }
    }

    @Test("every sample equals a recount from the per-packet records", arguments: Scenarios.all().map(\.name))
    func samplesMatchRecords(_ name: String) throws {
        let capture = try #require(Scenarios.all().first { $0.name == name })
        // A short MSL so that TIME_WAIT runs out inside the captures.
        let configuration = TrackerConfiguration(msl: 5_000_000)
        let run = Run(capture, interval: 1_000_000, configuration: configuration)
        #expect(!run.sampler.samples.isEmpty)
        for sample in run.sampler.samples {
            #expect(sample.counts == run.recount(at: sample.time, msl: configuration.msl), "\(name) at \(sample.time)")
        }
    }

    @Test("the interval doubles to keep at most maxSamples, on one grid, still equal to the recount")
    func doubling() throws {
        let capture = try #require(Scenarios.all().first { $0.name == "busy-server" })
        let configuration = TrackerConfiguration()
        let run = Run(capture, interval: 1_000, maxSamples: 32, configuration: configuration)
        let samples = run.sampler.samples
        #expect(samples.count <= 33)
        #expect(run.sampler.interval > 1_000)
        for pair in zip(samples.dropLast(), samples.dropFirst()).dropLast() {
            #expect(pair.1.time - pair.0.time == run.sampler.interval)
        }
        for sample in samples {
            #expect(sample.counts == run.recount(at: sample.time, msl: configuration.msl))
        }
        // 120 connections closed by the client: all in TIME_WAIT at the end (MSL 60 s).
        #expect(samples.last?.count(.timeWait) == 120)
    }
}
