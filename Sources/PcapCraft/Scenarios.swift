import Wire

/// A crafted capture: frames with timestamps, ready to be written as a pcap file.
public struct CraftedCapture: Sendable {
    public var name: String
    public var summary: String
    public var linkType: UInt32 = 1
    public var records: [(seconds: UInt32, nanos: UInt32, frame: [UInt8])] = []

    public init(name: String, summary: String, linkType: UInt32 = 1) {
        self.name = name
        self.summary = summary
        self.linkType = linkType
    }

    public init(name: String, summary: String, conversation: Conversation) {
        self.init(name: name, summary: summary)
        for (s, n, seg) in conversation.segments {
            records.append((s, n, FrameBuilder.ethernetFrame(seg)))
        }
    }

    public func pcap(nanosecond: Bool = false) -> PcapFileWriter {
        var w = PcapFileWriter(linkType: linkType, nanosecond: nanosecond)
        for r in records { w.append(seconds: r.seconds, nanoseconds: r.nanos, frame: r.frame) }
        return w
    }
}

/// The crafted scenarios behind the fixtures and the tracker's end-to-end tests. Each one is a
/// small, deterministic conversation showing one thing real traffic does.
public enum Scenarios {
    static let start: (UInt32, UInt32) = (1_764_320_400, 0) // 2025-11-28 09:00:00 UTC

    static func ep(_ a: String, _ p: UInt16) -> Endpoint { Endpoint(address: IPAddress(a)!, port: p) }

    public static let synOptions: [CraftedOption] = [.mss(1460), .sackPermitted, .timestamp(1000, 0), .nop, .windowScale(7)]
    public static let synAckOptions: [CraftedOption] = [.mss(1460), .sackPermitted, .timestamp(2000, 1000), .nop, .windowScale(7)]

    static func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

    /// A conversation with the handshake done.
    static func opened(_ client: Endpoint, _ server: Endpoint, clientISN: UInt32 = 1_000_000, serverISN: UInt32 = 2_000_000) -> Conversation {
        var c = Conversation(client: client, server: server, clientISN: clientISN, serverISN: serverISN, start: start)
        c.send(.client, flags: .syn, options: synOptions)
        c.wait(micros: 150)
        c.send(.server, flags: [.syn, .ack], options: synAckOptions)
        c.wait(micros: 150)
        c.send(.client, flags: .ack)
        return c
    }

    /// The document's example: handshake, a little data each way, four-way close by the client.
    public static func documentExample() -> CraftedCapture {
        var c = Conversation(client: ep("192.168.1.116", 3337), server: ep("192.168.1.123", 7788),
                             clientISN: 3_626_544_836, serverISN: 1_739_326_486, start: start)
        c.send(.client, flags: .syn, options: synOptions)
        c.wait(micros: 212)
        c.send(.server, flags: [.syn, .ack], options: synAckOptions)
        c.wait(micros: 187)
        c.send(.client, flags: .ack)
        c.wait(micros: 1_040)
        c.send(.client, flags: [.psh, .ack], payload: bytes("GET /wave HTTP/1.1\r\nHost: 192.168.1.123:7788\r\n\r\n"))
        c.wait(micros: 230)
        c.send(.server, flags: .ack)
        c.wait(micros: 3_100)
        c.send(.server, flags: [.psh, .ack], payload: bytes("HTTP/1.1 200 OK\r\nContent-Length: 14\r\n\r\nthree-way hi!\n"))
        c.wait(micros: 205)
        c.send(.client, flags: .ack)
        c.wait(micros: 20_000)
        c.send(.client, flags: [.fin, .ack])
        c.wait(micros: 190)
        c.send(.server, flags: .ack)
        c.wait(micros: 2_300)
        c.send(.server, flags: [.fin, .ack])
        c.wait(micros: 180)
        c.send(.client, flags: .ack)
        return CraftedCapture(name: "document-example", summary: "the document's example: 3-way handshake, data each way, 4-way close by the client", conversation: c)
    }

    /// Every crafted scenario, by file name.
    public static func all() -> [CraftedCapture] {
        [documentExample(), threeSegmentClose(), simultaneousClose(), simultaneousOpen(), synRetransmissions(),
         synAckAndFinRetransmissions(), fastOpen(), oldDuplicateSYN(), portReuse(), midstream(),
         handshakeAckMismatch(), serverCloseFirst(), resetAfterClose(), invalidFlags(), sequenceWrap(),
         refused(), resetByServer(), synFlood(), busyServer(), troubles(),
         closeWaitStuck(), finWait2Stuck(), lastAckStuck(), timeWaitPileup()]
    }

    public static func threeSegmentClose() -> CraftedCapture {
        var c = opened(ep("10.1.0.1", 40001), ep("10.1.0.2", 80))
        c.wait(micros: 500)
        c.send(.client, flags: [.psh, .ack], payload: bytes("ping\n"))
        c.wait(micros: 200)
        c.send(.server, flags: [.psh, .ack], payload: bytes("pong\n"))
        c.wait(micros: 200)
        c.send(.client, flags: [.fin, .ack])
        c.wait(micros: 200)
        c.send(.server, flags: [.fin, .ack])
        c.wait(micros: 200)
        c.send(.client, flags: .ack)
        return CraftedCapture(name: "three-segment-close", summary: "the passive side sends FIN together with the ACK of the peer's FIN", conversation: c)
    }

    public static func simultaneousClose() -> CraftedCapture {
        var c = opened(ep("10.1.0.3", 40002), ep("10.1.0.4", 5000))
        c.wait(micros: 500)
        let clientFinSeq = c.clientNext, serverFinSeq = c.serverNext
        let clientAck = c.clientAcks, serverAck = c.serverAcks
        c.send(.client, flags: [.fin, .ack], acknowledgment: clientAck)
        c.wait(micros: 20)
        c.send(.server, flags: [.fin, .ack], acknowledgment: serverAck)
        c.wait(micros: 100)
        c.send(.client, flags: .ack, sequence: clientFinSeq &+ 1, acknowledgment: serverFinSeq &+ 1)
        c.wait(micros: 20)
        c.send(.server, flags: .ack, sequence: serverFinSeq &+ 1, acknowledgment: clientFinSeq &+ 1)
        return CraftedCapture(name: "simultaneous-close", summary: "the FINs cross: both FIN_WAIT_1, CLOSING, TIME_WAIT", conversation: c)
    }

    public static func simultaneousOpen() -> CraftedCapture {
        var c = Conversation(client: ep("10.1.0.5", 6000), server: ep("10.1.0.6", 6001), clientISN: 100, serverISN: 900, start: start)
        c.send(.client, flags: .syn)
        c.wait(micros: 10)
        c.send(.server, flags: .syn)
        c.wait(micros: 100)
        c.send(.client, flags: [.syn, .ack], sequence: 100, acknowledgment: 901, advance: false)
        c.wait(micros: 10)
        c.send(.server, flags: [.syn, .ack], sequence: 900, acknowledgment: 101, advance: false)
        c.wait(micros: 100)
        c.send(.client, flags: .ack, sequence: 101, acknowledgment: 901, advance: false)
        c.wait(micros: 10)
        c.send(.server, flags: .ack, sequence: 901, acknowledgment: 101, advance: false)
        return CraftedCapture(name: "simultaneous-open", summary: "the SYNs cross: both SYN_SENT, SYN_RECEIVED, ESTABLISHED", conversation: c)
    }

    public static func synRetransmissions() -> CraftedCapture {
        var c = Conversation(client: ep("10.1.0.7", 40003), server: ep("10.1.0.8", 443), clientISN: 7_000, serverISN: 0, start: start)
        c.send(.client, flags: .syn, options: synOptions)
        for delay: UInt32 in [1_000_000, 2_000_000, 4_000_000] {
            c.wait(micros: delay)
            c.send(.client, flags: .syn, options: synOptions, sequence: 7_000)
        }
        return CraftedCapture(name: "syn-retransmissions", summary: "an unanswered SYN sent four times", conversation: c)
    }

    public static func synAckAndFinRetransmissions() -> CraftedCapture {
        var c = Conversation(client: ep("10.1.0.9", 40004), server: ep("10.1.0.10", 22), clientISN: 5_000, serverISN: 8_000, start: start)
        c.send(.client, flags: .syn, options: synOptions)
        c.wait(micros: 100)
        c.send(.server, flags: [.syn, .ack], options: synAckOptions)
        c.wait(micros: 1_000_000)
        c.send(.server, flags: [.syn, .ack], options: synAckOptions, sequence: 8_000)
        c.wait(micros: 100)
        c.send(.client, flags: .ack)
        c.wait(micros: 1_000)
        let fin = c.clientNext
        c.send(.client, flags: [.fin, .ack])
        c.wait(micros: 300_000)
        c.send(.client, flags: [.fin, .ack], sequence: fin)
        c.wait(micros: 100)
        c.send(.server, flags: .ack)
        c.wait(micros: 100)
        c.send(.server, flags: [.fin, .ack])
        c.wait(micros: 100)
        c.send(.client, flags: .ack)
        return CraftedCapture(name: "synack-fin-retransmissions", summary: "a retransmitted SYN-ACK and a retransmitted FIN", conversation: c)
    }

    public static func fastOpen() -> CraftedCapture {
        var c = Conversation(client: ep("10.1.0.11", 40005), server: ep("10.1.0.12", 443), clientISN: 11_000, serverISN: 12_000, start: start)
        c.send(.client, flags: .syn, payload: bytes("hello"), options: [.mss(1460), .raw(kind: 34, data: [1, 2, 3, 4, 5, 6, 7, 8])])
        c.wait(micros: 100)
        c.send(.server, flags: [.syn, .ack], options: [.mss(1460)])
        c.wait(micros: 100)
        c.send(.client, flags: .ack)
        c.wait(micros: 100)
        c.send(.client, flags: .rst, sequence: c.clientNext)
        return CraftedCapture(name: "fast-open", summary: "data on the SYN (TCP Fast Open cookie), then a RST from the client", conversation: c)
    }

    public static func oldDuplicateSYN() -> CraftedCapture {
        var c = Conversation(client: ep("10.1.0.13", 40006), server: ep("10.1.0.14", 80), clientISN: 90_000, serverISN: 30_000, start: start)
        c.send(.client, flags: .syn)
        c.wait(micros: 100)
        // The server answers an old duplicate SYN (ISN 50000), so its ack is wrong.
        c.send(.server, flags: [.syn, .ack], acknowledgment: 50_001, advance: false)
        c.wait(micros: 100)
        c.send(.client, flags: .rst, sequence: 50_001, advance: false)
        c.wait(micros: 100)
        c.send(.server, flags: [.syn, .ack], sequence: 30_000, acknowledgment: 90_001)
        c.wait(micros: 100)
        c.send(.client, flags: .ack, acknowledgment: 30_001)
        return CraftedCapture(name: "old-duplicate-syn", summary: "a SYN-ACK answering an old duplicate SYN is reset; the server returns to LISTEN", conversation: c)
    }

    public static func portReuse() -> CraftedCapture {
        let client = ep("10.1.0.15", 40007), server = ep("10.1.0.16", 8080)
        var c = opened(client, server, clientISN: 100_000, serverISN: 200_000)
        c.wait(micros: 1_000)
        c.send(.client, flags: [.fin, .ack])
        c.wait(micros: 100)
        c.send(.server, flags: [.fin, .ack])
        c.wait(micros: 100)
        c.send(.client, flags: .ack)
        var capture = CraftedCapture(name: "port-reuse", summary: "", conversation: c)
        // Ten seconds later, during the client's TIME_WAIT, the same 4-tuple opens again.
        var again = Conversation(client: client, server: server, clientISN: 500_000, serverISN: 600_000,
                                 start: (start.0 + 10, 0))
        again.send(.client, flags: .syn)
        again.wait(micros: 100)
        again.send(.server, flags: [.syn, .ack])
        again.wait(micros: 100)
        again.send(.client, flags: .ack)
        again.wait(micros: 100)
        // And a SYN with a new ISN while that second connection is open.
        again.send(.client, flags: .syn, sequence: 700_000)
        for (s, n, seg) in again.segments { capture.records.append((s, n, FrameBuilder.ethernetFrame(seg))) }
        capture.summary = "a 4-tuple reused during TIME_WAIT, then a SYN sequence jump on the open connection"
        return capture
    }

    public static func midstream() -> CraftedCapture {
        var c = Conversation(client: ep("10.1.0.17", 51000), server: ep("10.1.0.18", 443), clientISN: 77_000, serverISN: 88_000, start: start)
        c.clientAcks = 88_000
        c.serverAcks = 77_000
        c.send(.server, flags: [.psh, .ack], payload: bytes("response body"))
        c.wait(micros: 100)
        c.send(.client, flags: .ack)
        c.wait(micros: 100)
        c.send(.server, flags: [.fin, .ack])
        c.wait(micros: 100)
        c.send(.client, flags: [.fin, .ack])
        c.wait(micros: 100)
        c.send(.server, flags: .ack)
        return CraftedCapture(name: "midstream", summary: "the capture starts after the handshake; roles are inferred from the ports", conversation: c)
    }

    public static func handshakeAckMismatch() -> CraftedCapture {
        var c = Conversation(client: ep("10.1.0.19", 40008), server: ep("10.1.0.20", 25), clientISN: 4_000, serverISN: 9_000, start: start)
        c.send(.client, flags: .syn)
        c.wait(micros: 100)
        c.send(.server, flags: [.syn, .ack])
        c.wait(micros: 100)
        c.send(.client, flags: .ack, acknowledgment: 9_005)
        return CraftedCapture(name: "handshake-ack-mismatch", summary: "the third ACK acknowledges more than the server's SYN", conversation: c)
    }

    public static func serverCloseFirst() -> CraftedCapture {
        var c = opened(ep("10.1.0.21", 40009), ep("10.1.0.22", 110))
        c.wait(micros: 500)
        c.send(.server, flags: [.psh, .ack], payload: bytes("+OK bye\r\n"))
        c.send(.server, flags: [.fin, .ack])
        c.wait(micros: 200)
        c.send(.client, flags: .ack)
        c.wait(micros: 200)
        c.send(.client, flags: [.psh, .ack], payload: bytes("late data\r\n"))
        c.wait(micros: 200)
        c.send(.server, flags: .ack)
        c.wait(micros: 200)
        c.send(.client, flags: [.fin, .ack])
        c.wait(micros: 200)
        c.send(.server, flags: .ack)
        return CraftedCapture(name: "server-close-half-close", summary: "the server closes first; the client keeps sending (half-close), then closes", conversation: c)
    }

    public static func resetAfterClose() -> CraftedCapture {
        var c = opened(ep("10.1.0.23", 40010), ep("10.1.0.24", 80))
        c.wait(micros: 500)
        c.send(.client, flags: [.fin, .ack])
        c.wait(micros: 100)
        c.send(.server, flags: .ack)
        c.wait(micros: 100)
        c.send(.server, flags: [.fin, .ack])
        c.wait(micros: 100)
        c.send(.client, flags: .ack)
        c.wait(micros: 100)
        c.send(.server, flags: .rst, sequence: c.serverNext)
        c.wait(micros: 100)
        c.send(.client, flags: .ack)
        return CraftedCapture(name: "after-close", summary: "a RST reaches the client in TIME_WAIT, then a stray ACK after close", conversation: c)
    }

    public static func invalidFlags() -> CraftedCapture {
        var c = Conversation(client: ep("10.1.0.25", 40011), server: ep("10.1.0.26", 80), clientISN: 1, serverISN: 2, start: start)
        c.send(.client, flags: [.syn, .fin])
        c.wait(micros: 100)
        c.send(.client, flags: [], sequence: 5, advance: false)
        c.wait(micros: 100)
        c.send(.client, flags: [.fin, .psh, .urg], sequence: 5, advance: false)
        c.wait(micros: 100)
        c.send(.client, flags: [.syn, .rst], sequence: 5, advance: false)
        return CraftedCapture(name: "invalid-flags", summary: "SYN+FIN, no flags, FIN+PSH+URG and SYN+RST probes", conversation: c)
    }

    public static func sequenceWrap() -> CraftedCapture {
        var c = opened(ep("10.1.0.27", 40012), ep("10.1.0.28", 9000), clientISN: 0xffff_fff0, serverISN: 0xffff_ff00)
        c.wait(micros: 100)
        c.send(.client, flags: [.psh, .ack], payload: Array(repeating: 0x41, count: 40))
        c.wait(micros: 100)
        c.send(.server, flags: [.psh, .ack], payload: Array(repeating: 0x42, count: 300))
        c.wait(micros: 100)
        c.send(.client, flags: [.fin, .ack])
        c.wait(micros: 100)
        c.send(.server, flags: [.fin, .ack])
        c.wait(micros: 100)
        c.send(.client, flags: .ack)
        return CraftedCapture(name: "sequence-wrap", summary: "both sequence spaces wrap past 2^32 mid-connection", conversation: c)
    }

    public static func refused() -> CraftedCapture {
        var c = Conversation(client: ep("10.1.0.29", 40013), server: ep("10.1.0.30", 81), clientISN: 31_000, serverISN: 0, start: start)
        c.send(.client, flags: .syn, options: synOptions)
        c.wait(micros: 50)
        c.send(.server, flags: [.rst, .ack], sequence: 0, acknowledgment: 31_001)
        return CraftedCapture(name: "refused", summary: "nobody listens: the SYN is answered by RST+ACK", conversation: c)
    }

    public static func resetByServer() -> CraftedCapture {
        var c = opened(ep("10.1.0.31", 40014), ep("10.1.0.32", 3306))
        c.wait(micros: 300)
        c.send(.client, flags: [.psh, .ack], payload: bytes("query"))
        c.wait(micros: 300)
        c.send(.server, flags: [.rst, .ack])
        return CraftedCapture(name: "reset-by-server", summary: "the server aborts an established connection with RST", conversation: c)
    }

    // MARK: - Many connections: a SYN flood and a busy healthy server

    /// A small deterministic generator (an LCG), so crafted captures are the same on every run.
    struct Dice {
        var state: UInt64
        mutating func next(_ bound: UInt32) -> UInt32 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt32(truncatingIfNeeded: state >> 33) % Swift.max(1, bound)
        }
    }

    /// Frames of several conversations in time order (stable for equal times).
    static func merged(_ name: String, _ summary: String, _ conversations: [Conversation]) -> CraftedCapture {
        var all: [(UInt32, UInt32, Int, [UInt8])] = []
        for c in conversations {
            for (s, n, seg) in c.segments { all.append((s, n, all.count, FrameBuilder.ethernetFrame(seg))) }
        }
        all.sort { ($0.0, $0.1, $0.2) < ($1.0, $1.1, $1.2) }
        var capture = CraftedCapture(name: name, summary: summary)
        capture.records = all.map { ($0.0, $0.1, $0.3) }
        return capture
    }

    /// A conversation starting `micros` after the scenarios' start time.
    static func conversation(_ client: Endpoint, _ server: Endpoint, at micros: UInt64, clientISN: UInt32, serverISN: UInt32) -> Conversation {
        var c = Conversation(client: client, server: server, clientISN: clientISN, serverISN: serverISN, start: start)
        var left = micros
        while left > 0 {
            let step = UInt32(Swift.min(left, 1_000_000))
            c.wait(micros: step)
            left -= UInt64(step)
        }
        return c
    }

    /// The document's SYN flood (SYN 攻击): for ten seconds, spoofed SYNs from random sources to
    /// 10.9.0.1:80, a third answered with SYN-ACK, none completed; one attacker address also
    /// sends twenty from its own ports. Genuine clients complete their handshakes during and
    /// after it (one retransmits its SYN: one attempt, not two). With the default threshold (100
    /// half-open per 5 s window) it raises an alert for the first window, repeats it for the
    /// second, and closes it after the third.
    public static func synFlood() -> CraftedCapture {
        let target = ep("10.9.0.1", 80)
        var dice = Dice(state: 0x5eed_f100d)
        var conversations: [Conversation] = []
        var used = Set<UInt32>()
        // 250 spoofed sources over 10 s (25 per second), each once.
        for i in 0..<250 {
            var address: UInt32
            repeat { address = 0xC612_0000 | dice.next(0x1_0000) } while !used.insert(address).inserted // 198.18.0.0/16
            let source = Endpoint(address: IPAddress(ipv4: address), port: UInt16(1024 + dice.next(60_000)))
            let at = UInt64(i) * 40_000 + UInt64(dice.next(20_000))
            var c = conversation(source, target, at: at, clientISN: dice.next(UInt32.max), serverISN: dice.next(UInt32.max))
            c.send(.client, flags: .syn, options: [.mss(1460)])
            if i % 3 == 0 {
                c.wait(micros: 80)
                c.send(.server, flags: [.syn, .ack], options: synAckOptions)
            }
            conversations.append(c)
        }
        // One attacker that does not spoof: twenty SYNs from its own address, new ports.
        for i in 0..<20 {
            let source = ep("198.51.100.7", UInt16(40_000 + i))
            var c = conversation(source, target, at: 500_000 + UInt64(i) * 150_000, clientISN: 70_000 + UInt32(i) * 1_000, serverISN: 90_000 + UInt32(i))
            c.send(.client, flags: .syn, options: synOptions)
            conversations.append(c)
        }
        // Genuine clients: complete handshakes at 1 s, 6 s (SYN sent twice), 12 s and 17 s.
        for (n, at) in [(1, UInt64(1_000_000)), (2, 6_000_000), (3, 12_000_000), (4, 17_000_000)] {
            var c = conversation(ep("192.0.2.10", UInt16(50_000 + n)), target, at: at, clientISN: 1_000 * UInt32(n), serverISN: 2_000 * UInt32(n))
            c.send(.client, flags: .syn, options: synOptions)
            if n == 2 {
                c.wait(micros: 1_000_000)
                c.send(.client, flags: .syn, options: synOptions, sequence: 1_000 * UInt32(n))
            }
            c.wait(micros: 300)
            c.send(.server, flags: [.syn, .ack], options: synAckOptions)
            c.wait(micros: 300)
            c.send(.client, flags: .ack)
            c.wait(micros: 1_000)
            c.send(.client, flags: [.psh, .ack], payload: bytes("GET / HTTP/1.1\r\n\r\n"))
            c.wait(micros: 400)
            c.send(.server, flags: [.fin, .psh, .ack], payload: bytes("HTTP/1.1 200 OK\r\n\r\n"))
            c.wait(micros: 300)
            c.send(.client, flags: [.fin, .ack])
            c.wait(micros: 300)
            c.send(.server, flags: .ack)
            conversations.append(c)
        }
        return merged("syn-flood", "270 half-open connections to 10.9.0.1:80 within 10 s from 251 sources, a third answered with SYN-ACK; genuine clients complete their handshakes", conversations)
    }

    /// A busy but healthy server: 120 connections from 30 clients within 3 s to 10.9.0.2:443,
    /// up to 40 handshakes in flight at once (20 ms RTT), every one completed and closed. It
    /// must not raise a SYN flood alert.
    public static func busyServer() -> CraftedCapture {
        let server = ep("10.9.0.2", 443)
        var dice = Dice(state: 0xb05c)
        var conversations: [Conversation] = []
        for i in 0..<120 {
            let client = Endpoint(address: IPAddress(ipv4: 0xC000_0264 &+ UInt32(i % 30)), port: UInt16(33_000 + i)) // 192.0.2.100+
            var c = conversation(client, server, at: UInt64(i) * 25_000, clientISN: dice.next(UInt32.max), serverISN: dice.next(UInt32.max))
            c.send(.client, flags: .syn, options: synOptions)
            c.wait(micros: 10_000 + dice.next(2_000))
            c.send(.server, flags: [.syn, .ack], options: synAckOptions)
            c.wait(micros: 10_000 + dice.next(2_000))
            c.send(.client, flags: .ack)
            c.wait(micros: 200)
            c.send(.client, flags: [.fin, .ack])
            c.wait(micros: 10_000)
            c.send(.server, flags: [.fin, .ack])
            c.wait(micros: 10_000)
            c.send(.client, flags: .ack)
            conversations.append(c)
        }
        return merged("busy-server", "a busy healthy server: 120 complete handshakes within 3 s, 40 in flight at once; no SYN flood", conversations)
    }

    /// Every trouble the sequence analysis names, in one conversation (20 ms RTT): a segment
    /// not captured, duplicate ACKs and a fast retransmission, out-of-order, a zero window with
    /// a probe and its answer, a window update, a spurious and a timeout retransmission, a
    /// keepalive and its ACK, and finally a RST far outside the client's window (a blind
    /// injection; tcpwave's state machine still takes it as the end).
    public static func troubles() -> CraftedCapture {
        var c = Conversation(client: ep("10.1.0.40", 40020), server: ep("10.1.0.41", 8080), clientISN: 10_000, serverISN: 50_000, start: start)
        let data = Array(repeating: UInt8(0x61), count: 100)
        func client(_ seq: UInt32, _ payload: [UInt8] = data, after micros: UInt32) {
            c.wait(micros: micros)
            c.send(.client, flags: payload.isEmpty ? .ack : [.psh, .ack], payload: payload, sequence: seq, acknowledgment: 50_001, advance: false)
        }
        func server(ack: UInt32, window: UInt16 = 64240, after micros: UInt32) {
            c.wait(micros: micros)
            c.send(.server, flags: .ack, sequence: 50_001, acknowledgment: ack, window: window, advance: false)
        }
        c.send(.client, flags: .syn, options: [.mss(1460)])
        c.wait(micros: 10_000)
        c.send(.server, flags: [.syn, .ack], options: [.mss(1460)])
        c.wait(micros: 10_000)
        c.send(.client, flags: .ack)
        client(10_001, after: 1_000)
        client(10_201, after: 200)              // 10101 was not captured
        server(ack: 10_101, after: 10_000)
        server(ack: 10_101, after: 100)         // duplicate ACK 1
        client(10_301, after: 100)
        server(ack: 10_101, after: 100)         // duplicate ACK 2
        client(10_101, after: 1_000)            // fast retransmission
        server(ack: 10_401, after: 10_000)
        client(10_401, after: 1_000)
        client(10_601, after: 100)              // 10501 not captured yet
        client(10_501, after: 500)              // out of order
        server(ack: 10_701, window: 0, after: 10_000)   // zero window
        client(10_701, [0x62], after: 200_000)  // zero-window probe
        server(ack: 10_701, window: 0, after: 10_000)   // still zero: the probe's answer
        server(ack: 10_701, after: 100_000)     // window update
        client(10_701, after: 1_000)
        server(ack: 10_801, after: 10_000)
        client(10_701, after: 300_000)          // spurious retransmission
        client(10_801, after: 1_000)
        client(10_801, after: 300_000)          // retransmission after a timeout
        server(ack: 10_901, after: 10_000)
        client(10_900, [], after: 1_000_000)    // keepalive
        server(ack: 10_901, after: 100)         // keepalive ACK
        c.wait(micros: 1_000_000)
        c.send(.server, flags: .rst, sequence: 3_000_000_000, acknowledgment: 0, window: 0, advance: false)
        return CraftedCapture(name: "troubles", summary: "every trouble the sequence analysis names, ending with a RST outside the receiver's window", conversation: c)
    }
}
