import Flows
import PcapCraft
import Testing
import Wire

/// What Zeek would log for one connection.
struct ZeekExpected: CustomStringConvertible, Sendable {
    var state: ZeekConnState
    var history: String
    var origBytes: UInt64? = nil
    var respBytes: UInt64? = nil
    var origPackets: UInt64? = nil
    var respPackets: UInt64? = nil
    var description: String { "\(state.rawValue) \(history)" }
}

private func z(_ state: ZeekConnState, _ history: String, bytes: (UInt64, UInt64)? = nil, packets: (UInt64, UInt64)? = nil) -> ZeekExpected {
    ZeekExpected(state: state, history: history, origBytes: bytes?.0, respBytes: bytes?.1, origPackets: packets?.0, respPackets: packets?.1)
}

/// Every connection of a crafted capture in its final state (including packets after it was
/// reported closed), in flow order.
private func finalConnections(_ capture: CraftedCapture) -> [Connection] {
    var tracker = FlowTracker()
    var latest: [Int: Connection] = [:]
    capture.forEachRecord { segment in
        if let segment {
            _ = tracker.process(segment)
            if let c = tracker.connection(between: segment.source, and: segment.destination) { latest[c.number] = c }
        }
        for e in tracker.takeEnded() where latest[e.connection.number] == nil { latest[e.connection.number] = e.connection }
    }
    return latest.keys.sorted().compactMap { latest[$0] }
}

/// The crafted scenarios as Zeek 9 would log them (default scripts, checksums valid). The
/// values follow Zeek's rules (docs/records.md); the
/// comments say which rule decides.
let zeekScenarioTable: [(String, CraftedCapture, [ZeekExpected])] = [
    ("4-way close: each letter once per direction, the last ACK adds nothing",
     Scenarios.documentExample(), [z(.SF, "ShADadFf", bytes: (48, 53), packets: (6, 5))]),
    ("3-segment close", Scenarios.threeSegmentClose(), [z(.SF, "ShADdFf", bytes: (5, 5), packets: (5, 3))]),
    ("simultaneous close is SF to Zeek (tcpwave's close says more)",
     Scenarios.simultaneousClose(), [z(.SF, "ShAFfa", bytes: (0, 0), packets: (4, 3))]),
    ("the peer's own SYN is a reuse to Zeek: only the first SYN is this row",
     Scenarios.simultaneousOpen(), [z(.S0, "S", packets: (1, 0))]),
    ("SYN retransmissions: one S; the attempt timer ends the row 5 s after the first SYN",
     Scenarios.synRetransmissions(), [z(.S0, "S", bytes: (0, 0), packets: (3, 0))]),
    ("retransmitted SYN-ACK and FIN with the same sequence number add no letter",
     Scenarios.synAckAndFinRetransmissions(), [z(.SF, "ShAFaf", bytes: (0, 0), packets: (5, 4))]),
    ("data on the SYN counts as a retransmission (T), as in Zeek",
     Scenarios.fastOpen(), [z(.RSTO, "SThAR", bytes: (5, 0), packets: (3, 1))]),
    ("a reset in SYN_SENT after a bad SYN-ACK", Scenarios.oldDuplicateSYN(), [z(.RSTO, "ShRA", bytes: (0, 0), packets: (3, 2))]),
    ("port reuse: one row per incarnation", Scenarios.portReuse(), [
        z(.SF, "ShAFf", bytes: (0, 0), packets: (4, 2)), z(.S1, "ShA", bytes: (0, 0), packets: (2, 1)), z(.S0, "S", packets: (1, 0)),
    ]),
    ("midstream data from port 443: flipped at creation ('^'), closed by both FINs is SF",
     Scenarios.midstream(), [z(.SF, "^dAfFa", bytes: (0, 13), packets: (2, 3))]),
    ("an ACK beyond the server's SYN reveals a gap in its data ('g')",
     Scenarios.handshakeAckMismatch(), [z(.S1, "ShAg", bytes: (0, 4), packets: (2, 1))]),
    ("half-close with data", Scenarios.serverCloseFirst(), [z(.SF, "ShAdfDaF", bytes: (11, 9), packets: (5, 5))]),
    ("a RST after both FINs leaves both CLOSED; packets after the close are counted",
     Scenarios.resetAfterClose(), [z(.SF, "ShAFafr", bytes: (0, 0), packets: (5, 4))]),
    ("SYN+FIN is Q; a SYN after the close belongs to a new Zeek row",
     Scenarios.invalidFlags(), [z(.SH, "QF", packets: (3, 0))]),
    ("sizes from sequence numbers across the 2^32 wrap", Scenarios.sequenceWrap(), [z(.SF, "ShADdFf", bytes: (40, 300), packets: (5, 3))]),
    ("a RST answering the SYN", Scenarios.refused(), [z(.REJ, "Sr", bytes: (0, 0), packets: (1, 1))]),
    ("the responder resets an established connection", Scenarios.resetByServer(), [z(.RSTR, "ShADr", bytes: (5, 0), packets: (3, 2))]),
]

// MARK: - Segment by segment

/// A scripted exchange between a client (10.0.0.1:40000) and a server, fed straight to the model.
struct ZeekScript {
    var client = Endpoint(address: IPAddress(ipv4: 0x0a00_0001), port: 40000)
    var server: Endpoint
    var model: ZeekConnection
    var time: Nanoseconds = 1_700_000_000_000_000_000

    init(serverPort: UInt16 = 7000, options: ZeekOptions = ZeekOptions()) {
        server = Endpoint(address: IPAddress(ipv4: 0x0a00_0002), port: serverPort)
        model = ZeekConnection(options: options)
    }

    enum Side { case client, server }

    mutating func send(_ side: Side, _ flags: TCPFlags, seq: UInt32, ack: UInt32 = 0, len: Int = 0, window: UInt16 = 1000,
                       checksum: ChecksumVerdict = .valid, after micros: Int64 = 100) {
        time += micros * 1000
        var s = Segment(source: side == .client ? client : server, destination: side == .client ? server : client,
                        sequence: seq, acknowledgment: ack, flags: flags, window: window, payloadLength: len,
                        time: time, packetNumber: 0)
        s.checksum = checksum
        s.ipLength = 40 + len
        model.observe(s)
    }
}

struct ZeekModelTests {
    @Test("Zeek conn_state, history, sizes and packets of the crafted scenarios", arguments: zeekScenarioTable.map { ($0.0, $0.1, $0.2) })
    func zeekScenarios(name: String, capture: CraftedCapture, expected: [ZeekExpected]) {
        let connections = finalConnections(capture)
        #expect(connections.count == expected.count, "\(name): connections")
        for (c, want) in zip(connections, expected) {
            let model = c.zeek
            #expect(model.connState == want.state, "\(name): conn_state")
            #expect(model.history.text == want.history, "\(name): history")
            if let b = want.origBytes { #expect(model.origBytes == b, "\(name): orig_bytes") }
            if let b = want.respBytes { #expect(model.respBytes == b, "\(name): resp_bytes") }
            if let p = want.origPackets { #expect(model.origPackets == p, "\(name): orig_pkts") }
            if let p = want.respPackets { #expect(model.respPackets == p, "\(name): resp_pkts") }
        }
    }

    @Test("a SYN-ACK from a likely server port is flipped at once: ^h, then the client's ACK establishes it")
    func missedSYNLikelyPort() {
        var t = ZeekScript(serverPort: 80)
        t.send(.server, [.syn, .ack], seq: 1000, ack: 501)
        t.send(.client, .ack, seq: 501, ack: 1001)
        t.send(.client, [.psh, .ack], seq: 501, ack: 1001, len: 10)
        t.send(.server, .ack, seq: 1001, ack: 511)
        t.send(.server, [.psh, .ack], seq: 1001, ack: 511, len: 20)
        t.send(.client, [.fin, .ack], seq: 511, ack: 1021)
        t.send(.server, [.fin, .ack], seq: 1021, ack: 512)
        t.send(.client, .ack, seq: 512, ack: 1022)
        #expect(t.model.history.text == "^hADadFf")
        #expect(t.model.connState == .SF)
        #expect(t.model.originator == t.client)
        #expect(t.model.origBytes == 10 && t.model.respBytes == 20)
    }

    @Test("a lone SYN-ACK between unlikely ports is flipped by the next ACK (the H-flip)")
    func hFlip() {
        var t = ZeekScript()
        t.send(.server, [.syn, .ack], seq: 1000, ack: 501)
        #expect(t.model.history.text == "H")
        #expect(t.model.originator == t.server)
        t.send(.client, .ack, seq: 501, ack: 1001)
        #expect(t.model.history.text == "^hA")
        #expect(t.model.originator == t.client)
        #expect(t.model.originatorState == .partial)
        t.send(.server, .ack, seq: 1001, ack: 501)
        #expect(t.model.connState == .OTH)
    }

    @Test("Zeek's conn_state decision table, one case per value", arguments: [
        ("S then the originator's RST", [("c", "S", 0), ("c", "R", 0)], ZeekConnState.RSTOS0, "SR"),
        ("S, SYN-ACK, ACK, originator FIN", [("c", "S", 0), ("s", "SA", 0), ("c", "A", 0), ("c", "FA", 0)], .S2, "ShAF"),
        ("S, SYN-ACK, ACK, responder FIN", [("c", "S", 0), ("s", "SA", 0), ("c", "A", 0), ("s", "FA", 0)], .S3, "ShAf"),
        ("S, SYN-ACK, ACK: established", [("c", "S", 0), ("s", "SA", 0), ("c", "A", 0)], .S1, "ShA"),
        ("a lone SYN", [("c", "S", 0)], .S0, "S"),
        ("SYN+FIN alone: Q, half open", [("c", "SF", 0)], .SH, "Q"),
        ("SYN+RST alone: Q, no RSTOS0 match", [("c", "SR", 0)], .OTH, "Q"),
        ("FIN+RST: I", [("c", "S", 0), ("s", "SA", 0), ("c", "FRA", 1)], .RSTO, "ShI"),
        ("data both ways, no SYN: both partial", [("c", "PA", 1), ("s", "PA", 1)], .OTH, "Dd"),
        ("the responder refuses", [("c", "S", 0), ("s", "RA", 0)], .REJ, "Sr"),
        ("an in-order RST carrying data counts as a retransmission (T), as in Zeek", [("c", "S", 0), ("c", "R", 4)], .RSTOS0, "SRT"),
    ])
    func decisionTable(name: String, packets: [(String, String, Int)], state: ZeekConnState, history: String) {
        var t = ZeekScript()
        var next: [String: UInt32] = ["c": 100, "s": 900]
        for (side, flagText, len) in packets {
            var flags: TCPFlags = []
            for ch in flagText {
                switch ch {
                case "S": flags.insert(.syn)
                case "A": flags.insert(.ack)
                case "F": flags.insert(.fin)
                case "R": flags.insert(.rst)
                case "P": flags.insert(.psh)
                default: break
                }
            }
            let me = side, peer = side == "c" ? "s" : "c"
            let seq = next[me]!
            t.send(side == "c" ? .client : .server, flags, seq: seq, ack: flags.contains(.ack) ? next[peer]! : 0, len: len)
            next[me] = seq &+ UInt32(len) &+ (flags.contains(.syn) ? 1 : 0) &+ (flags.contains(.fin) ? 1 : 0)
        }
        #expect(t.model.connState == state, "\(name)")
        #expect(t.model.history.text == history, "\(name)")
    }

    @Test("SHR and RSTRH: the responder's SYN-ACK, then its FIN or RST, no SYN seen")
    func responderOnly() {
        var fin = ZeekScript(serverPort: 80)
        fin.send(.server, [.syn, .ack], seq: 1000, ack: 501)
        fin.send(.server, [.fin, .ack], seq: 1001, ack: 501)
        #expect(fin.model.history.text == "^hf")
        #expect(fin.model.connState == .SHR)
        var rst = ZeekScript(serverPort: 80)
        rst.send(.server, [.syn, .ack], seq: 1000, ack: 501)
        rst.send(.server, .rst, seq: 1001)
        #expect(rst.model.history.text == "^hr")
        #expect(rst.model.connState == .RSTRH)
    }

    @Test("retransmissions are recorded on Zeek's 1/10/100 scale, per direction")
    func scaledRetransmissions() {
        var t = ZeekScript()
        t.send(.client, .syn, seq: 100)
        t.send(.server, [.syn, .ack], seq: 900, ack: 101)
        t.send(.client, .ack, seq: 101, ack: 901)
        t.send(.client, [.psh, .ack], seq: 101, ack: 901, len: 50)
        for _ in 0..<9 { t.send(.client, [.psh, .ack], seq: 101, ack: 901, len: 50) }
        #expect(t.model.history.text == "ShADT")
        t.send(.client, [.psh, .ack], seq: 101, ack: 901, len: 50)
        #expect(t.model.history.text == "ShADTT")   // the 10th
        for _ in 0..<90 { t.send(.client, [.psh, .ack], seq: 101, ack: 901, len: 50) }
        #expect(t.model.history.text == "ShADTTT")  // the 100th
        #expect(t.model.origBytes == 50)
    }

    @Test("a zero window is W/w; a bad TCP checksum is C/c and nothing else")
    func zeroWindowAndChecksum() {
        var t = ZeekScript()
        t.send(.client, .syn, seq: 100, checksum: .badTCP)
        #expect(t.model.history.text == "C")
        #expect(t.model.connState == .OTH)
        #expect(t.model.origPackets == 0)
        t.send(.client, .syn, seq: 100)
        t.send(.server, [.syn, .ack], seq: 900, ack: 101)
        t.send(.client, .ack, seq: 101, ack: 901)
        t.send(.server, .ack, seq: 901, ack: 101, window: 0)
        #expect(t.model.history.text == "ShAaw")   // the first connection (only 'C') gave way: no TCP verdict
        #expect(t.model.replacedEmpty == 1)
        t.send(.server, [.psh, .ack], seq: 901, ack: 101, len: 5, checksum: .badTCP)
        #expect(t.model.history.text == "ShAawc")
        #expect(t.model.respPackets == 2)
        #expect(t.model.connState == .S1)
    }

    @Test("an acknowledged hole in the data is a gap: g, missed_bytes")
    func contentGap() {
        var t = ZeekScript()
        t.send(.client, .syn, seq: 100)
        t.send(.server, [.syn, .ack], seq: 900, ack: 101)
        t.send(.client, .ack, seq: 101, ack: 901)
        // The server's first 100 bytes are not captured.
        t.send(.server, [.psh, .ack], seq: 1001, ack: 101, len: 100)
        t.send(.client, .ack, seq: 101, ack: 1101)
        #expect(t.model.history.text == "ShAdg")
        #expect(t.model.missedBytes == 100)
        #expect(t.model.respBytes == 200)
    }

    @Test("Zeek's timers end the row: a SYN retransmitted 6 s later is left to a new row")
    func attemptTimer() {
        var t = ZeekScript()
        t.send(.client, .syn, seq: 100)
        t.send(.client, .syn, seq: 100, after: 6_000_000)
        #expect(t.model.endedEarly)
        #expect(t.model.packetsAfterEnd == 1)
        #expect(t.model.origPackets == 1)
        #expect(t.model.connState == .S0)
    }

    @Test("hostile sequence numbers neither trap nor grow the history without bound")
    func hostileInput() {
        var t = ZeekScript()
        t.send(.client, .syn, seq: 0xffff_fff0)
        t.send(.server, [.syn, .ack], seq: 0, ack: 0xffff_fff1)
        var seq: UInt32 = 0x8000_0000
        for i in 0..<2000 {
            let flags: TCPFlags = i % 3 == 0 ? [.syn] : (i % 3 == 1 ? [.fin, .ack] : [.rst])
            t.send(i % 2 == 0 ? .client : .server, flags, seq: seq, ack: seq &* 7, len: i % 1500, after: 1)
            seq = seq &* 1_103_515_245 &+ 12345
        }
        #expect(t.model.history.letters.count <= ZeekHistory.maximumLength)

        var times = ZeekScript()
        for (i, time) in [Int64.max, Int64.min, 0, Int64.max - 1, -1, Int64.min + 1].enumerated() {
            times.time = time
            times.send(i % 2 == 0 ? .client : .server, i == 0 ? .syn : [.psh, .ack], seq: UInt32(i) &* 1000, ack: 1, len: i * 10, after: 0)
        }
        _ = (times.model.connState, times.model.duration, times.model.removalTime, times.model.origBytes)
    }
}
