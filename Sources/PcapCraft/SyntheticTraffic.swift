/// Deterministic synthetic captures for the benchmark: many interleaved connections, or a SYN
/// flood. Frames are written straight into the pcap byte stream (no per-packet arrays), with
/// valid IP and TCP checksums, so generating millions of packets takes seconds.
public struct SyntheticTraffic {
    public struct Mix: Sendable {
        /// Connections open at once; packets of different connections interleave.
        public var concurrent = 2_000
        /// Data segments each way per connection (each one acknowledged).
        public var segmentsEachWay = 1
        public var payload = 100
        /// Shares of IPv6 connections, RST-closed connections and unanswered SYNs, in percent.
        public var ipv6Percent = 10
        public var resetPercent = 5
        public var unansweredPercent = 3
        /// Servers drawn from this many fixed endpoints (0: a new random server every time).
        public var serverPool = 0
        public init() {}
    }

    /// SplitMix64: small, fast, and the same everywhere (tests use it for replayable inputs).
    public struct Random: RandomNumberGenerator {
        var state: UInt64
        public init(state: UInt64) { self.state = state }
        public mutating func next() -> UInt64 {
            state &+= 0x9e37_79b9_7f4a_7c15
            var z = state
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    private var out: [UInt8] = []
    private var random: Random
    private var micros: UInt64 = 1_764_320_400 * 1_000_000
    public private(set) var packets = 0
    public private(set) var connections = 0

    public init(seed: UInt64 = 42) {
        random = Random(state: seed)
        out.reserveCapacity(1 << 20)
        header()
    }

    /// The pcap file so far.
    public var bytes: [UInt8] { out }

    private mutating func header() {
        le32(0xa1b2_c3d4); le16(2); le16(4); le32(0); le32(0); le32(262_144); le32(1)
    }

    @inline(__always) private mutating func le32(_ v: UInt32) {
        out.append(UInt8(v & 0xff)); out.append(UInt8(v >> 8 & 0xff)); out.append(UInt8(v >> 16 & 0xff)); out.append(UInt8(v >> 24))
    }
    @inline(__always) private mutating func le16(_ v: UInt16) { out.append(UInt8(v & 0xff)); out.append(UInt8(v >> 8)) }
    @inline(__always) private mutating func be16(_ v: UInt16) { out.append(UInt8(v >> 8)); out.append(UInt8(v & 0xff)) }
    @inline(__always) private mutating func be32(_ v: UInt32) { be16(UInt16(v >> 16)); be16(UInt16(v & 0xffff)) }

    /// An address anywhere in 1.0.0.0–223.255.255.255 (spread, so no tool's cache gets an easy ride).
    private mutating func ipv4() -> UInt32 { UInt32(1 + random.below(223)) << 24 | UInt32(truncatingIfNeeded: random.next() & 0xff_ffff) }

    struct Side { var high: UInt64; var low: UInt64; var port: UInt16; var seq: UInt32 }

    /// Appends one Ethernet/IP/TCP frame.
    private mutating func frame(v6: Bool, from a: Side, to b: Side, flags: UInt8, ack: UInt32, payload: Int, options: Bool) {
        let optionBytes = options ? 20 : 0
        let tcpLength = 20 + optionBytes + payload
        let ipLength = (v6 ? 40 : 20) + tcpLength
        let frameLength = 14 + ipLength
        micros &+= 7 + UInt64(random.below(20))
        le32(UInt32(micros / 1_000_000)); le32(UInt32(micros % 1_000_000)); le32(UInt32(frameLength)); le32(UInt32(frameLength))
        let start = out.count
        out.append(contentsOf: [0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1])
        be16(v6 ? 0x86dd : 0x0800)
        let ipStart = out.count
        var pseudo: UInt64 = 0
        if v6 {
            be32(0x6000_0000); be16(UInt16(tcpLength)); out.append(6); out.append(64)
            for w in [a.high, a.low, b.high, b.low] {
                be32(UInt32(w >> 32)); be32(UInt32(w & 0xffff_ffff))
                pseudo &+= (w >> 48) &+ (w >> 32 & 0xffff) &+ (w >> 16 & 0xffff) &+ (w & 0xffff)
            }
        } else {
            be16(0x4500); be16(UInt16(ipLength)); be16(UInt16(truncatingIfNeeded: packets)); be16(0x4000)
            out.append(64); out.append(6); be16(0)
            be32(UInt32(a.low)); be32(UInt32(b.low))
            var s: UInt64 = 0
            var i = ipStart
            while i < ipStart + 20 { s &+= UInt64(out[i]) << 8 | UInt64(out[i + 1]); i += 2 }
            let c = SyntheticTraffic.fold(s)
            out[ipStart + 10] = UInt8(c >> 8); out[ipStart + 11] = UInt8(c & 0xff)
            pseudo = (a.low >> 16 & 0xffff) &+ (a.low & 0xffff) &+ (b.low >> 16 & 0xffff) &+ (b.low & 0xffff)
        }
        pseudo &+= UInt64(tcpLength) &+ 6
        let tcpStart = out.count
        be16(a.port); be16(b.port); be32(a.seq); be32(ack)
        out.append(UInt8((20 + optionBytes) / 4) << 4); out.append(flags); be16(64_240); be16(0); be16(0)
        if options {
            out.append(contentsOf: [2, 4, 0x05, 0xb4, 4, 2, 8, 10])
            be32(UInt32(truncatingIfNeeded: micros)); be32(0)
            out.append(contentsOf: [1, 3, 3, 7])
        }
        for i in 0..<payload { out.append(UInt8(truncatingIfNeeded: 0x41 + i % 26)) }
        var s = pseudo
        var i = tcpStart
        let end = out.count
        while i + 1 < end { s &+= UInt64(out[i]) << 8 | UInt64(out[i + 1]); i += 2 }
        if i < end { s &+= UInt64(out[i]) << 8 }
        let c = SyntheticTraffic.fold(s)
        out[tcpStart + 16] = UInt8(c >> 8); out[tcpStart + 17] = UInt8(c & 0xff)
        _ = start
        packets += 1
    }

    static func fold(_ sum: UInt64) -> UInt16 {
        var s = sum
        while s >> 16 != 0 { s = (s & 0xffff) &+ (s >> 16) }
        return ~UInt16(s)
    }

    /// One connection's remaining script.
    struct Flow {
        var v6: Bool
        var client: Side
        var server: Side
        var kind: Int // 0 normal, 1 reset, 2 unanswered
        var step = 0
        var dataLeft: Int
    }

    private mutating func newFlow(_ mix: Mix) -> Flow {
        let v6 = random.below(100) < mix.ipv6Percent
        var c = Side(high: 0, low: 0, port: UInt16(1024 + random.below(60_000)), seq: UInt32(truncatingIfNeeded: random.next()))
        var s = Side(high: 0, low: 0, port: [80, 443, 22, 25, 8080, 5432][random.below(6)], seq: UInt32(truncatingIfNeeded: random.next()))
        if v6 {
            c.high = 0x2001_0db8_0000_0000 | (random.next() & 0xffff_ffff); c.low = random.next()
            s.high = 0x2001_0db8_0001_0000 | (random.next() & 0xffff); s.low = random.next()
        } else {
            c.low = UInt64(ipv4()); s.low = UInt64(ipv4())
        }
        if mix.serverPool > 0 {
            // A fixed endpoint per pool slot, from its own generator: the same servers all along.
            var pool = Random(state: 0x5eed_0000 &+ UInt64(random.below(mix.serverPool)))
            s.port = [80, 443, 22, 25, 8080, 5432][Int(pool.next() % 6)]
            if v6 {
                s.high = 0x2001_0db8_0001_0000 | (pool.next() & 0xffff); s.low = pool.next()
            } else {
                s.low = UInt64(UInt32(1 + pool.below(223)) << 24 | UInt32(truncatingIfNeeded: pool.next() & 0xff_ffff))
            }
        }
        let roll = random.below(100)
        let kind = roll < mix.unansweredPercent ? 2 : (roll < mix.unansweredPercent + mix.resetPercent ? 1 : 0)
        connections += 1
        return Flow(v6: v6, client: c, server: s, kind: kind, dataLeft: mix.segmentsEachWay)
    }

    /// Emits the flow's next packet; false when it is finished.
    private mutating func advance(_ f: inout Flow, _ mix: Mix) -> Bool {
        let SYN: UInt8 = 0x02, ACK: UInt8 = 0x10, FIN: UInt8 = 0x01, RST: UInt8 = 0x04, PSH: UInt8 = 0x08
        switch (f.kind, f.step) {
        case (_, 0):
            frame(v6: f.v6, from: f.client, to: f.server, flags: SYN, ack: 0, payload: 0, options: true)
        case (2, 1), (2, 2):
            frame(v6: f.v6, from: f.client, to: f.server, flags: SYN, ack: 0, payload: 0, options: true)
            if f.step == 2 { return false }
        case (_, 1):
            f.client.seq &+= 1
            frame(v6: f.v6, from: f.server, to: f.client, flags: SYN | ACK, ack: f.client.seq, payload: 0, options: true)
            f.server.seq &+= 1
        case (_, 2):
            frame(v6: f.v6, from: f.client, to: f.server, flags: ACK, ack: f.server.seq, payload: 0, options: false)
        case (_, 3), (_, 4), (_, 5), (_, 6):
            // Data one way and its ACK, then the other way.
            let fromClient = f.step == 3 || f.step == 4
            if f.step == 3 || f.step == 5 {
                let (a, b) = fromClient ? (f.client, f.server) : (f.server, f.client)
                frame(v6: f.v6, from: a, to: b, flags: PSH | ACK, ack: b.seq, payload: mix.payload, options: false)
                if fromClient { f.client.seq &+= UInt32(mix.payload) } else { f.server.seq &+= UInt32(mix.payload) }
            } else {
                let (a, b) = fromClient ? (f.server, f.client) : (f.client, f.server)
                frame(v6: f.v6, from: a, to: b, flags: ACK, ack: b.seq, payload: 0, options: false)
                if f.step == 6 {
                    f.dataLeft -= 1
                    if f.dataLeft > 0 { f.step = 2 }
                }
            }
        case (1, 7):
            frame(v6: f.v6, from: f.client, to: f.server, flags: RST | ACK, ack: f.server.seq, payload: 0, options: false)
            return false
        case (_, 7):
            frame(v6: f.v6, from: f.client, to: f.server, flags: FIN | ACK, ack: f.server.seq, payload: 0, options: false)
            f.client.seq &+= 1
        case (_, 8):
            frame(v6: f.v6, from: f.server, to: f.client, flags: ACK, ack: f.client.seq, payload: 0, options: false)
        case (_, 9):
            frame(v6: f.v6, from: f.server, to: f.client, flags: FIN | ACK, ack: f.client.seq, payload: 0, options: false)
            f.server.seq &+= 1
        default:
            frame(v6: f.v6, from: f.client, to: f.server, flags: ACK, ack: f.server.seq, payload: 0, options: false)
            return false
        }
        f.step += 1
        return true
    }

    /// Appends about `packets` packets of interleaved connections.
    public mutating func connections(packets target: Int, mix: Mix = Mix()) {
        var active: [Flow] = []
        active.reserveCapacity(mix.concurrent)
        while packets < target {
            if active.count < mix.concurrent {
                active.append(newFlow(mix))
            }
            let i = random.below(active.count)
            if !advance(&active[i], mix) {
                active.swapAt(i, active.count - 1)
                active.removeLast()
            }
        }
        // Finish what is open so every connection closes (a few packets past the target).
        for i in active.indices { while advance(&active[i], mix) {} }
    }

    /// Lets `seconds` of capture time pass before the next packet.
    public mutating func pause(seconds: Double) {
        micros &+= UInt64(Swift.max(0, seconds) * 1_000_000)
    }

    /// Appends `count` SYNs from distinct random sources to one server endpoint (the same one
    /// for every call with the same `target` seed; a random one without).
    public mutating func synFlood(count: Int, target: UInt64? = nil) {
        var address = UInt64(ipv4())
        if let target {
            var r = Random(state: target)
            address = UInt64(UInt32(1 + r.below(223)) << 24 | UInt32(truncatingIfNeeded: r.next() & 0xff_ffff))
        }
        let server = Side(high: 0, low: address, port: 80, seq: 0)
        for _ in 0..<count {
            let client = Side(high: 0, low: UInt64(ipv4()), port: UInt16(1024 + random.below(60_000)),
                              seq: UInt32(truncatingIfNeeded: random.next()))
            frame(v6: false, from: client, to: server, flags: 0x02, ack: 0, payload: 0, options: true)
        }
    }
}
