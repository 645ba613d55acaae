import Wire

/// How many endpoints are in each TCP state, by role, indexed by `TCPState.rawValue`.
public struct StateCounts: Sendable, Equatable {
    public var client: [Int]
    public var server: [Int]

    public init() {
        client = Array(repeating: 0, count: TCPState.allCases.count)
        server = Array(repeating: 0, count: TCPState.allCases.count)
    }

    public subscript(role: Role, state: TCPState) -> Int {
        get { role == .client ? client[Int(state.rawValue)] : server[Int(state.rawValue)] }
        set { if role == .client { client[Int(state.rawValue)] = newValue } else { server[Int(state.rawValue)] = newValue } }
    }

    /// Endpoints of either role in `state`.
    public func total(_ state: TCPState) -> Int { client[Int(state.rawValue)] + server[Int(state.rawValue)] }
}

/// One server endpoint's numbers at a moment: its connections by state and what it has seen.
public struct ServerStateSnapshot: Sendable, Equatable {
    public var server: Endpoint
    /// Connections followed with at least one endpoint not CLOSED.
    public var connections: Int
    public var states: StateCounts
    /// Connections begun (any first packet) since the endpoint was first followed.
    public var opened: Int
    public var resets: Int
    public var packets: Int
    public var retransmissions: Int
    /// Handshake RTTs (client SYN to the completing ACK): how many, median and 99th percentile
    /// (upper edges of quarter-octave buckets: within 19% above the true value).
    public var rttSamples: Int
    public var rttMedian: Nanoseconds?
    public var rttP99: Nanoseconds?
    /// Half-open: the server endpoint in SYN_RECEIVED.
    public var halfOpen: Int { states[.server, .synReceived] }
}

/// The whole picture at a capture time: what a `states` record, the `--top` board and the
/// charts read.
public struct StateSnapshot: Sendable, Equatable {
    public var time: Nanoseconds
    /// Connections followed with at least one endpoint not CLOSED.
    public var connections: Int
    public var states: StateCounts
    /// The busiest server endpoints, most connections first (ties: endpoint order).
    public var servers: [ServerStateSnapshot]
    /// Server endpoints followed now, and connections whose server endpoint could not be
    /// followed (the endpoint table was full): counted in the totals only.
    public var serversFollowed: Int
    public var untrackedServerConnections: Int
}

/// Counts the states of every endpoint the tracker follows, as they change, in fixed memory
/// per server endpoint: the numbers behind `states` records, the board and the stuck-state and
/// pile-up alerts (StateAlerts.swift).
///
/// A connection counts from its first packet until the tracker forgets it: idle or evicted,
/// replaced by a new connection on its 4-tuple, or, once closed, when TIME_WAIT is over (2×MSL
/// after the close). CLOSED endpoints are counted too but are not "connections".
public struct StateCensus: Sendable {
    public let configuration: StateAlertConfiguration
    public private(set) var totals = StateCounts()
    public private(set) var connections = 0
    public private(set) var untrackedServerConnections = 0

    static let stateCount = TCPState.allCases.count
    static let rttBuckets = 64
    /// Quarter-octave buckets from 1 µs: bucket i holds RTTs up to 1 µs × 2^(i/4) (about 65 s at 63).
    static func rttBucket(_ rtt: Nanoseconds) -> Int {
        guard rtt > 1000 else { return 0 }
        let micros = Double(rtt) / 1000
        let b = Int((4 * log2(micros)).rounded(.up))
        return Swift.min(rttBuckets - 1, Swift.max(0, b))
    }
    static func rttUpperEdge(_ bucket: Int) -> Nanoseconds {
        Nanoseconds((1000 * pow2(Double(bucket) / 4)).rounded())
    }

    struct Server: Sendable {
        var endpoint: Endpoint
        var connections: Int32 = 0
        var opened = 0
        var resets = 0
        var packets = 0
        var retransmissions = 0
        var rttSamples = 0
        /// In `idleServers` (a reclaim candidate).
        var idleQueued = false
    }

    private var index = DigestIndex()
    var servers: [Server] = []
    private var freeServers: [Int32] = []
    /// Followed slots that had no connection when they were made or last lost one: the only
    /// ones a full table can give up. Every followed slot with no connection is here, so
    /// reclaiming looks at these and not at all slots (a scan per new server endpoint once the
    /// table is full made the census quadratic: docs/performance.md).
    private var idleServers: [Int32] = []
    /// Per server slot: client then server state counts (2 × 11).
    var serverStates: [Int32] = []
    private var rtt: [UInt32] = []
    /// Per server slot and stuck kind (StuckKind): the ring of entry-time buckets.
    var stuck: [StuckRing] = []

    /// Client addresses with a client endpoint in TIME_WAIT, and how many.
    struct ClientAddress: Sendable {
        var address: IPAddress
        var timeWait: Int32 = 0
    }
    private var clientIndex = DigestIndex()
    var clients: [ClientAddress] = []
    private var freeClients: [Int32] = []
    /// TIME_WAIT client endpoints whose address could not be followed (table full).
    public private(set) var untrackedTimeWait = 0

    private let digestSeed = UInt64.random(in: 0 ... .max)

    /// Alert bookkeeping (StateAlerts.swift).
    var alerting: [AlertKey: AlertStanding] = [:]
    public internal(set) var alerts: [StateAlert] = []
    var nextTick: Nanoseconds = .min

    public init(_ configuration: StateAlertConfiguration = StateAlertConfiguration()) {
        self.configuration = configuration
    }

    public var serversFollowed: Int { index.count }
    public var clientsFollowed: Int { clientIndex.count }

    // MARK: - Slots

    /// The slot of server endpoint `e`, made when there is room (a full table first gives up
    /// the endpoints with no connection left); -1 when none.
    mutating func serverSlot(_ e: Endpoint) -> Int32 {
        let d = FlowKey.digest(e, seed: digestSeed)
        if let s = index.find(d, { servers[Int($0)].endpoint == e }) { return s }
        if index.count >= configuration.maxEndpoints && freeServers.isEmpty { reclaimServers() }
        guard index.count < configuration.maxEndpoints else { return -1 }
        let slot: Int32
        if let reused = freeServers.popLast() {
            slot = reused
            servers[Int(slot)] = Server(endpoint: e)
            for i in 0..<(2 * StateCensus.stateCount) { serverStates[Int(slot) * 2 * StateCensus.stateCount + i] = 0 }
            for i in 0..<StateCensus.rttBuckets { rtt[Int(slot) * StateCensus.rttBuckets + i] = 0 }
            for k in 0..<StuckKind.allCases.count { stuck[Int(slot) * StuckKind.allCases.count + k] = StuckRing() }
        } else {
            slot = Int32(servers.count)
            servers.append(Server(endpoint: e))
            serverStates.append(contentsOf: repeatElement(0, count: 2 * StateCensus.stateCount))
            rtt.append(contentsOf: repeatElement(0, count: StateCensus.rttBuckets))
            stuck.append(contentsOf: repeatElement(StuckRing(), count: StuckKind.allCases.count))
        }
        index.insert(d, slot: slot)
        queueIdle(slot)
        return slot
    }

    /// Frees every server endpoint with no connection and no alert in force.
    private mutating func reclaimServers() {
        var kept: [Int32] = [], freed: [Int32] = []
        for slot in idleServers {
            let i = Int(slot)
            guard servers[i].connections == 0, isFollowed(slot) else {
                servers[i].idleQueued = false
                continue
            }
            if !alerting.isEmpty && alerting.keys.contains(where: { $0.server == slot }) {
                kept.append(slot)
                continue
            }
            servers[i].idleQueued = false
            index.remove(FlowKey.digest(servers[i].endpoint, seed: digestSeed), slot: slot)
            freed.append(slot)
        }
        idleServers = kept
        // In slot order, as a scan of all slots gave them: which slot a new endpoint gets
        // breaks ties between alerts at the end of input.
        freeServers.append(contentsOf: freed.sorted())
    }

    /// Queues a followed slot that has no connection as a reclaim candidate.
    private mutating func queueIdle(_ slot: Int32) {
        guard !servers[Int(slot)].idleQueued else { return }
        servers[Int(slot)].idleQueued = true
        idleServers.append(slot)
    }

    mutating func clientSlot(_ a: IPAddress) -> Int32 {
        let d = FlowKey.digest(Endpoint(address: a, port: 0), seed: digestSeed)
        if let s = clientIndex.find(d, { clients[Int($0)].address == a }) { return s }
        guard clientIndex.count < configuration.maxEndpoints else { return -1 }
        let slot: Int32
        if let reused = freeClients.popLast() {
            slot = reused
            clients[Int(slot)] = ClientAddress(address: a)
        } else {
            slot = Int32(clients.count)
            clients.append(ClientAddress(address: a))
        }
        clientIndex.insert(d, slot: slot)
        return slot
    }

    func isFollowedClient(_ slot: Int32) -> Bool {
        let a = clients[Int(slot)].address
        return clientIndex.find(FlowKey.digest(Endpoint(address: a, port: 0), seed: digestSeed), { $0 == slot }) != nil
    }

    mutating func releaseClient(_ slot: Int32) {
        let a = clients[Int(slot)].address
        if alerting[AlertKey(kind: .timeWaitPileup, server: -1, client: slot)] != nil { return }
        clientIndex.remove(FlowKey.digest(Endpoint(address: a, port: 0), seed: digestSeed), slot: slot)
        freeClients.append(slot)
    }

    // MARK: - Changes

    /// A connection appears (both endpoints from CLOSED) or changes state or disappears (to
    /// CLOSED, CLOSED). `since` are the times the endpoints entered their old states, for the
    /// stuck-state ages; `clientSlot` is the connection's TIME_WAIT client-address slot,
    /// resolved here when its client enters TIME_WAIT.
    mutating func change(server slot: Int32, clientAddress: IPAddress, clientSlot: inout Int32,
                         from: (TCPState, TCPState), to: (TCPState, TCPState),
                         since: (Nanoseconds?, Nanoseconds?), at now: Nanoseconds) {
        let wasActive = from.0 != .closed || from.1 != .closed
        let isActive = to.0 != .closed || to.1 != .closed
        let delta = (isActive ? 1 : 0) - (wasActive ? 1 : 0)
        connections += delta
        if slot < 0 && delta != 0 { untrackedServerConnections += delta }
        // Each role by itself (not a loop over an array of the two: that cost an allocation
        // per state change).
        if from.0 != to.0 { changeClient(server: slot, from.0, to.0, clientAddress: clientAddress, clientSlot: &clientSlot) }
        if from.1 != to.1 { changeServer(server: slot, from.1, to.1, entered: since.1, at: now) }
        if slot >= 0 && delta != 0 {
            servers[Int(slot)].connections += Int32(delta)
            if servers[Int(slot)].connections == 0 { queueIdle(slot) }
        }
    }

    private mutating func changeClient(server slot: Int32, _ a: TCPState, _ b: TCPState, clientAddress: IPAddress,
                                       clientSlot: inout Int32) {
        totals.client[Int(a.rawValue)] -= 1
        totals.client[Int(b.rawValue)] += 1
        if slot >= 0 {
            let base = Int(slot) * 2 * StateCensus.stateCount
            serverStates[base + Int(a.rawValue)] -= 1
            serverStates[base + Int(b.rawValue)] += 1
        }
        if a == .timeWait {
            if clientSlot >= 0 {
                clients[Int(clientSlot)].timeWait -= 1
                if clients[Int(clientSlot)].timeWait <= 0 { releaseClient(clientSlot) }
            } else {
                untrackedTimeWait -= 1
            }
            clientSlot = -1
        }
        if b == .timeWait {
            clientSlot = self.clientSlot(clientAddress)
            if clientSlot >= 0 { clients[Int(clientSlot)].timeWait += 1 } else { untrackedTimeWait += 1 }
        }
    }

    private mutating func changeServer(server slot: Int32, _ a: TCPState, _ b: TCPState, entered: Nanoseconds?, at now: Nanoseconds) {
        totals.server[Int(a.rawValue)] -= 1
        totals.server[Int(b.rawValue)] += 1
        guard slot >= 0 else { return }
        let base = Int(slot) * 2 * StateCensus.stateCount + StateCensus.stateCount
        serverStates[base + Int(a.rawValue)] -= 1
        serverStates[base + Int(b.rawValue)] += 1
        // Stuck states are the server endpoint's own: its application never closed
        // (CLOSE_WAIT), its client never sent its FIN (FIN_WAIT_2), its FIN was never
        // acknowledged (LAST_ACK).
        if let kind = StuckKind(a) { stuckLeave(slot, kind, entered: entered ?? now, now: now) }
        if let kind = StuckKind(b) { stuckEnter(slot, kind, at: now) }
    }

    mutating func opened(server slot: Int32) {
        guard slot >= 0 else { return }
        servers[Int(slot)].opened &+= 1
    }

    @inline(__always)
    mutating func packet(server slot: Int32, retransmission: Bool, reset: Bool) {
        guard slot >= 0 else { return }
        servers[Int(slot)].packets &+= 1
        if retransmission { servers[Int(slot)].retransmissions &+= 1 }
        if reset { servers[Int(slot)].resets &+= 1 }
    }

    mutating func handshakeRTT(server slot: Int32, _ value: Nanoseconds) {
        guard slot >= 0, value >= 0 else { return }
        rtt[Int(slot) * StateCensus.rttBuckets + StateCensus.rttBucket(value)] &+= 1
        servers[Int(slot)].rttSamples &+= 1
    }

    // MARK: - Reading

    public func snapshot(at time: Nanoseconds, topServers: Int) -> StateSnapshot {
        var live: [Int32] = []
        for slot in servers.indices where servers[slot].connections > 0 && isFollowed(Int32(slot)) { live.append(Int32(slot)) }
        live.sort { a, b in
            let x = servers[Int(a)], y = servers[Int(b)]
            return x.connections != y.connections ? x.connections > y.connections : x.endpoint < y.endpoint
        }
        return StateSnapshot(time: time, connections: connections, states: totals,
                             servers: live.prefix(Swift.max(0, topServers)).map(serverSnapshot),
                             serversFollowed: serversFollowed, untrackedServerConnections: untrackedServerConnections)
    }

    func isFollowed(_ slot: Int32) -> Bool {
        let e = servers[Int(slot)].endpoint
        return index.find(FlowKey.digest(e, seed: digestSeed), { $0 == slot }) != nil
    }

    /// The numbers of one server endpoint, if followed.
    public func server(_ e: Endpoint) -> ServerStateSnapshot? {
        index.find(FlowKey.digest(e, seed: digestSeed), { servers[Int($0)].endpoint == e }).map(serverSnapshot)
    }

    func serverSnapshot(_ slot: Int32) -> ServerStateSnapshot {
        let s = servers[Int(slot)]
        var states = StateCounts()
        let base = Int(slot) * 2 * StateCensus.stateCount
        for i in 0..<StateCensus.stateCount {
            states.client[i] = Int(serverStates[base + i])
            states.server[i] = Int(serverStates[base + StateCensus.stateCount + i])
        }
        return ServerStateSnapshot(server: s.endpoint, connections: Int(s.connections), states: states, opened: s.opened,
                                   resets: s.resets, packets: s.packets, retransmissions: s.retransmissions,
                                   rttSamples: s.rttSamples, rttMedian: rttQuantile(slot, 0.5), rttP99: rttQuantile(slot, 0.99))
    }

    private func rttQuantile(_ slot: Int32, _ q: Double) -> Nanoseconds? {
        let n = servers[Int(slot)].rttSamples
        guard n > 0 else { return nil }
        let rank = Swift.max(1, Int((q * Double(n)).rounded(.up)))
        var seen = 0
        let base = Int(slot) * StateCensus.rttBuckets
        for b in 0..<StateCensus.rttBuckets {
            seen += Int(rtt[base + b])
            if seen >= rank { return StateCensus.rttUpperEdge(b) }
        }
        return StateCensus.rttUpperEdge(StateCensus.rttBuckets - 1)
    }

    /// TIME_WAIT client endpoints of `address`, if followed.
    public func timeWait(client address: IPAddress) -> Int? {
        let d = FlowKey.digest(Endpoint(address: address, port: 0), seed: digestSeed)
        return clientIndex.find(d, { clients[Int($0)].address == address }).map { Int(clients[Int($0)].timeWait) }
    }
}

// Without Foundation: the few functions the RTT buckets need.
@inline(__always) private func log2(_ x: Double) -> Double {
    // Exponent plus a series for the significand's logarithm is more than the buckets need;
    // the significand's log2 by repeated squaring (20 bits).
    var m = x.significand
    var result = Double(x.exponent)
    var bit = 0.5
    for _ in 0..<20 {
        m *= m
        if m >= 2 { m /= 2; result += bit }
        bit /= 2
    }
    return result
}

@inline(__always) private func pow2(_ x: Double) -> Double {
    let whole = x.rounded(.down)
    var frac = x - whole
    // 2^frac by the series of e^(frac ln 2).
    frac *= 0.693_147_180_559_945_3
    var term = 1.0, sum = 1.0
    for n in 1..<20 {
        term *= frac / Double(n)
        sum += term
    }
    return sum * Double(sign: .plus, exponent: Int(whole), significand: 1)
}
