import Wire

/// Scripts a TCP conversation between a client and a server, keeping each side's sequence and
/// acknowledgment numbers, and records the frames with timestamps.
public struct Conversation {
    public let client: Endpoint
    public let server: Endpoint
    public var clientNext: UInt32
    public var serverNext: UInt32
    /// What each side has acknowledged so far (its next expected byte from the peer).
    public var clientAcks: UInt32 = 0
    public var serverAcks: UInt32 = 0
    public var time: (seconds: UInt32, nanos: UInt32)
    public private(set) var segments: [(seconds: UInt32, nanos: UInt32, segment: CraftedSegment)] = []
    public var window: UInt16 = 64240
    private var ipID: UInt16 = 1

    public init(client: Endpoint, server: Endpoint, clientISN: UInt32, serverISN: UInt32, start: (UInt32, UInt32)) {
        self.client = client
        self.server = server
        self.clientNext = clientISN
        self.serverNext = serverISN
        self.time = start
    }

    public enum Side { case client, server }

    /// Advances the clock by `micros` microseconds.
    public mutating func wait(micros: UInt32) {
        var n = UInt64(time.nanos) + UInt64(micros) * 1000
        var s = UInt64(time.seconds)
        s += n / 1_000_000_000
        n %= 1_000_000_000
        time = (UInt32(s), UInt32(n))
    }

    /// Sends a segment from `side`; sequence numbers advance by what it occupies.
    public mutating func send(_ side: Side, flags: TCPFlags, payload: [UInt8] = [], options: [CraftedOption] = [],
                              sequence: UInt32? = nil, acknowledgment: UInt32? = nil, window: UInt16? = nil,
                              advance: Bool = true) {
        let from = side == .client ? client : server
        let to = side == .client ? server : client
        let seq = sequence ?? (side == .client ? clientNext : serverNext)
        let ack = acknowledgment ?? (flags.contains(.ack) ? (side == .client ? clientAcks : serverAcks) : 0)
        var seg = CraftedSegment(source: from, destination: to, sequence: seq, acknowledgment: ack, flags: flags,
                                 window: window ?? self.window, options: options, payload: payload)
        seg.ipID = ipID
        ipID &+= 1
        segments.append((time.seconds, time.nanos, seg))
        let length = UInt32(payload.count) + (flags.contains(.syn) ? 1 : 0) + (flags.contains(.fin) ? 1 : 0)
        guard advance else { return }
        if side == .client {
            if sequence == nil { clientNext = seq &+ length }
            serverAcks = Seq.max(serverAcks, seq &+ length)
            if flags.contains(.syn) { serverAcks = seq &+ length }
        } else {
            if sequence == nil { serverNext = seq &+ length }
            clientAcks = Seq.max(clientAcks, seq &+ length)
            if flags.contains(.syn) { clientAcks = seq &+ length }
        }
    }

    /// Writes every segment as Ethernet frames.
    public func write(into writer: inout PcapFileWriter) {
        for (s, n, seg) in segments {
            writer.append(seconds: s, nanoseconds: n, frame: FrameBuilder.ethernetFrame(seg))
        }
    }
}
