import Wire

/// One TCP connection incarnation: both endpoints' tracks, its timeline and counters.
public struct Connection: Sendable {
    public let number: Int
    public let client: Endpoint
    public let server: Endpoint
    /// The capture began after the SYN; roles and first states were inferred.
    public let midstream: Bool
    public var clientTrack = EndpointTrack()
    public var serverTrack = EndpointTrack()
    public var timeline: [TimelineEntry] = []
    public var firstTime: Nanoseconds
    public var lastTime: Nanoseconds
    public var firstPacket: Int
    public var lastPacket: Int
    public var reuse: ReuseReason? = nil
    public var previousNumber: Int? = nil

    public var simultaneousOpen = false
    public var simultaneousClose = false
    public var threeSegmentClose = false
    public var refused = false
    public var handshakeCompleted = false
    public var synAckAckMismatch = false
    public var activeCloser: Role? = nil
    public var resetBy: Role? = nil
    public var halfCloseData = false
    public var synTime: Nanoseconds? = nil
    public var synAckTime: Nanoseconds? = nil
    public var handshakeAckTime: Nanoseconds? = nil
    /// Per packet, while it is applied: which endpoints moved (bit 0 client, bit 1 server) and
    /// the state each passed through on the way (`StateChange.via`).
    var movedThisPacket: UInt8 = 0
    var clientVia: TCPState? = nil
    var serverVia: TCPState? = nil
    /// The close was handed to the tracker's close schedule (reported at once, or after the
    /// grace period when a RST ended it and later packets may still revise it).
    public var closeScheduled = false
    /// Packets with a RST or a note in `PacketNotes.anomalies`, and the union of those notes.
    public var anomalyPackets = 0
    public var anomalyNotes: PacketNotes = []
    /// When both endpoints reached CLOSED or TIME_WAIT.
    public var closedAt: Nanoseconds? = nil
    /// The timeline was handed out (the connection may still see stray packets).
    public var reported = false
    /// Its server endpoint's slot in the state census and, while its client is in TIME_WAIT,
    /// the client address's (StateCensus); -1 when none.
    public internal(set) var censusServer: Int32 = -1
    public internal(set) var censusClient: Int32 = -1
    /// Zeek's model of this connection, on the heap and only when some output reads it (JSON,
    /// conn.log): it is half a kilobyte and a tenth of the per-packet cost. Copy-on-write, so a
    /// reported copy of the connection keeps the model as it was.
    private var zeekModel: ZeekModelBox? = nil
    /// Whether `analysis` is fed and its notes reach the packet events.
    public var analyzesSequences = true
    /// Whether state changes are appended to `timeline`.
    public var recordsTimeline = true
    /// Per-direction sequence analysis: retransmissions, duplicate ACKs, keepalives, windows.
    /// Last: the fields every packet touches stay together in the first cache lines.
    public var analysis = SequenceAnalysis()

    /// Zeek's view of this connection: conn_state, history, sizes (ZeekConnection.swift); a
    /// fresh model when it is not fed.
    public var zeek: ZeekConnection { zeekModel?.model ?? ZeekConnection() }

    /// Whether `zeek` is fed.
    public var zeekEnabled: Bool { zeekModel != nil }

    /// Drops what the connection holds on the heap (a vacated flow-table slot).
    mutating func releaseStorage() {
        timeline = []
        zeekModel = nil
    }

    /// Starts feeding the Zeek model from the next segment on.
    public mutating func enableZeekModel(_ options: ZeekOptions) {
        zeekModel = ZeekModelBox(ZeekConnection(options: options))
    }

    private mutating func observeZeek(_ s: Segment) {
        guard zeekModel != nil else { return }
        if !isKnownUniquelyReferenced(&zeekModel!) { zeekModel = ZeekModelBox(zeekModel!.model) }
        zeekModel!.model.observe(s)
    }

    /// More state changes than this on one connection come only from hostile input.
    @inlinable public static var timelineLimit: Int { 64 }

    public init(number: Int, client: Endpoint, server: Endpoint, midstream: Bool, time: Nanoseconds, packet: Int) {
        self.number = number
        self.client = client
        self.server = server
        self.midstream = midstream
        self.firstTime = time
        self.lastTime = time
        self.firstPacket = packet
        self.lastPacket = packet
    }

    @inlinable public func role(of sender: Endpoint) -> Role { sender == client ? .client : .server }

    @inline(__always)
    public func track(_ role: Role) -> EndpointTrack { role == .client ? clientTrack : serverTrack }

    @inline(__always) public var isClosed: Bool { closedAt != nil }

    /// One endpoint's state, read in place (per packet: `track` copies the whole track).
    @inline(__always) func state(_ role: Role) -> TCPState { role == .client ? clientTrack.state : serverTrack.state }

    public var opening: Opening {
        if simultaneousOpen { return .simultaneous }
        if midstream { return .midstream }
        if refused { return .refused }
        if handshakeCompleted { return .threeWay }
        if serverTrack.sentSYN { return resetBy != nil ? .abortedHandshake : .halfOpen }
        return resetBy != nil ? .abortedHandshake : .unanswered
    }

    public var closing: Closing {
        if let r = resetBy { return .reset(by: r) }
        // A verdict of a completed close needs both endpoints CLOSED or in TIME_WAIT.
        let finished = Connection.isTerminal(clientTrack.state, serverTrack.state)
        if simultaneousClose { return finished ? .simultaneous : .inProgress(closer: nil) }
        if let closer = activeCloser {
            let c = track(closer), p = track(closer.peer)
            if c.finSequence != nil && p.finSequence != nil {
                guard finished else { return .inProgress(closer: closer) }
                return threeSegmentClose ? .threeSegment(closer: closer) : .fourWay(closer: closer)
            }
            return .halfClosed(closer: closer)
        }
        return .open
    }

    /// Client SYN to the ACK that completed the handshake.
    public var handshakeRTT: Nanoseconds? {
        guard let s = synTime, let a = handshakeAckTime else { return nil }
        return a &- s
    }
}

/// Holds a connection's Zeek model on the heap.
final class ZeekModelBox: @unchecked Sendable {
    // Mutated only through `Connection.observeZeek` after a uniqueness check.
    var model: ZeekConnection
    init(_ model: ZeekConnection) { self.model = model }
}

// MARK: - Applying one segment

extension Connection {
    /// The per-packet working record while a segment is applied.
    @usableFromInline
    struct Work {
        var step: Step = .none
        var notes: PacketNotes = []
        var retransmission = 0
        var expectedAck: UInt32 = 0
        var actualAck: UInt32 = 0
        var duplicateAckCount = 0
        /// The sender's next sequence number before this segment (nil before its first).
        var senderNextBefore: UInt32? = nil
        /// For a SYN-ACK that starts a new incarnation on ports an older connection held.
        var reuse: ReuseReason? = nil
    }

    /// Sets up the states of a connection picked up without its SYN.
    mutating func assumeMidstream(first s: Segment, sender: Role) {
        if s.isSYN && s.hasACK {
            // A SYN-ACK's receiver sent a SYN we missed.
            clientTrack.state = .synSent
            clientTrack.certainty = .inferred
            clientTrack.isn = s.acknowledgment &- 1
            serverTrack.state = .listen
            serverTrack.certainty = .inferred
        } else {
            clientTrack.state = .established
            clientTrack.certainty = .inferred
            serverTrack.state = .established
            serverTrack.certainty = .inferred
            handshakeCompleted = true
        }
    }

    /// Applies one segment sent by `sender` and says what it did.
    public mutating func apply(_ s: Segment, sender: Role) -> PacketEvent {
        let before = (clientTrack.state, clientTrack.certainty, serverTrack.state, serverTrack.certainty)
        var wasClosed = isClosed
        var w = Work()
        movedThisPacket = 0
        clientVia = nil
        serverVia = nil
        // Capture time is not always monotonic: the connection spans its earliest and latest packet.
        if s.time > lastTime { lastTime = s.time }
        if s.time < firstTime { firstTime = s.time }
        lastPacket = s.packetNumber
        w.senderNextBefore = sender == .client ? clientTrack.nextSequence : serverTrack.nextSequence
        if sender == .client { Connection.count(s, into: &clientTrack) } else { Connection.count(s, into: &serverTrack) }

        if !s.hasValidControlBits {
            w.notes.insert(.invalidFlags)
        } else if s.isRST {
            applyReset(s, sender: sender, &w)
        } else if s.isSYN && wasClosed {
            // The SYN of a closed connection whose ISN starts no new one (FlowTracker.reuseReason):
            // an old duplicate or late retransmission. It moves nothing.
            if s.sequence == track(sender).isn && !s.hasACK {
                update(sender) { $0.synTransmissions += 1 }
                w.notes.insert(.retransmission)
                w.retransmission = Swift.max(1, track(sender).synTransmissions - 1)
            }
        } else if s.isSYN {
            if s.hasACK { applySynAck(s, sender: sender, &w) } else { applySyn(s, sender: sender, &w) }
            if let shift = s.options.windowScale {
                update(sender) { $0.windowScale = Int8(Swift.min(shift, 14)) }
            } else {
                update(sender) { $0.windowScale = -2 }
            }
        } else if s.hasACK {
            // The cheap tests first, here: these run on every ACK and almost never apply.
            if state(sender.peer) == .closed && reviseResetIfContradicted(s, sender: sender, &w) { wasClosed = false }
            // A CLOSED endpoint sends nothing but RSTs: what still comes from it was in flight
            // when it closed, and moves no state.
            if state(sender) != .closed {
                if s.payloadLength == 0 && !s.isFIN { inferUnseenFIN(s, sender: sender, &w) }
                applyAck(s, sender: sender, &w)
            }
        } else {
            // FIN or data without ACK: no synchronized endpoint sends that.
            w.notes.insert(.invalidFlags)
        }

        if s.hasACK {
            if sender == .client { Connection.noteAck(s, into: &clientTrack) } else { Connection.noteAck(s, into: &serverTrack) }
        }
        if wasClosed { w.notes.insert(.afterClose) }
        if analyzesSequences { analysis.analyze(s, sender: sender, into: &w) }
        if w.notes.rawValue & PacketNotes.anomalyMask != 0 {
            anomalyPackets += 1
            anomalyNotes.formUnion(w.notes.intersection(.anomalies))
        }
        if closedAt == nil && Connection.isTerminal(clientTrack.state, serverTrack.state) && (before.0 != clientTrack.state || before.2 != serverTrack.state) {
            closedAt = s.time
        }
        let clientChange = StateChange(before: before.0, via: clientVia, after: clientTrack.state, certainty: clientTrack.certainty)
        let serverChange = StateChange(before: before.2, via: serverVia, after: serverTrack.state, certainty: serverTrack.certainty)
        if zeekModel != nil { observeZeek(s) }
        return PacketEvent(flow: number, sender: sender, step: w.step, client: clientChange, server: serverChange,
                           notes: w.notes, retransmissionCount: w.retransmission, expectedAck: w.expectedAck,
                           actualAck: w.actualAck, reuse: w.reuse, previousFlow: nil,
                           duplicateAckCount: w.duplicateAckCount)
    }

    /// What every segment adds to its sender's track (a plain function, not a closure: per packet).
    @inline(__always)
    static func count(_ s: Segment, into t: inout EndpointTrack) {
        t.packets += 1
        t.payloadBytes &+= UInt64(s.payloadLength)
        if t.firstPacketTime == nil { t.firstPacketTime = s.time }
        // A RST occupies no sequence space, and one the receiver drops may carry any number.
        guard !s.isRST else { return }
        let end = s.sequenceEnd
        if let n = t.nextSequence { t.nextSequence = Seq.max(n, end) } else { t.nextSequence = end }
    }

    @inline(__always)
    static func noteAck(_ s: Segment, into t: inout EndpointTrack) {
        if let h = t.highestAck { t.highestAck = Seq.max(h, s.acknowledgment) } else { t.highestAck = s.acknowledgment }
        t.lastAck = s.acknowledgment
        t.window = s.window
        t.windowOnSYN = s.isSYN
    }

    static func isTerminal(_ a: TCPState, _ b: TCPState) -> Bool {
        (a == .closed || a == .timeWait) && (b == .closed || b == .timeWait)
    }

    @inline(__always)
    mutating func update(_ role: Role, _ body: (inout EndpointTrack) -> Void) {
        if role == .client { body(&clientTrack) } else { body(&serverTrack) }
    }

    /// Moves `role` to `state` at this segment, recording the change in the timeline.
    mutating func move(_ role: Role, to state: TCPState, at s: Segment, certainty: Certainty = .observed) {
        let current = track(role)
        guard current.state != state else {
            if certainty == .observed { update(role) { $0.certainty = .observed } }
            return
        }
        let bit: UInt8 = role == .client ? 1 : 2
        if movedThisPacket & bit != 0 {
            // A second move within one packet: the state left now was passed through.
            if role == .client { clientVia = current.state } else { serverVia = current.state }
        }
        movedThisPacket |= bit
        if recordsTimeline && timeline.count < Connection.timelineLimit {
            // One allocation for the usual dozen changes of a whole connection, not five.
            if timeline.isEmpty { timeline.reserveCapacity(12) }
            timeline.append(TimelineEntry(
                time: s.time, role: role, from: current.state, to: state, packetNumber: s.packetNumber,
                certainty: certainty, timeInPrevious: current.stateSince.map { s.time &- $0 }))
        }
        update(role) {
            $0.state = state
            $0.certainty = certainty
            $0.stateSince = s.time
        }
    }

    /// Moves through an intermediate state within one segment (ESTABLISHED → CLOSE_WAIT → LAST_ACK);
    /// `move` records the state passed through as the packet's `via`.
    mutating func move(_ role: Role, via: TCPState, to state: TCPState, at s: Segment) {
        move(role, to: via, at: s)
        move(role, to: state, at: s)
    }
}
