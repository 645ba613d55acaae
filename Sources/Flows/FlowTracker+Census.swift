import Wire

/// A connection's states before a packet is applied, for the census.
struct CensusMark {
    var client: TCPState
    var server: TCPState
    var clientSince: Nanoseconds?
    var serverSince: Nanoseconds?
    var handshakeCompleted: Bool

    @inline(__always)
    init(_ c: borrowing Connection) {
        client = c.clientTrack.state
        server = c.serverTrack.state
        clientSince = c.clientTrack.stateSince
        serverSince = c.serverTrack.stateSince
        handshakeCompleted = c.handshakeCompleted
    }
}

extension FlowTracker {
    /// The census numbers at the latest packet's time.
    public func stateSnapshot(at time: Nanoseconds? = nil, topServers: Int = 10) -> StateSnapshot {
        census.snapshot(at: time ?? now, topServers: topServers)
    }

    /// Moves the clock to `time` without a packet: expires what is due and judges the
    /// stuck-state and pile-up alerts, so a sample taken at `time` is current.
    public mutating func advance(to time: Nanoseconds) {
        guard time > now else { return }
        expire(now: time)
        census.tick(time)
    }

    /// Moves the clock to `time` without a packet and expires what is due, without judging
    /// the alerts: a sample taken at `time` is current, and no alert moves to `time`
    /// (StateSeries samples the report's chart this way, so the chart changes no other output).
    public mutating func expire(through time: Nanoseconds) {
        guard time > now else { return }
        expire(now: time)
    }

    /// True when stuck-state or pile-up alert records are waiting.
    /// Inlinable, as `hasAlerts` is: asked after every TCP packet, and a call into this module
    /// copied the whole tracker (912 bytes) to make it (docs/performance.md).
    @inlinable public var hasStateAlerts: Bool { !census.alerts.isEmpty }

    /// Returns and clears the stuck-state and pile-up records raised so far.
    public mutating func takeStateAlerts() -> [StateAlert] { census.takeAlerts() }

    /// What one packet did to a tracked connection's census counts.
    @inline(__always)
    mutating func censusObserve(_ m: CensusMark, slot: Int32, _ s: Segment, _ event: PacketEvent) {
        let server = table[slot].censusServer
        census.packet(server: server, retransmission: event.notes.contains(.retransmission), reset: s.isRST)
        let client = table[slot].clientTrack.state, serverState = table[slot].serverTrack.state
        if client != m.client || serverState != m.server {
            let address = table[slot].client.address
            census.change(server: server, clientAddress: address, clientSlot: &table[slot].censusClient,
                          from: (m.client, m.server), to: (client, serverState),
                          since: (m.clientSince, m.serverSince), at: s.time)
        }
        if !m.handshakeCompleted && table[slot].handshakeCompleted, let rtt = table[slot].handshakeRTT {
            census.handshakeRTT(server: server, rtt)
        }
    }

    /// A connection that just began with `s`, before it goes into the table.
    mutating func censusStart(_ c: inout Connection, _ s: Segment, _ event: PacketEvent) {
        c.censusServer = census.serverSlot(c.server)
        census.opened(server: c.censusServer)
        census.packet(server: c.censusServer, retransmission: event.notes.contains(.retransmission), reset: s.isRST)
        census.change(server: c.censusServer, clientAddress: c.client.address, clientSlot: &c.censusClient,
                      from: (.closed, .closed), to: (c.clientTrack.state, c.serverTrack.state),
                      since: (nil, nil), at: s.time)
        if c.handshakeCompleted && !c.midstream, let rtt = c.handshakeRTT { census.handshakeRTT(server: c.censusServer, rtt) }
    }

    /// A connection the tracker forgets (idle, evicted, replaced on its 4-tuple).
    mutating func censusRemove(_ c: inout Connection) {
        census.change(server: c.censusServer, clientAddress: c.client.address, clientSlot: &c.censusClient,
                      from: (c.clientTrack.state, c.serverTrack.state), to: (.closed, .closed),
                      since: (c.clientTrack.stateSince, c.serverTrack.stateSince), at: now)
    }

    /// A closed connection's record forgotten (TIME_WAIT over, or replaced).
    mutating func censusRemove(_ r: ClosedConnections.Record) {
        var clientSlot = r.censusClient
        census.change(server: r.censusServer, clientAddress: IPAddress(ipv4: 0), clientSlot: &clientSlot,
                      from: (r.clientState, r.serverState), to: (.closed, .closed), since: (nil, nil), at: now)
    }
}
