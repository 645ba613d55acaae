import Flows
import PcapCraft
import Testing
import Wire

/// Runs a crafted capture through the tracker and collects the SYN flood records.
private func alerts(_ capture: CraftedCapture, _ configuration: TrackerConfiguration = TrackerConfiguration()) -> [SynFloodAlert] {
    var run = ScenarioRun(capture, configuration: configuration)
    return run.tracker.takeAlerts()
}

@Test("a SYN flood raises one alert per window while it lasts and a closing record when it subsides")
func synFloodAlerts() throws {
    let records = alerts(Scenarios.synFlood())
    #expect(records.map(\.kind) == [.start, .ongoing, .end])
    let start = try #require(records.first)
    #expect(start.target == Endpoint(address: IPAddress("10.9.0.1")!, port: 80))
    #expect(start.threshold == 100)
    #expect(start.window == 5 * TrackerConfiguration.second)
    // The start goes out before the window ends, once 100 attempts older than the grace
    // period (1 s) are still half-open: 101 of the 128 begun by then.
    #expect(start.time < start.windowStart + start.window)
    #expect(start.attempts == 128)
    #expect(start.halfOpen == 101)
    #expect(start.halfOpen >= start.threshold)
    // A third of the spoofed SYNs were answered, and the genuine one.
    #expect(start.answered > 30 && start.answered < 50)
    // The distinct addresses so far; the estimate is within a few percent.
    #expect(abs(start.distinctSources - 110) <= 7)
    #expect(start.topSources.first == SourceCount(address: IPAddress("198.51.100.7")!, attempts: 20, exact: true))
    #expect(records[1].since == start.windowStart)
    #expect(records[1].halfOpen >= 100)
    #expect(records[2].halfOpen < 100 && !records[2].endOfInput)
    // The whole first window, judged when it was over, is the peak: 146 of its 147 attempts.
    #expect(records[2].peakHalfOpen == 146)
}

@Test("a busy healthy server with many complete handshakes raises no alert")
func busyServerNoAlert() {
    let capture = Scenarios.busyServer()
    #expect(alerts(capture).isEmpty)
    // Even with a threshold the 120 attempts would cross if they were half-open.
    var configuration = TrackerConfiguration()
    configuration.synFlood = SynFloodConfiguration(threshold: 20, window: TrackerConfiguration.second)
    #expect(alerts(capture, configuration).isEmpty)
}

@Test("half-open counts connections, not SYNs: a retransmitted SYN is no new attempt")
func retransmittedSYNIsOneAttempt() {
    var configuration = TrackerConfiguration()
    configuration.synFlood = SynFloodConfiguration(threshold: 1, window: TrackerConfiguration.second)
    // One unanswered SYN sent four times is one half-open connection.
    let records = alerts(Scenarios.synRetransmissions(), configuration)
    #expect(records.first?.kind == .start)
    #expect(records.first?.attempts == 1)
    #expect(records.first?.halfOpen == 1)
    // The threshold is per window; two would need two connections.
    configuration.synFlood.threshold = 2
    #expect(alerts(Scenarios.synRetransmissions(), configuration).isEmpty)
}

@Test("a flood still on when the input ends is closed as such; one that stopped before is closed as subsided")
func floodAtEndOfInput() {
    var detector = SynFloodDetector(SynFloodConfiguration(threshold: 10, window: TrackerConfiguration.second))
    let target = Endpoint(address: IPAddress("10.0.0.1")!, port: 80)
    for i in 0..<50 {
        detector.attempt(target: target, source: IPAddress(ipv4: 0x0B00_0000 + UInt32(i)),
                         time: Nanoseconds(i) * 10_000_000)
    }
    detector.finish(at: 1_500_000_000)
    let records = detector.takeAlerts()
    #expect(records.map(\.kind) == [.start, .end])
    #expect(records.first?.halfOpen == 50)
    #expect(abs((records.first?.distinctSources ?? 0) - 50) <= 2)
    #expect(records.first?.topSources.isEmpty == true)
    #expect(records.last?.endOfInput == true)

    var quiet = SynFloodDetector(SynFloodConfiguration(threshold: 10, window: TrackerConfiguration.second))
    for i in 0..<50 {
        quiet.attempt(target: target, source: IPAddress(ipv4: 0x0B00_0000 + UInt32(i)), time: Nanoseconds(i) * 10_000_000)
    }
    quiet.finish(at: 3 * TrackerConfiguration.second)
    let both = quiet.takeAlerts()
    #expect(both.map(\.kind) == [.start, .end])
    #expect(both.last?.endOfInput == false)
}

@Test("memory stays bounded: a million distinct sources to one target, 200,000 distinct targets")
func boundedMemory() {
    var detector = SynFloodDetector(SynFloodConfiguration(threshold: 1000, window: 10 * TrackerConfiguration.second))
    let target = Endpoint(address: IPAddress("10.0.0.1")!, port: 80)
    for i in 0..<1_000_000 {
        // 100 000 SYNs per second from a new source each time, over ten seconds.
        detector.attempt(target: target, source: IPAddress(ipv4: 0x0A00_0000 &+ UInt32(i) &* 2_654_435_761),
                         time: Nanoseconds(i) * 10_000)
    }
    detector.advance(to: 22 * TrackerConfiguration.second)
    let records = detector.takeAlerts()
    #expect(records.first?.kind == .start)
    // The start goes out by age, a little after the grace period: the attempts so far.
    let attempts = records.first?.attempts ?? 0
    #expect(attempts > 100_000 && attempts < 1_000_000)
    let distinct = records.first?.distinctSources ?? 0
    // 1,024 registers: a standard error of 1.04/32 = 3.25%; three of them bound the estimate.
    #expect(abs(distinct - attempts) < attempts * 10 / 100, "HyperLogLog estimate \(distinct) of \(attempts)")
    #expect(distinct <= attempts, "an estimate never counts more sources than attempts")
    #expect(detector.allocatedSlots == 1)

    var wide = SynFloodDetector(SynFloodConfiguration(threshold: 2, window: TrackerConfiguration.second, maxTargets: 1024))
    // 200 times the endpoints followed: every new one takes a slot given up (about 14 µs an
    // attempt in a debug build, so not a million here).
    for i in 0..<200_000 {
        let t = Endpoint(address: IPAddress(ipv4: 0x0A00_0000 &+ UInt32(i)), port: 80)
        wide.attempt(target: t, source: IPAddress(ipv4: 0xC000_0201), time: Nanoseconds(i) * 1_000)
    }
    #expect(wide.allocatedSlots <= 1024)
    #expect(wide.trackedTargets <= 1024)
    #expect(wide.untrackedAttempts > 0)
    #expect(wide.evictedTargets >= 200_000 - 1024)
    #expect(wide.alerts.isEmpty)
}

@Test("detection is off with threshold 0")
func floodDetectionOff() {
    var configuration = TrackerConfiguration()
    configuration.synFlood = SynFloodConfiguration(threshold: 0)
    #expect(alerts(Scenarios.synFlood(), configuration).isEmpty)
}

@Test("a flood's start alert comes within about a second of capture time after the half-open count crosses the threshold")
func floodStartsByAge() throws {
    var detector = SynFloodDetector(SynFloodConfiguration(threshold: 100, window: 5 * TrackerConfiguration.second))
    let target = Endpoint(address: IPAddress("10.0.0.1")!, port: 80)
    // 100 000 SYNs a second from t = 0: the count crosses 100 at 1 ms.
    var t: Nanoseconds = 0
    var firstStart: SynFloodAlert? = nil
    for i in 0..<300_000 {
        t = Nanoseconds(i) * 10_000
        detector.advance(to: t)
        detector.attempt(target: target, source: IPAddress(ipv4: 0x0B00_0000 &+ UInt32(i)), time: t)
        if firstStart == nil, let s = detector.takeAlerts().first { firstStart = s }
    }
    let start = try #require(firstStart)
    #expect(start.kind == .start)
    #expect(start.time <= 1_001_000_000 + TrackerConfiguration.second / 8 + 10_000, "start at \(start.time)")
    #expect(start.halfOpen >= 100)
    // The window's own judgement does not repeat the start.
    detector.advance(to: 7 * TrackerConfiguration.second)
    #expect(!detector.takeAlerts().contains { $0.kind == .start })
}

@Test("a flood is found however many quiet server endpoints came before it, in memory bounded by maxTargets")
func floodAfterManyQuietTargets() throws {
    let configuration = SynFloodConfiguration(threshold: 100, window: 5 * TrackerConfiguration.second, maxTargets: 64)
    let flooded = Endpoint(address: IPAddress("10.0.0.1")!, port: 80)
    // Quiet ones first (one unanswered SYN each), then the flood; and the flood interleaved
    // with ten new quiet endpoints per SYN.
    for interleaved in [false, true] {
        var detector = SynFloodDetector(configuration)
        var t: Nanoseconds = 0
        var quiet = 0
        func quietAttempt(_ detector: inout SynFloodDetector) {
            quiet += 1
            detector.attempt(target: Endpoint(address: IPAddress(ipv4: 0x0A28_0000 &+ UInt32(quiet)), port: 80),
                             source: IPAddress(ipv4: 0xC612_0000 &+ UInt32(quiet)), time: t)
            t += 100_000
        }
        if !interleaved { for _ in 0..<1_000 { quietAttempt(&detector) } }
        for i in 0..<150 {
            detector.attempt(target: flooded, source: IPAddress(ipv4: 0xC613_0000 &+ UInt32(i)), time: t)
            t += 100_000
            if interleaved { for _ in 0..<10 { quietAttempt(&detector) } }
        }
        detector.finish(at: t)
        let records = detector.takeAlerts()
        let start = try #require(records.first { $0.kind == .start }, "interleaved \(interleaved): no alert")
        #expect(start.target == flooded)
        #expect(start.halfOpen >= 100)
        #expect(records.allSatisfy { $0.target == flooded })
        #expect(detector.allocatedSlots <= 64)
        #expect(detector.evictedTargets > 0)
        #expect(detector.untrackedAttempts > 0)
    }
}

@Test("a flood shorter than the grace period at the very end of the input is judged; a busy server's last handshakes are not")
func shortFloodAtEndOfInput() throws {
    var run = ScenarioRun(Scenarios.shortFloodAtEnd())
    let records = run.tracker.takeAlerts()
    #expect(records.map(\.kind) == [.start, .end])
    let start = try #require(records.first)
    #expect(start.target == Endpoint(address: IPAddress("10.9.0.6")!, port: 443))
    // The SYNs older than 125 ms when the input ended: 300 within 0.3 s, less the last 125 ms.
    #expect(start.halfOpen >= 170 && start.halfOpen <= 180, "half-open \(start.halfOpen)")
    #expect(records.last?.endOfInput == true)
    // The busy server ends with its handshakes complete, and stays silent (busyServerNoAlert).
}
