import Flows
import PcapCraft
import Testing
import Wire

@Test("how each scenario opened and closed", arguments: [
    (Scenarios.documentExample(), Opening.threeWay, Closing.fourWay(closer: .client)),
    (Scenarios.threeSegmentClose(), .threeWay, .threeSegment(closer: .client)),
    (Scenarios.simultaneousClose(), .threeWay, .simultaneous),
    (Scenarios.simultaneousOpen(), .simultaneous, .open),
    (Scenarios.synRetransmissions(), .unanswered, .open),
    (Scenarios.refused(), .refused, .reset(by: .server)),
    (Scenarios.resetByServer(), .threeWay, .reset(by: .server)),
    (Scenarios.fastOpen(), .threeWay, .reset(by: .client)),
    (Scenarios.midstream(), .midstream, .threeSegment(closer: .server)),
    (Scenarios.serverCloseFirst(), .threeWay, .fourWay(closer: .server)),
])
func openingAndClosing(capture: CraftedCapture, opened: Opening, closed: Closing) {
    let run = ScenarioRun(capture)
    let first = run.ended.first { $0.connection.number == 1 }
    #expect(first?.connection.opening == opened, "\(capture.name)")
    #expect(first?.connection.closing == closed, "\(capture.name)")
}

@Test("a closed connection is reported when it closes, one still open at the end of input")
func endReasons() {
    #expect(ScenarioRun(Scenarios.documentExample()).ended.map(\.reason) == [.closed])
    #expect(ScenarioRun(Scenarios.simultaneousOpen()).ended.map(\.reason) == [.endOfInput])
}

@Test("the document example's timeline lists every change with its evidence packet")
func documentTimeline() throws {
    let c = try #require(ScenarioRun(Scenarios.documentExample()).ended.first?.connection)
    let rows = c.timeline.map { "\($0.role.name) \($0.from)->\($0.to) #\($0.packetNumber ?? 0)" }
    #expect(rows == [
        "client CLOSED->SYN_SENT #1", "server CLOSED->LISTEN #1", "server LISTEN->SYN_RECEIVED #2",
        "client SYN_SENT->ESTABLISHED #3", "server SYN_RECEIVED->ESTABLISHED #3",
        "client ESTABLISHED->FIN_WAIT_1 #8", "server ESTABLISHED->CLOSE_WAIT #9", "client FIN_WAIT_1->FIN_WAIT_2 #9",
        "server CLOSE_WAIT->LAST_ACK #10", "client FIN_WAIT_2->TIME_WAIT #11", "server LAST_ACK->CLOSED #11",
    ])
    #expect(c.timeline[1].certainty == .inferred, "LISTEN is inferred until the SYN-ACK")
    #expect(c.handshakeRTT == 399_000)
    #expect(c.clientTrack.payloadBytes == 48 && c.serverTrack.payloadBytes == 53)
}

@Test("port reuse starts new incarnations and says why")
func portReuse() {
    let run = ScenarioRun(Scenarios.portReuse())
    #expect(run.events[6].flow == 2)
    #expect(run.events[6].reuse == .duringTimeWait)
    #expect(run.events[6].previousFlow == 1)
    #expect(run.events[9].flow == 3)
    #expect(run.events[9].reuse == .synOnOpenConnection)
    #expect(run.ended.map(\.connection.number) == [1, 2, 3])
    #expect(run.ended[1].reason == .superseded)
}

@Test("a new SYN after a refused attempt is a retry after refusal, with or without a new ISN; after 2xMSL the old one is forgotten")
func reuseAfterClose() {
    var capture = Scenarios.refused()
    var retry = capture.records[0]
    retry.seconds += 1
    retry.frame[14 + 20 + 4] ^= 0x55 // another ISN
    capture.records.append(retry)
    let run = ScenarioRun(capture)
    #expect(run.events[2].reuse == .retryAfterRefusal)
    #expect(run.events[2].flow == 2)

    // A connect retry sends the same ISN again: still a new connection, for the old one is over.
    var sameISN = Scenarios.refused()
    var again = sameISN.records[0]
    again.seconds += 1
    sameISN.records.append(again)
    let retried = ScenarioRun(sameISN)
    #expect(retried.events[2].reuse == .retryAfterRefusal)
    #expect(retried.events[2].flow == 2)
    #expect(!retried.events[2].notes.contains(.afterClose))

    var late = Scenarios.portReuse()
    for i in 6..<late.records.count { late.records[i].seconds += 200 } // past 2 x MSL (60 s)
    let forgotten = ScenarioRun(late)
    #expect(forgotten.events[6].reuse == nil)
    #expect(forgotten.events[6].flow == 2)
}

@Test("the flow table evicts the oldest idle connection when full")
func eviction() {
    var capture = CraftedCapture(name: "many", summary: "")
    for i in 0..<10 {
        var c = Conversation(client: Endpoint(address: IPAddress(ipv4: 0x0a00_0001 + UInt32(i)), port: 1000),
                             server: Endpoint(address: IPAddress("10.9.9.9")!, port: 80), clientISN: 1, serverISN: 2,
                             start: (1_000 + UInt32(i), 0))
        c.send(.client, flags: .syn)
        for (s, n, seg) in c.segments { capture.records.append((s, n, FrameBuilder.ethernetFrame(seg))) }
    }
    let run = ScenarioRun(capture, configuration: TrackerConfiguration(maxConnections: 4))
    #expect(run.tracker.statistics.evicted == 6)
    #expect(run.ended.filter { $0.reason == .evicted }.map(\.connection.number) == [1, 2, 3, 4, 5, 6])
    #expect(run.tracker.statistics.peakLive == 4)
}

@Test("an idle connection is forgotten after the idle timeout")
func idleExpiry() {
    var capture = CraftedCapture(name: "idle", summary: "")
    for (i, t) in [UInt32(0), 400].enumerated() {
        var c = Conversation(client: Endpoint(address: IPAddress(ipv4: 0x0a00_0001 + UInt32(i)), port: 1000),
                             server: Endpoint(address: IPAddress("10.9.9.9")!, port: 80), clientISN: 1, serverISN: 2,
                             start: (1_000 + t, 0))
        c.send(.client, flags: .syn)
        for (s, n, seg) in c.segments { capture.records.append((s, n, FrameBuilder.ethernetFrame(seg))) }
    }
    let run = ScenarioRun(capture)
    #expect(run.ended.first?.reason == .idle)
    #expect(run.tracker.statistics.idleExpired == 1)
}

@Test("a flow key is the same from both directions")
func flowKeySymmetry() {
    let a = Endpoint(address: IPAddress("10.0.0.1")!, port: 5), b = Endpoint(address: IPAddress("10.0.0.2")!, port: 80)
    #expect(FlowKey(a, b) == FlowKey(b, a))
    let c = Endpoint(address: IPAddress("::1")!, port: 5), d = Endpoint(address: IPAddress("::2")!, port: 5)
    #expect(FlowKey(c, d) == FlowKey(d, c))
}

@Test("sequence comparisons hold across the 2^32 wrap", arguments: [
    (UInt32(0xffff_fff0), UInt32(0x10), true), (UInt32(5), UInt32(6), true), (UInt32(6), UInt32(5), false),
    (UInt32(0x10), UInt32(0xffff_fff0), false), (UInt32(0), UInt32(0x7fff_ffff), true),
])
func sequenceOrder(a: UInt32, b: UInt32, less: Bool) {
    #expect(Seq.lt(a, b) == less)
    #expect(Seq.gt(b, a) == less)
}
