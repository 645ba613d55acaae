import Flows
import Wire

/// One packet of a connection as a ladder diagram draws it: an arrow from its sender to the peer.
public struct LadderArrow: Sendable {
    public var packetNumber: Int
    public var time: Nanoseconds
    public var flags: TCPFlags
    /// Sequence and acknowledgment numbers relative to each side's first sequence number
    /// (its ISN when the SYN was seen), as the textbook ladder writes them.
    public var relativeSeq: UInt32
    public var relativeAck: UInt32
    public var payloadLength: Int
    public var window: UInt16
    /// What the tracker said of the packet: sender, step, notes, both endpoints' states.
    public var event: PacketEvent

    @inlinable public var sender: Role { event.sender }
}

/// A run of data-phase packets drawn as one band: counts and byte totals, no arrows.
public struct LadderBand: Sendable {
    public var packets = 0
    /// Packets that carried payload.
    public var dataPackets = 0
    public var clientPackets = 0
    public var serverPackets = 0
    public var clientBytes: UInt64 = 0
    public var serverBytes: UInt64 = 0
    public var firstTime: Nanoseconds = 0
    public var lastTime: Nanoseconds = 0
    public var firstPacket = 0
    public var lastPacket = 0
    /// How many packets of the band carried each note, indexed as `PacketNotes.names`.
    public var noteCounts: [Int] = []
    /// Packets drawn in the anomaly colour had they been arrows.
    public var anomalyPackets = 0
    /// Packets of the band that moved a state (only when a flow's arrow budget ran out).
    public var stateChanges = 0
    /// Both endpoints' states after the band's last packet.
    public var client: StateChange?
    public var server: StateChange?

    mutating func absorb(_ a: LadderArrow) {
        if packets == 0 {
            firstTime = a.time
            firstPacket = a.packetNumber
            noteCounts = [Int](repeating: 0, count: PacketNotes.names.count)
        }
        packets += 1
        lastTime = a.time
        lastPacket = a.packetNumber
        if a.payloadLength > 0 { dataPackets += 1 }
        if a.sender == .client {
            clientPackets += 1
            clientBytes &+= UInt64(a.payloadLength)
        } else {
            serverPackets += 1
            serverBytes &+= UInt64(a.payloadLength)
        }
        if !a.event.notes.isEmpty {
            for (i, entry) in PacketNotes.names.enumerated() where a.event.notes.contains(entry.0) { noteCounts[i] += 1 }
        }
        if LadderText.kind(a) == .anomaly { anomalyPackets += 1 }
        if a.event.client.changed || a.event.server.changed { stateChanges += 1 }
        client = a.event.client
        server = a.event.server
    }

    /// How many packets of the band carried each note, by machine name, in bit order.
    public var anomalyCounts: [(name: String, count: Int)] {
        var list: [(String, Int)] = []
        for (i, entry) in PacketNotes.names.enumerated() where i < noteCounts.count && noteCounts[i] > 0 {
            list.append((entry.1, noteCounts[i]))
        }
        return list
    }
}

/// What a diagram shows of one connection, in packet order.
public enum LadderItem: Sendable {
    case arrow(LadderArrow)
    case band(LadderBand)
}

/// The diagram record of one connection: bounded whatever its length. Handshake, teardown,
/// resets, every packet that moves a state and the first anomalies are kept as arrows (up to
/// `LadderRecorder.arrowBudget`); a run of other packets keeps its first and last few as arrows
/// and counts the middle in a band.
public struct LadderFlow: Sendable {
    public let number: Int
    public let client: Endpoint
    public let server: Endpoint
    public private(set) var items: [LadderItem] = []
    public private(set) var packets = 0
    public private(set) var firstTime: Nanoseconds = 0
    public private(set) var lastTime: Nanoseconds = 0
    /// The connection as the tracker last reported it (opening, closing, counters, final states).
    public internal(set) var ended: EndedConnection?
    /// Both endpoints' states before the first packet.
    public private(set) var initialClient: TCPState = .closed
    public private(set) var initialServer: TCPState = .closed
    /// The first packet was not a SYN: the initial states are inferred.
    public private(set) var startedMidstream = false
    /// Every packet's numbers for the time-sequence graph, up to `SequencePoint.limit`.
    public private(set) var sequencePoints: [SequencePoint] = []
    /// Packets past the limit, not in `sequencePoints`.
    public private(set) var sequencePointsDropped = 0
    /// Each side's window scale from its SYN (RFC 7323: used only when both SYNs carry one).
    private var clientScale: UInt8?
    private var serverScale: UInt8?

    private var clientBase: UInt32?
    private var serverBase: UInt32?
    private var arrowsKept = 0
    /// Anomalies kept as arrows outside the data-phase runs (at most a quarter of the budget).
    private var anomaliesPinned = 0
    // The current run of data-phase packets.
    private var head: [LadderArrow] = []
    private var tail: [LadderArrow] = []
    private var band: LadderBand?

    init(number: Int, client: Endpoint, server: Endpoint) {
        self.number = number
        self.client = client
        self.server = server
    }

    /// Arrows kept at the start and at the end of a run of data-phase packets.
    static let runHead = 4
    static let runTail = 4

    /// Items including the run still open; what the renderers draw.
    public var allItems: [LadderItem] {
        var copy = self
        copy.closeRun()
        return copy.items
    }

    mutating func record(_ s: Segment, _ e: PacketEvent, arrowBudget: Int) {
        if packets == 0 {
            firstTime = s.time
            initialClient = e.client.before
            initialServer = e.server.before
            startedMidstream = e.notes.contains(.midstream)
        }
        packets += 1
        lastTime = s.time
        let arrow = LadderArrow(packetNumber: s.packetNumber, time: s.time, flags: s.flags,
                                relativeSeq: relativeSeq(s, e.sender), relativeAck: relativeAck(s, e.sender),
                                payloadLength: s.payloadLength, window: s.window, event: e)
        recordPoint(s, e, arrow)
        let pinned = LadderFlow.isStructural(e)
            || (anomaliesPinned < arrowBudget / 4 && LadderText.kind(arrow) == .anomaly)
        if pinned && arrowsKept < arrowBudget {
            closeRun()
            items.append(.arrow(arrow))
            arrowsKept += 1
            if LadderText.kind(arrow) == .anomaly { anomaliesPinned += 1 }
        } else {
            extendRun(arrow)
        }
    }

    /// A packet the diagram must show: a step, a state change, or a note about the connection
    /// itself rather than about its data.
    static func isStructural(_ e: PacketEvent) -> Bool {
        if e.step != .none || e.client.changed || e.server.changed { return true }
        return !e.notes.isDisjoint(with: LadderFlow.structuralNotes)
    }

    static let structuralNotes: PacketNotes = [
        .midstream, .handshakeAckMismatch, .oldDuplicateSYNRecovery, .dataOnSYN, .portReuse,
        .timeWaitAssassination, .invalidFlags, .rstOutOfWindow, .afterClose, .rstChallenged,
        .rstNotAcknowledgingSYN, .rstAnswersUnacceptableACK, .finNotCaptured, .resetRevised,
        .unacceptableHandshakeACK, .synOnSynchronized, .staleConnectionACK, .synAckNewISN,
    ]

    private mutating func extendRun(_ a: LadderArrow) {
        if head.count < LadderFlow.runHead && band == nil && tail.isEmpty {
            head.append(a)
            return
        }
        tail.append(a)
        // Two more than shown, so a band never stands for fewer than three packets.
        if tail.count > LadderFlow.runTail + 2 {
            if band == nil { band = LadderBand() }
            band!.absorb(tail.removeFirst())
        }
    }

    private mutating func closeRun() {
        if head.isEmpty && tail.isEmpty && band == nil { return }
        for a in head { items.append(.arrow(a)) }
        if var b = band {
            while tail.count > LadderFlow.runTail { b.absorb(tail.removeFirst()) }
            items.append(.band(b))
        }
        for a in tail { items.append(.arrow(a)) }
        arrowsKept += head.count + tail.count
        head.removeAll()
        tail.removeAll()
        band = nil
    }

    private mutating func recordPoint(_ s: Segment, _ e: PacketEvent, _ a: LadderArrow) {
        if s.isSYN, let scale = s.options.windowScale {
            if e.sender == .client { clientScale = scale } else { serverScale = scale }
        }
        guard sequencePoints.count < SequencePoint.limit else {
            sequencePointsDropped += 1
            return
        }
        var window = UInt32(s.window)
        var scaled = false
        if !s.isSYN, let c = clientScale, let v = serverScale {
            window <<= UInt32(Swift.min(14, e.sender == .client ? c : v))
            scaled = true
        }
        var sack: (UInt32, UInt32)? = nil
        if s.options.sackBlocks > 0, s.options.sackFirstLeft != s.options.sackFirstRight {
            let base = (e.sender == .client ? serverBase : clientBase) ?? 0
            sack = (s.options.sackFirstLeft &- base, s.options.sackFirstRight &- base)
        }
        sequencePoints.append(SequencePoint(time: s.time, sender: e.sender, seq: a.relativeSeq,
                                            length: s.sequenceLength, ack: s.hasACK ? a.relativeAck : nil,
                                            window: window, windowScaled: scaled, flags: s.flags,
                                            notes: e.notes, sack: sack))
    }

    private mutating func relativeSeq(_ s: Segment, _ sender: Role) -> UInt32 {
        if sender == .client {
            if clientBase == nil { clientBase = s.sequence }
            return s.sequence &- clientBase!
        }
        if serverBase == nil { serverBase = s.sequence }
        return s.sequence &- serverBase!
    }

    /// The peer's base is its first sequence number; unseen, one below the first ack of it
    /// (the ack of a SYN is ISN+1), as tcpdump does.
    private mutating func relativeAck(_ s: Segment, _ sender: Role) -> UInt32 {
        guard s.hasACK else { return 0 }
        if sender == .client {
            if serverBase == nil { serverBase = s.acknowledgment &- 1 }
            return s.acknowledgment &- serverBase!
        }
        if clientBase == nil { clientBase = s.acknowledgment &- 1 }
        return s.acknowledgment &- clientBase!
    }
}

/// Collects ladder records while packets flow, for `--diagram` and `--ladder`: all connections
/// (the first `flowLimit`) or only the one selected. Session feeds it only when one of those is on.
/// For the HTML report it also keeps one row per connection (every one, not only those with a
/// ladder), the state counts over time and the alerts.
public struct LadderRecorder: Sendable {
    /// Only this connection (`--flow N`), or all.
    public let selected: Int?
    /// At most this many connections are recorded; later ones are only counted (`omitted`).
    public let flowLimit: Int
    /// Arrows kept per connection beyond the bounded data-phase runs.
    public let arrowBudget: Int
    /// Rows, state counts and alerts are kept (the HTML report).
    public let collectsReport: Bool
    private var flowsByNumber: [Int: LadderFlow] = [:]
    private var highestFlow = 0
    /// One row per connection that ended (all of them once the input has ended).
    public private(set) var rows: [ConnectionRow] = []
    /// The census totals over the capture (all connections, whatever `selected` is), sampled
    /// by the session from the tracker (`sampleStates`); nil unless the report is collected.
    public var stateSeries: StateSeries?
    /// The alerts raised, for the chart.
    public private(set) var alerts: [SynFloodAlert] = []
    /// The last packet's time, and how many packets there were.
    public private(set) var lastTime: Nanoseconds?
    public private(set) var packetCount = 0

    public static let defaultFlowLimit = 1000
    public static let defaultArrowBudget = 300
    /// The state chart's resolution: at most this many samples (the interval doubles to fit).
    public static let stateSamples = 480
    /// The chart's interval to start with: a short capture gets a fine chart, a long one
    /// doubles its way up.
    public static let firstStateInterval: Nanoseconds = 1_000_000

    public init(selected: Int? = nil, flowLimit: Int = LadderRecorder.defaultFlowLimit,
                arrowBudget: Int = LadderRecorder.defaultArrowBudget, collectsReport: Bool = false) {
        self.selected = selected
        self.flowLimit = Swift.max(1, flowLimit)
        self.arrowBudget = Swift.max(8, arrowBudget)
        self.collectsReport = collectsReport
        self.stateSeries = collectsReport
            ? StateSeries(interval: LadderRecorder.firstStateInterval, maxSamples: LadderRecorder.stateSamples) : nil
    }

    /// One tracked packet.
    public mutating func record(_ s: Segment, _ e: PacketEvent) {
        lastTime = s.time
        packetCount += 1
        if let selected, e.flow != selected { return }
        highestFlow = Swift.max(highestFlow, e.flow)
        if flowsByNumber[e.flow] == nil {
            guard flowsByNumber.count < flowLimit else { return }
            let (client, server) = e.sender == .client ? (s.source, s.destination) : (s.destination, s.source)
            flowsByNumber[e.flow] = LadderFlow(number: e.flow, client: client, server: server)
        }
        flowsByNumber[e.flow]!.record(s, e, arrowBudget: arrowBudget)
    }

    /// Connections the tracker reported as ended (closed, idle, evicted, end of input).
    public mutating func ended(_ list: [EndedConnection]) {
        if collectsReport {
            for e in list where selected == nil || e.connection.number == selected {
                rows.append(ConnectionRow(e))
            }
        }
        for e in list where flowsByNumber[e.connection.number] != nil {
            flowsByNumber[e.connection.number]!.ended = e
        }
    }

    /// Alerts the tracker raised.
    public mutating func alerts(_ list: [SynFloodAlert]) {
        if collectsReport { alerts += list }
    }

    /// The recorded connections in flow order.
    public var flows: [LadderFlow] { flowsByNumber.values.sorted { $0.number < $1.number } }

    public var isEmpty: Bool { flowsByNumber.isEmpty }

    /// Connections not recorded because `flowLimit` was reached (flows are numbered in order
    /// of their first packet, so every number up to the highest was seen).
    public var omitted: Int { selected == nil ? Swift.max(0, highestFlow - flowsByNumber.count) : 0 }
}
