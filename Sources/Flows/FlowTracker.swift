import Wire

/// Follows every TCP connection in a stream of segments: finds or starts the connection a
/// segment belongs to, applies it to both endpoints' state machines, and hands out
/// connections as they end. Memory grows with live connections, not with input size.
public struct FlowTracker {
    public let configuration: TrackerConfiguration
    var table = FlowTable()
    /// Closed connections, compacted after a grace period until their TIME_WAIT is over.
    var closed: ClosedConnections
    private var nextNumber: Int
    /// The slots left at the end of input, in flow order, while `finish` drains them.
    private var finishOrder: [Int32]? = nil
    private var finishIndex = 0
    public private(set) var statistics = TrackerStatistics()
    /// Connections that ended since the last `takeEnded()`.
    public private(set) var ended: [EndedConnection] = []
    /// SYN flood detection over the connections opened (SynFloodDetector.swift; `takeAlerts()`).
    public internal(set) var synFlood: SynFloodDetector
    /// Endpoints by state, per server endpoint, and the stuck-state and pile-up alerts
    /// (StateCensus.swift, StateAlerts.swift).
    public internal(set) var census: StateCensus
    /// Closed-connection records forgotten by the latest `expire`, for the census.
    var droppedRecords: [ClosedConnections.Record] = []
    /// Capture time of the latest segment.
    public private(set) var now: Nanoseconds = 0
    /// Nothing expires at or before this time: the earliest of the next grace period, TIME_WAIT
    /// record and least-recently-active deadline, as `expire` last found them. Anything that
    /// could bring one earlier (a close, a new or removed connection, activity of the least
    /// recently active one) resets it to `.min`.
    private var quietUntil: Nanoseconds = .min
    /// Keys the flow-table digests (FlowKey.digest(seed:)): random per tracker, so no capture
    /// can be crafted to collide in the tables.
    let digestSeed = UInt64.random(in: 0 ... .max)

    public init(configuration: TrackerConfiguration = TrackerConfiguration()) {
        self.configuration = configuration
        self.nextNumber = configuration.firstNumber
        self.closed = ClosedConnections(connections: configuration.maxConnections)
        self.synFlood = SynFloodDetector(configuration.synFlood)
        self.census = StateCensus(configuration.stateAlerts)
    }

    @inlinable public var hasEnded: Bool { !ended.isEmpty }

    /// Returns and clears the connections that ended.
    public mutating func takeEnded() -> [EndedConnection] {
        defer { ended.removeAll(keepingCapacity: true) }
        return ended
    }

    /// Swaps the connections that ended into `batch`, which must be empty; handing the same
    /// array back each time (emptied with its capacity kept) costs no allocation.
    public mutating func takeEnded(into batch: inout [EndedConnection]) {
        precondition(batch.isEmpty, "takeEnded(into:) needs an empty array")
        swap(&batch, &ended)
    }

    /// The live connection a pair of endpoints belongs to, if any.
    public func connection(between a: Endpoint, and b: Endpoint) -> Connection? {
        table.slot(between: a, and: b, digest: FlowKey.digest(a, b, seed: digestSeed)).map { table[$0] }
    }

    /// Applies one segment and says what it did.
    public mutating func process(_ s: Segment) -> PacketEvent {
        expire(now: s.time)
        now = s.time
        if configuration.synFlood.isEnabled { synFlood.advance(to: s.time) }
        census.tick(s.time)
        let digest = FlowKey.digest(s.source, s.destination, seed: digestSeed)
        guard let slot = table.slot(between: s.source, and: s.destination, digest: digest) else {
            return processUntracked(s, digest: digest)
        }
        if s.isConnectionRequest, let reason = reuseReason(table[slot], s) {
            return restart(slot, s, digest: digest, reason: reason)
        }
        if slot == table.oldest { quietUntil = .min }
        table.touch(slot)
        let mark = configuration.synFlood.isEnabled ? AttemptMark(table[slot]) : nil
        let before = CensusMark(table[slot])
        let event = table[slot].apply(s, sender: table[slot].role(of: s.source))
        if event.notes.contains(.resetRevised) { statistics.closed -= 1 }
        if let mark, mark.open { floodObserve(mark, slot: slot) }
        censusObserve(before, slot: slot, s, event)
        if table[slot].isClosed && !table[slot].closeScheduled { reportClosed(slot) }
        return event
    }

    /// A SYN that starts a new incarnation on the 4-tuple of the connection in `slot`.
    @inline(never)
    private mutating func restart(_ slot: Int32, _ s: Segment, digest: UInt64, reason: ReuseReason) -> PacketEvent {
        var old = table.remove(slot)
        quietUntil = .min
        statistics.live -= 1
        censusRemove(&old)
        if !old.reported { report(old, old.isClosed ? .closed : .superseded) }
        floodSuperseded(old)
        // A connect retry sends its SYN again, ISN unchanged: a retransmission in a new connection.
        let resent = old.clientTrack.isn == s.sequence && old.role(of: s.source) == .client ? old.clientTrack.synTransmissions : 0
        return start(s, digest: digest, reuse: reason, previous: old.number, earlierSYNs: resent)
    }

    /// The capture's clock reached `time` on a packet this tracker does not follow (one of another
    /// shard's connections, `--shard`): what is due by then expires, as it would have before a
    /// segment at that time, so that idle timeouts and TIME_WAIT end when they do for a tracker
    /// that sees every packet.
    public mutating func skipSegment(at time: Nanoseconds) {
        expire(now: time)
        now = time
        if configuration.synFlood.isEnabled { synFlood.advance(to: time) }
    }

    /// A segment of no tracked connection: after a compacted close, or the first of a new one.
    /// Out of line, so the common path of `process` stays small.
    @inline(never)
    private mutating func processUntracked(_ s: Segment, digest: UInt64) -> PacketEvent {
        if closed.count > 0, let record = closed.record(digest) {
            let clientIsSender = (s.source == FlowKey(s.source, s.destination).low) == record.clientIsLow
            let retry: ReuseReason? = record.refused ? .retryAfterRefusal : record.reset ? .retryAfterReset : nil
            if s.isConnectionRequest && (retry != nil || !(clientIsSender && record.hasClientISN && record.clientISN == s.sequence)) {
                if let gone = closed.remove(digest) { censusRemove(gone) }
                let inTimeWait = record.clientState == .timeWait || record.serverState == .timeWait
                let reason: ReuseReason = retry
                    ?? (inTimeWait && s.time < record.closedAt &+ 2 * configuration.msl ? .duringTimeWait : .afterClose)
                let resent = retry != nil && clientIsSender && record.hasClientISN && record.clientISN == s.sequence ? 1 : 0
                return start(s, digest: digest, reuse: reason, previous: record.number, earlierSYNs: resent)
            }
            return FlowTracker.afterClose(record, s, sender: clientIsSender ? .client : .server)
        }
        return start(s, digest: digest, reuse: nil, previous: nil)
    }

    /// A packet for a connection that closed and was compacted: named, states unchanged.
    static func afterClose(_ r: ClosedConnections.Record, _ s: Segment, sender: Role) -> PacketEvent {
        var notes: PacketNotes = [.afterClose]
        let receiverState = sender == .client ? r.serverState : r.clientState
        if s.isRST && receiverState == .timeWait { notes.insert(.timeWaitAssassination) }
        if !s.hasValidControlBits { notes.insert(.invalidFlags) }
        return PacketEvent(flow: r.number, sender: sender, step: s.isRST ? .reset : .none,
                           client: StateChange(before: r.clientState, via: nil, after: r.clientState, certainty: .observed),
                           server: StateChange(before: r.serverState, via: nil, after: r.serverState, certainty: .observed),
                           notes: notes, retransmissionCount: 0, expectedAck: 0, actualAck: 0, reuse: nil, previousFlow: nil)
    }

    /// Reports every connection still tracked, in flow order, as open at the end of input.
    public mutating func finish() {
        while finish(batch: Int.max) {}
    }

    /// Ends up to `batch` of the connections still tracked, in flow order, into `ended`;
    /// false once none remain. Draining `ended` between batches keeps the end of a large
    /// capture from holding all its connections twice.
    public mutating func finish(batch: Int) -> Bool {
        if finishOrder == nil {
            finishOrder = table.liveSlots.map { slot in (table[slot].number, slot) }
                .sorted { $0.0 < $1.0 }.map(\.1)
            floodFinish(finishOrder!, at: now)
            census.finishAlerts(at: now)
        }
        let order = finishOrder!
        let end = Swift.min(order.count, finishIndex + Swift.max(1, batch))
        while finishIndex < end {
            let c = table.remove(order[finishIndex])
            quietUntil = .min
            finishIndex += 1
            statistics.live -= 1
            // Closed ones were reported when they closed (or wait for their grace period after a
            // RST); the rest end here.
            if !c.reported { report(c, c.isClosed ? .closed : .endOfInput) }
        }
        return finishIndex < order.count
    }

    /// `earlierSYNs`: transmissions of this very SYN (same ISN) in the connection it replaces.
    private mutating func start(_ s: Segment, digest: UInt64, reuse: ReuseReason?, previous: Int?, earlierSYNs: Int = 0) -> PacketEvent {
        if table.count >= configuration.maxConnections, table.oldest >= 0 {
            var victim = table.remove(table.oldest)
            quietUntil = .min
            statistics.live -= 1
            censusRemove(&victim)
            statistics.evicted += 1
            if !victim.reported { report(victim, victim.isClosed ? .closed : .evicted) }
        }
        let midstream = !s.isConnectionRequest
        let (client, server) = midstream ? FlowTracker.inferRoles(s) : (s.source, s.destination)
        var c = Connection(number: nextNumber, client: client, server: server, midstream: midstream,
                           time: s.time, packet: s.packetNumber)
        nextNumber += configuration.numberStep
        c.reuse = reuse
        c.previousNumber = previous
        if configuration.zeekModel { c.enableZeekModel(configuration.zeek) }
        c.analyzesSequences = configuration.sequenceAnalysis
        c.recordsTimeline = configuration.timelines
        let sender = c.role(of: s.source)
        if midstream { c.assumeMidstream(first: s, sender: sender) }
        var event = c.apply(s, sender: sender)
        if midstream { event.notes.insert(.midstream) } else { floodAttempt(c, s) }
        censusStart(&c, s, event)
        if let reuse {
            // Port reuse is a new ISN on the 4-tuple (tshark's reused_ports); the same SYN again
            // after a refusal or reset starts a new connection but is that SYN's retransmission.
            if earlierSYNs > 0 {
                event.notes.insert(.retransmission)
                event.retransmissionCount = earlierSYNs
                c.clientTrack.synTransmissions += earlierSYNs
            } else {
                event.notes.insert(.portReuse)
            }
            event.reuse = reuse
            event.previousFlow = previous
        }
        let closes = c.isClosed
        let slot = table.insert(c, digest: digest)
        quietUntil = .min
        statistics.connections += 1
        statistics.live += 1
        statistics.peakLive = Swift.max(statistics.peakLive, statistics.live)
        if closes { reportClosed(slot) }
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
        // A CLOSED endpoint sends no SYN of the old connection: after a refusal or a reset its
        // SYN, even with the same ISN (a connect retry), starts a new one.
        if me.state == .closed && (c.refused || c.resetBy != nil) {
            return c.refused ? .retryAfterRefusal : .retryAfterReset
        }
        // The same ISN: a retransmission, or the SYN of a connection first seen by its SYN-ACK
        // (captured out of order), whose ISN was inferred from the SYN-ACK's ack.
        if me.isn == s.sequence { return nil }
        if !me.sentSYN && peer.sentSYN && peer.state == .synSent && !c.isClosed { return nil }
        if let closedAt = c.closedAt {
            let inTimeWait = c.clientTrack.state == .timeWait || c.serverTrack.state == .timeWait
            return inTimeWait && s.time < closedAt &+ 2 * configuration.msl ? .duringTimeWait : .afterClose
        }
        if !c.handshakeCompleted && !c.track(.server).sentSYN { return .afterUnansweredSYN }
        return .synOnOpenConnection
    }

    /// Schedules a connection that just closed; it stays whole in its slot for the grace period.
    /// A close by FINs is reported at once; a RST's only when the grace period is over, since
    /// packets until then may show that the RST did not take effect (Connection+Reset.swift).
    private mutating func reportClosed(_ slot: Int32) {
        table[slot].closeScheduled = true
        statistics.closed += 1
        if table[slot].resetBy == nil || table[slot].refused {
            table[slot].reported = true
            ended.append(EndedConnection(connection: table[slot], reason: .closed, time: now))
        }
        closed.schedule(slot: slot, number: table[slot].number, at: table[slot].closedAt ?? now)
        quietUntil = .min
    }

    private mutating func report(_ c: consuming Connection, _ reason: EndReason) {
        c.reported = true
        ended.append(EndedConnection(connection: c, reason: reason, time: now))
    }

    /// Forgets the least recently active connections whose time is up: TIME_WAIT over for a
    /// closed one, the idle timeout for any other.
    mutating func expire(now: Nanoseconds) {
        // Most packets: nothing can be due yet.
        guard now > quietUntil else { return }
        // Closed connections past their grace period shrink to a record.
        while let (slot, number) = closed.due(before: now &- configuration.closedGrace) {
            guard table.isOccupied(slot), table[slot].number == number else { continue }
            // Not closed: a RST that later packets revised, the connection open again.
            guard table[slot].isClosed else { continue }
            if !table[slot].reported {
                table[slot].reported = true
                ended.append(EndedConnection(connection: table[slot], reason: .closed, time: now))
            }
            if let replaced = closed.remember(table[slot], digest: table.digest(slot)) { censusRemove(replaced) }
            table.discard(slot)
            statistics.live -= 1
        }
        closed.forget(before: now, twoMSL: 2 * configuration.msl, into: &droppedRecords)
        if !droppedRecords.isEmpty {
            for r in droppedRecords { censusRemove(r) }
            droppedRecords.removeAll(keepingCapacity: true)
        }
        while table.oldest >= 0 && now > deadline(table.oldest) {
            var gone = table.remove(table.oldest)
            statistics.live -= 1
            censusRemove(&gone)
            if !gone.reported {
                statistics.idleExpired += 1
                report(gone, .idle)
            }
        }
        quietUntil = Swift.min(closed.quietUntil(grace: configuration.closedGrace, twoMSL: 2 * configuration.msl),
                               table.oldest >= 0 ? deadline(table.oldest) : .max)
    }

    /// When the connection in `slot` is forgotten if it stays the least recently active.
    private func deadline(_ slot: Int32) -> Nanoseconds {
        let c = table[slot]
        return c.isClosed
            ? Swift.max(c.lastTime, c.closedAt ?? c.lastTime) &+ 2 * configuration.msl
            : c.lastTime &+ configuration.idleTimeout(c.clientTrack.state, c.serverTrack.state)
    }
}
