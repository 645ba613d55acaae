import Flows
import PcapCraft
import Testing
import Wire

/// The chart's state counts (StateSeries) are the census's, read at the same instants as the
/// `states` records (StateSampler and `advance(to:)`): equal at every common boundary, on one
/// grid however often the interval doubles, and taking them changes nothing else the tracker
/// reports.
struct StateSeriesTests {
    /// One capture through a tracker sampled by a series, and through another sampled as the
    /// `states` records are; what each tracker reported, to compare.
    struct Run {
        var series: StateSeries
        /// Census totals at each `states` boundary of the second tracker, and its final ones.
        var records: [Nanoseconds: (Int, StateCounts)] = [:]
        var ended: [[Int]] = [[], []]

        init(_ capture: CraftedCapture, series: StateSeries, recordInterval: Nanoseconds, configuration: TrackerConfiguration) {
            self.series = series
            var charted = FlowTracker(configuration: configuration)
            var recorded = FlowTracker(configuration: configuration)
            var sampler = StateSampler(interval: recordInterval)
            let decoder = try! FrameDecoder(linkType: LinkType(rawValue: Int32(capture.linkType)))
            for (index, record) in capture.records.enumerated() {
                let time = Nanoseconds(record.seconds) * 1_000_000_000 + Nanoseconds(record.nanos)
                record.frame.withUnsafeBytes { bytes in
                    guard case .tcp(let view) = decoder.decode(bytes, wireLength: bytes.count) else { return }
                    let segment = Segment(view, options: TCPOptionSummary(bytes, tcp: view.tcp), time: time, packetNumber: index + 1)
                    self.series.sample(upTo: time, &charted)
                    _ = charted.process(segment)
                    sampler.start(at: time)
                    for boundary in sampler.take(before: time) {
                        recorded.advance(to: boundary)
                        let s = recorded.stateSnapshot(at: boundary, topServers: 0)
                        records[boundary] = (s.connections, s.states)
                    }
                    _ = recorded.process(segment)
                }
                ended[0] += charted.takeEnded().map(\.connection.number)
                ended[1] += recorded.takeEnded().map(\.connection.number)
            }
            self.series.finish(charted)
            let last = recorded.stateSnapshot(topServers: 0)
            records[.max] = (last.connections, last.states)
            charted.finish()
            recorded.finish()
            ended[0] += charted.takeEnded().map(\.connection.number)
            ended[1] += recorded.takeEnded().map(\.connection.number)
        }
    }

    @Test("every chart sample equals the states record at its time, and sampling changes no ending",
          arguments: Scenarios.all().map(\.name))
    func samplesEqualRecords(_ name: String) throws {
        let capture = try #require(Scenarios.all().first { $0.name == name })
        // A short MSL so that TIME_WAIT runs out inside the captures.
        let configuration = TrackerConfiguration(msl: 5_000_000)
        let run = Run(capture, series: StateSeries(interval: 1_000_000), recordInterval: 1_000_000, configuration: configuration)
        #expect(!run.series.samples.isEmpty)
        #expect(run.series.finished)
        var compared = 0
        for (i, sample) in run.series.samples.enumerated() {
            let key = i == run.series.samples.count - 1 ? Nanoseconds.max : sample.time
            guard let (connections, states) = run.records[key] else { continue }
            #expect(sample.connections == connections, "\(name) at \(sample.time)")
            #expect(sample.states == states, "\(name) at \(sample.time)")
            compared += 1
        }
        #expect(compared >= 1)
        #expect(run.ended[0] == run.ended[1], "\(name): the connections ended in another order")
    }

    @Test("the interval doubles to keep at most maxSamples, on one grid of the epoch, still equal to the records")
    func doubling() throws {
        let capture = try #require(Scenarios.all().first { $0.name == "busy-server" })
        let configuration = TrackerConfiguration()
        let run = Run(capture, series: StateSeries(interval: 1_000, maxSamples: 32), recordInterval: 1_000_000, configuration: configuration)
        let samples = run.series.samples
        #expect(samples.count <= 33)
        #expect(run.series.interval > 1_000)
        for pair in zip(samples.dropLast(), samples.dropFirst()).dropLast() {
            #expect(pair.1.time - pair.0.time == run.series.interval)
        }
        for sample in samples.dropLast() {
            #expect(sample.time % run.series.interval == 0)
            if let (connections, states) = run.records[sample.time] {
                #expect(sample.connections == connections && sample.states == states)
            }
        }
        // 120 connections closed by the client: all in TIME_WAIT at the end (MSL 60 s).
        #expect(samples.last?.states[.client, .timeWait] == 120)
    }
}
