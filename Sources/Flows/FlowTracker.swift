import Wire

/// Follows every TCP connection in a stream of segments: finds or starts the connection a
/// segment belongs to, applies it to both endpoints' state machines, and hands out
/// connections as they end. Memory grows with live connections, not with input size.
public struct FlowTracker {
    public let configuration: TrackerConfiguration
    var table = FlowTable()
    private var nextNumber = 1
    public private(set) var statistics = TrackerStatistics()
    /// Connections that ended since the last `takeEnded()`.
    public private(set) var ended: [EndedConnection] = []
    /// SYN flood detection over the connections opened (SynFloodDetector.swift; `takeAlerts()`).
    public internal(set) var synFlood: SynFloodDetector
    /// Capture time of the latest segment.
    public private(set) var now: Nanoseconds = 0

    public init(configuration: TrackerConfiguration = TrackerConfiguration()) {
        self.configuration = configuration
        self.synFlood = SynFloodDetector(configuration.synFlood)
    }

    @inlinable public var hasEnded: Bool { !ended.isEmpty }

    /// Returns and clears the connections that ended.
    public mutating func takeEnded() -> [EndedConnection] {
        defer { ended.removeAll(keepingCapacity: true) }
        return ended
    }

    /// The live connection a pair of endpoints belongs to, if any.
    public func connection(between a: Endpoint, and b: Endpoint) -> Connection? {
        table.slot(for: FlowKey(a, b)).flatMap { table.slots[Int($0)] }
    }

    /// Applies one segment and says what it did.
    public mutating func process(_ s: Segment) -> PacketEvent {
        expire(now: s.time)
        now = s.time
        if configuration.synFlood.isEnabled { synFlood.advance(to: s.time) }
        let key = FlowKey(s.source, s.destination)
        if let slot = table.slot(for: key) {
            if s.isConnectionRequest, let reason = reuseReason(table.slots[Int(slot)]!, s) {
                let old = table.remove(slot)
                statistics.live -= 1
                if !old.reported { report(old, .superseded) }
                floodSuperseded(old)
                var event = start(s, key: key, reuse: reason, previous: old.number)
                event.notes.insert(.portReuse)
                event.reuse = reason
                event.previousFlow = old.number
                return event
            }
            table.touch(slot)
            let sender = table.slots[Int(slot)]!.role(of: s.source)
            let mark = AttemptMark(table.slots[Int(slot)]!)
            let event = table.slots[Int(slot)]!.apply(s, sender: sender)
            floodObserve(mark, table.slots[Int(slot)]!)
            reportIfClosed(slot)
            return event
        }
        return start(s, key: key, reuse: nil, previous: nil)
    }

    /// Reports every connection still tracked, in flow order, as open at the end of input.
    public mutating func finish() {
        var remaining: [Connection] = []
        for slot in table.liveSlots { remaining.append(table.remove(slot)) }
        floodFinish(remaining, at: now)
        statistics.live = 0
        remaining.sort { $0.number < $1.number }
        for c in remaining where !c.reported { report(c, .endOfInput) }
    }

    private mutating func start(_ s: Segment, key: FlowKey, reuse: ReuseReason?, previous: Int?) -> PacketEvent {
        if table.count >= configuration.maxConnections, table.oldest >= 0 {
            let victim = table.remove(table.oldest)
            statistics.live -= 1
            statistics.evicted += 1
            if !victim.reported { report(victim, .evicted) }
        }
        let midstream = !s.isConnectionRequest
        let (client, server) = midstream ? FlowTracker.inferRoles(s) : (s.source, s.destination)
        var c = Connection(number: nextNumber, client: client, server: server, midstream: midstream,
                           time: s.time, packet: s.packetNumber)
        nextNumber += 1
        c.reuse = reuse
        c.previousNumber = previous
        c.zeek.options = configuration.zeek
        let sender = c.role(of: s.source)
        if midstream { c.assumeMidstream(first: s, sender: sender) }
        var event = c.apply(s, sender: sender)
        if midstream { event.notes.insert(.midstream) } else { floodAttempt(c, s) }
        let slot = table.insert(c, key: key)
        statistics.connections += 1
        statistics.live += 1
        statistics.peakLive = Swift.max(statistics.peakLive, statistics.live)
        reportIfClosed(slot)
        return event
    }

    /// Roles for a connection seen without its SYN: a SYN-ACK's sender is the server; else
    /// the lower (well-known) port; else the first sender is the client.
    static func inferRoles(_ s: Segment) -> (client: Endpoint, server: Endpoint) {
        if s.isSYN && s.hasACK { return (s.destination, s.source) }
        if s.source.port < s.destination.port { return (s.destination, s.source) }
        return (s.source, s.destination)
    }

    /// Why a SYN on a known 4-tuple starts a new incarnation; nil when it belongs to the current one.
    private func reuseReason(_ c: Connection, _ s: Segment) -> ReuseReason? {
        let role = c.role(of: s.source)
        let me = c.track(role), peer = c.track(role.peer)
        if me.sentSYN && me.isn == s.sequence { return nil }
        if !me.sentSYN && peer.sentSYN && peer.state == .synSent && !c.isClosed { return nil }
        if let closedAt = c.closedAt {
            let inTimeWait = c.clientTrack.state == .timeWait || c.serverTrack.state == .timeWait
            return inTimeWait && s.time < closedAt + 2 * configuration.msl ? .duringTimeWait : .afterClose
        }
        if !c.handshakeCompleted && !c.track(.server).sentSYN { return .afterUnansweredSYN }
        return .synOnOpenConnection
    }

    private mutating func reportIfClosed(_ slot: Int32) {
        guard let c = table.slots[Int(slot)], c.isClosed, !c.reported else { return }
        table.slots[Int(slot)]!.reported = true
        statistics.closed += 1
        report(c, .closed)
    }

    private mutating func report(_ c: Connection, _ reason: EndReason) {
        var c = c
        c.reported = true
        ended.append(EndedConnection(connection: c, reason: reason, time: now))
    }

    /// Forgets the least recently active connections whose time is up: TIME_WAIT over for a
    /// closed one, the idle timeout for any other.
    private mutating func expire(now: Nanoseconds) {
        while table.oldest >= 0 {
            let c = table.slots[Int(table.oldest)]!
            let deadline = c.isClosed ? Swift.max(c.lastTime, c.closedAt!) + 2 * configuration.msl
                                      : c.lastTime + configuration.idleTimeout
            guard now > deadline else { return }
            let gone = table.remove(table.oldest)
            statistics.live -= 1
            if !gone.reported {
                statistics.idleExpired += 1
                report(gone, .idle)
            }
        }
    }
}
