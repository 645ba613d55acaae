import Wire

/// A connection's standing as a SYN flood attempt, taken before a packet is applied.
struct AttemptMark {
    var open: Bool
    var answered: Bool

    init(_ c: borrowing Connection) {
        open = c.isHalfOpen
        answered = c.synAckTime != nil
    }
}

extension Connection {
    /// Half-open: opened by a SYN seen in the capture, and neither completed nor reset nor
    /// closed since (SYN-ACK sent or not).
    public var isHalfOpen: Bool {
        !midstream && synTime != nil && !handshakeCompleted && resetBy == nil && closedAt == nil
    }
}

extension FlowTracker {
    /// True when SYN flood records are waiting.
    @inlinable public var hasAlerts: Bool { !synFlood.alerts.isEmpty }

    /// Returns and clears the SYN flood records raised so far.
    public mutating func takeAlerts() -> [SynFloodAlert] { synFlood.takeAlerts() }

    /// A connection just opened by `s`: a new attempt when `s` is a SYN.
    mutating func floodAttempt(_ c: Connection, _ s: Segment) {
        guard s.isConnectionRequest, configuration.synFlood.isEnabled else { return }
        synFlood.attempt(target: c.server, source: s.source.address, time: s.time)
    }

    /// What a packet did to a connection's attempt: answered with SYN-ACK, completed, reset.
    mutating func floodObserve(_ before: AttemptMark, slot: Int32) {
        guard before.open, let synTime = table[slot].synTime, configuration.synFlood.isEnabled else { return }
        let server = table[slot].server
        if !before.answered && table[slot].synAckTime != nil { synFlood.answered(target: server, synTime: synTime) }
        if !table[slot].isHalfOpen { synFlood.resolved(target: server, synTime: synTime) }
    }

    /// A new SYN replaced the connection on its 4-tuple: an attempt it was is over (the retry
    /// is counted as the attempt instead).
    mutating func floodSuperseded(_ old: Connection) {
        guard old.isHalfOpen, let synTime = old.synTime, configuration.synFlood.isEnabled else { return }
        synFlood.resolved(target: old.server, synTime: synTime)
    }

    /// End of input: attempts younger than `endOfInputGrace` may be handshakes in flight and
    /// are not called half-open; then the open windows are judged and alerts still on are closed.
    mutating func floodFinish(_ liveSlots: [Int32], at now: Nanoseconds) {
        guard configuration.synFlood.isEnabled else { return }
        let young = now &- configuration.synFlood.endOfInputGrace
        for slot in liveSlots {
            if table[slot].isHalfOpen, let synTime = table[slot].synTime, synTime > young {
                synFlood.resolved(target: table[slot].server, synTime: synTime)
            }
        }
        synFlood.finish(at: now)
    }
}
