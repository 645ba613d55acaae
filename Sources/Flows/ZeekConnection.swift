import Wire

/// What the Zeek model needs to know of the Zeek configuration it imitates.
public struct ZeekOptions: Sendable {
    /// Zeek's `likely_server_ports` (TCP entries): a connection picked up without a SYN, or
    /// starting with a SYN-ACK, whose source port is in the set is flipped so the port's side
    /// becomes the responder. Zeek fills it from the protocol scripts it loads.
    public var likelyServerPorts: Set<UInt16>
    /// Imitate the timers that make Zeek end a connection (the 5 s attempt timer, expiry after
    /// a close, inactivity): packets Zeek would give to a new conn.log row are left out.
    public var emulateTimers: Bool

    public init(likelyServerPorts: Set<UInt16> = ZeekOptions.defaultLikelyServerPorts, emulateTimers: Bool = true) {
        self.likelyServerPorts = likelyServerPorts
        self.emulateTimers = emulateTimers
    }

    /// The TCP ports the default scripts of Zeek 8/9 add to `likely_server_ports` (ftp, ssh,
    /// smtp, dns, http, finger, krb, dce-rpc, smb, imap, ldap, ssl, modbus, mysql, rdp, xmpp,
    /// postgresql, irc, dnp3).
    public static let defaultLikelyServerPorts: Set<UInt16> = [
        21, 2811, 22, 25, 587, 53, 80, 81, 631, 1080, 3128, 8000, 8080, 8888, 79, 88, 135, 139, 445,
        143, 389, 3268, 443, 563, 585, 614, 636, 989, 990, 992, 993, 995, 5223, 502, 1434, 3306, 3389,
        5222, 5269, 5432, 6666, 6667, 6668, 6669, 20000,
    ]
}

/// One connection as Zeek's TCP analyzer sees it, fed every segment of one tcpwave connection:
/// Zeek's originator choice and role flips, both endpoints' Zeek states, the history letters,
/// sizes from sequence numbers, packet and IP byte counts, content gaps, and when Zeek would
/// have ended the connection. Its verdicts fill conn.log's columns. A value type with no
/// allocation on the hot path beyond the history and gap ranges.
public struct ZeekConnection: Sendable {
    public var options: ZeekOptions
    /// A valid segment has been seen (one dropped for a bad IP checksum does not count).
    public private(set) var started = false
    /// Zeek's `id.orig_h`/`id.orig_p` and `id.resp_h`/`id.resp_p`.
    public private(set) var originator = Endpoint(address: IPAddress(ipv4: 0), port: 0)
    public private(set) var responder = Endpoint(address: IPAddress(ipv4: 0), port: 0)
    public private(set) var history = ZeekHistory()
    /// conn.log `ts`: the first packet of this Zeek connection.
    public private(set) var startTime: Nanoseconds = 0
    /// Zeek's `last_time`, which stops moving once both sides have closed.
    public private(set) var lastTime: Nanoseconds = 0
    public private(set) var missedBytes: UInt64 = 0
    /// Zeek would have ended this connection and started another row for later packets.
    public private(set) var endedEarly = false
    /// Packets left out because Zeek would have given them to a later row.
    public private(set) var packetsAfterEnd = 0
    /// Earlier Zeek connections on this tcpwave connection that carried no TCP verdict
    /// (both endpoints inactive, e.g. only bad-checksum packets) and were replaced.
    public private(set) var replacedEmpty = 0

    var orig = ZeekEndpoint(isOrig: true)
    var resp = ZeekEndpoint(isOrig: false)
    var isPartial = false
    var firstPacketSeen: UInt8 = 0
    var closeDeferred = false
    var deferredGenEvent = false
    var isActive = true
    // Timers, in capture time.
    var networkTime: Nanoseconds = 0
    var inactivityTimeout: Nanoseconds = ZeekConnection.udpInactivityTimeout
    var attemptTimers: [Nanoseconds] = []
    var expireTimers: [Nanoseconds] = []
    var deleteAt: Nanoseconds? = nil

    static let origBit: UInt8 = 1
    static let respBit: UInt8 = 2
    static let tooLargeSeqDelta: Int32 = 1_048_576
    static let second: Nanoseconds = 1_000_000_000
    static let udpInactivityTimeout = 60 * second
    static let tcpInactivityTimeout = 300 * second
    static let attemptDelay = 5 * second
    static let synTimeout = 5 * second
    static let sessionTimer = 6 * second
    static let connectionLinger = 5 * second
    static let closeDelay = 5 * second
    static let timeLimit: Nanoseconds = 1 << 61

    public init(options: ZeekOptions = ZeekOptions()) {
        self.options = options
    }

    // MARK: - Verdicts

    public var originatorState: ZeekEndpointState { orig.state }
    public var responderState: ZeekEndpointState { resp.state }
    public var connState: ZeekConnState {
        ZeekConnState.classify(orig: orig.state, resp: resp.state, origSize: origBytes, respSize: respBytes, history: history)
    }
    /// conn.log `orig_bytes`/`resp_bytes`: from sequence numbers, not from payload counted.
    public var origBytes: UInt64 { orig.size(peerState: resp.state) }
    public var respBytes: UInt64 { resp.size(peerState: orig.state) }
    public var origPackets: UInt64 { orig.packets }
    public var respPackets: UInt64 { resp.packets }
    public var origIPBytes: UInt64 { orig.ipBytes }
    public var respIPBytes: UInt64 { resp.ipBytes }
    /// `last_time - start_time`; conn.log leaves duration and the byte counts unset unless > 0.
    public var duration: Nanoseconds { lastTime - startTime }
    /// When Zeek removes (and logs) the connection once both sides are done: 5 s after the
    /// close completed. Packets up to then still count; nil while that is not decided.
    public var removalTime: Nanoseconds? { endedEarly ? networkTime : deleteAt }

    // MARK: - Feeding segments

    /// Applies one segment of this connection, as Zeek's TCP analyzer would.
    public mutating func observe(_ segment: Segment) {
        if segment.checksum == .badIP { return }   // Zeek drops it at the IP layer
        // Times from a damaged capture can be anywhere in Int64; within ±2^61 ns (73 years
        // around 1970... 2043 and back) every sum and difference below stays in range.
        var s = segment
        s.time = Swift.min(Swift.max(s.time, -ZeekConnection.timeLimit), ZeekConnection.timeLimit)
        if endedEarly {
            packetsAfterEnd += 1
            return
        }
        // Zeek's network time never goes back.
        networkTime = started ? Swift.max(networkTime, s.time) : s.time
        if !started {
            begin(s)
        } else if (options.emulateTimers && timersEnded(at: networkTime)) || isReuse(s) {
            if orig.state == .inactive && resp.state == .inactive {
                replacedEmpty += 1
                begin(s)
            } else {
                endedEarly = true
                packetsAfterEnd = 1
                return
            }
        }
        let fromOrig = s.source == originator
        if s.checksum == .badTCP {
            // Zeek counts the error ('C'/'c') and drops the packet: no state, time or counts.
            if fromOrig {
                if orig.checksumErrors.hit() { history.append(UInt8(ascii: "C")) }
            } else {
                if resp.checksumErrors.hit() { history.append(UInt8(ascii: "c")) }
            }
            return
        }
        // Work on the endpoints outside `self`, so their gap ranges stay uniquely referenced.
        var a = orig, b = resp
        orig = ZeekEndpoint(isOrig: true)
        resp = ZeekEndpoint(isOrig: false)
        if fromOrig { process(&a, &b, s) } else { process(&b, &a, s) }
        if a.isOrig { orig = a; resp = b } else { orig = b; resp = a }
    }

    /// Zeek's `NewConn`: a fresh connection whose originator is the packet's sender, unless
    /// the port heuristic says the sender is the server.
    mutating func begin(_ s: Segment) {
        let keepOptions = options
        let time = networkTime
        let replaced = replacedEmpty
        self = ZeekConnection(options: keepOptions)
        replacedEmpty = replaced
        networkTime = time
        started = true
        originator = s.source
        responder = s.destination
        startTime = s.time
        lastTime = s.time
        expireTimers = [s.time + ZeekConnection.synTimeout]
        let syn = s.flags.contains(.syn), ack = s.flags.contains(.ack)
        if !syn || ack {
            let ports = options.likelyServerPorts
            if ports.contains(s.source.port) {
                let flip = ports.contains(s.destination.port) ? (!syn && s.source.port < s.destination.port) : true
                if flip {
                    swap(&originator, &responder)
                    history.append(UInt8(ascii: "^"))
                }
            }
        }
    }

    /// Zeek's `IsReuse`: a SYN that starts a new connection on the same 5-tuple.
    func isReuse(_ s: Segment) -> Bool {
        guard s.flags.contains(.syn) else { return false }
        var connOrig = orig
        if s.flags.contains(.ack) {
            if orig.state != .inactive { return false }
            connOrig = resp
        }
        if !(orig.didClose || resp.didClose) {
            if s.sequence == connOrig.startSeq32 { return false }
            if !s.flags.contains(.ack) && connOrig.state == .synAckSent && resp.state == .inactive && s.sequence == resp.startSeq32 {
                return false
            }
        }
        return true
    }

    /// Whether one of Zeek's timers would have removed the connection by `now`. States do not
    /// change between packets, so each timer chain can be resolved in one step.
    mutating func timersEnded(at now: Nanoseconds) -> Bool {
        if let d = deleteAt, d <= now { return true }
        if lastTime + inactivityTimeout <= now { return true }
        for t in attemptTimers where t <= now {
            if isActive && (orig.state == .synSent || orig.state == .synAckSent) && resp.state == .inactive { return true }
        }
        attemptTimers.removeAll { $0 <= now }
        var ended = false
        var kept: [Nanoseconds] = []
        for var t in expireTimers {
            guard t <= now else { kept.append(t); continue }
            if !isActive { continue }   // the chain stops
            // The first firing after `lastTime + linger`.
            let idleFrom = lastTime + ZeekConnection.connectionLinger
            if t <= idleFrom {
                let steps = (idleFrom - t) / ZeekConnection.sessionTimer + 1
                t += steps * ZeekConnection.sessionTimer
            }
            if t <= now && expireCondition { ended = true; break }
            if t <= now {
                let steps = (now - t) / ZeekConnection.sessionTimer + 1
                t += steps * ZeekConnection.sessionTimer
            }
            kept.append(t)
        }
        expireTimers = kept
        return ended
    }

    /// `ExpireTimer`'s test once the connection has been idle for `tcp_connection_linger`.
    var expireCondition: Bool {
        if orig.didClose || resp.didClose {
            if (orig.didClose && resp.didClose) || orig.state == .reset || resp.state == .reset
                || orig.state == .inactive || resp.state == .inactive { return true }
        }
        return resp.state == .inactive && orig.state == .inactive
    }

    // MARK: - TCPSessionAdapter::Process

    mutating func process(_ ep: inout ZeekEndpoint, _ peer: inout ZeekEndpoint, _ s: Segment) {
        let f = s.flags
        let syn = f.contains(.syn), fin = f.contains(.fin), rst = f.contains(.rst), ack = f.contains(.ack)
        let len = UInt32(truncatingIfNeeded: Swift.min(Swift.max(0, s.payloadLength), 65_535))
        let isOrig = ep.isOrig   // Zeek passes the pre-flip value on
        setPartialStatus(syn: syn, ack: ack, isOrig: ep.isOrig)
        var segLen = len &+ (syn ? 1 : 0) &+ (fin ? 1 : 0)
        if rst { segLen &-= len }
        let baseSeq = s.sequence, ackSeq = s.acknowledgment
        let seqOnePast = baseSeq &+ segLen
        initEndpoint(&ep, syn: syn, first: baseSeq, last: seqOnePast)
        let (relSeq, seqUnderflow) = ZeekConnection.relativeSeq(ep, baseSeq, last: ep.lastSeq, wraps: ep.seqWraps)
        updateHistory(&ep, &peer, syn: syn, fin: fin, rst: rst, ack: ack, relSeq: relSeq, len: UInt64(len))
        if s.window == 0 && !rst && peer.state != .closed && ep.state != .reset {
            if ep.zeroWindows.hit() { history.append(ep.isOrig ? UInt8(ascii: "W") : UInt8(ascii: "w")) }
        }
        if !ep.didClose || !peer.didClose { lastTime = s.time }
        if fin {
            ep.finCount &+= 1
            ep.finSeq = relSeq &+ UInt64(segLen)
        }
        if rst { ep.rstCount &+= 1 }
        var relAck: UInt64 = 0
        if ack {
            if peer.state == .inactive {
                relAck = 1
                peer.initSequence(start: ackSeq &- 1, ack: ackSeq &- 1, last: ackSeq &- 1)
            } else {
                let (r, underflow) = ZeekConnection.relativeSeq(peer, ackSeq, last: peer.ackSeq, wraps: peer.ackWraps)
                if underflow {
                    relAck = 0
                } else {
                    relAck = r
                    if !rst {
                        let delta = Int32(bitPattern: ackSeq &- peer.ackSeq)
                        if !(ackSeq == 0 && delta > ZeekConnection.tooLargeSeqDelta) && delta > 0 { peer.updateAckSeq(ackSeq) }
                    }
                }
            }
        }
        // (The delta only feeds Zeek weirds.)
        _ = updateLastSeq(&ep, seqOnePast, syn: syn, fin: fin, rst: rst, len: len)
        var doClose = false, genEvent = false
        switch ep.state {
        case .inactive:
            updateInactiveState(&ep, &peer, baseSeq: baseSeq, len: len, isOrig: isOrig,
                                syn: syn, fin: fin, rst: rst, ack: ack, time: s.time, &doClose, &genEvent)
        case .synSent, .synAckSent:
            if fin { setState(&ep, peer.state, .closed); doClose = true; genEvent = true }
            if rst { setState(&ep, peer.state, .reset); isActive = false; doClose = true }
        case .established, .partial:
            if syn && ep.state == .partial && peer.state == .inactive && !ack { setState(&ep, peer.state, .synSent) }
            if fin && !rst {
                setState(&ep, peer.state, .closed)
                if peer.state == .reset && peer.prevState == .closed { setState(&peer, ep.state, .closed) }
                doClose = true
                genEvent = true
            }
            if rst {
                setState(&ep, peer.state, .reset)
                doClose = true
                if peer.state != .reset || peer.prevState != .established { isActive = false }
            }
        case .closed:
            if rst && peer.state != .closed {
                setState(&ep, peer.state, .reset)
                if !ep.didClose { doClose = true }
            }
        case .reset:
            break
        }
        if ack { ackReceived(&peer, &ep, relAck) }
        if isOrig {
            firstPacketSeen |= ZeekConnection.origBit
        } else {
            firstPacketSeen |= ZeekConnection.respBit
        }
        let relDataSeq = syn ? relSeq &+ 1 : relSeq
        if len > 0 && !rst && !seqUnderflow {
            dataSent(&ep, &peer, relDataSeq, UInt64(len), truncated: s.truncatedPayload)
        }
        checkEOF(&ep, &peer)
        if doClose { connectionClosed(&ep, &peer, genEvent) }
        // ConnSize: counted for the sender, whichever role it has now.
        ep.packets &+= 1
        ep.ipBytes &+= UInt64(Swift.max(0, s.ipLength))
    }

    mutating func setPartialStatus(syn: Bool, ack: Bool, isOrig: Bool) {
        if isOrig {
            if firstPacketSeen & ZeekConnection.origBit == 0 { isPartial = !syn || ack }
        } else if firstPacketSeen & ZeekConnection.respBit == 0 && !isPartial {
            isPartial = !syn
        }
    }

    func initEndpoint(_ ep: inout ZeekEndpoint, syn: Bool, first: UInt32, last: UInt32) {
        switch ep.state {
        case .inactive:
            if syn { ep.initSequence(start: first, ack: first, last: last) } else { ep.initSequence(start: first &- 1, ack: first &- 1, last: first) }
        case .synSent, .synAckSent:
            if syn && first != ep.startSeq32 { ep.initSequence(start: first, ack: first, last: last) }
        case .established, .partial:
            if syn { ep.initSequence(start: first, ack: first, last: last) }
        case .reset:
            if syn && ep.prevState == .inactive { ep.initSequence(start: first, ack: first, last: last) }
        case .closed:
            break
        }
    }

    static func relativeSeq(_ ep: ZeekEndpoint, _ cur: UInt32, last: UInt32, wraps: UInt32) -> (UInt64, Bool) {
        var w = wraps
        let delta = Int32(bitPattern: cur &- last)
        if delta < 0 {
            if w > 0 && cur > last { w -= 1 }
        } else if delta > 0 {
            if cur < last { w &+= 1 }
        }
        if w == 0 {
            let d = Int32(bitPattern: cur &- ep.startSeq32)
            return (UInt64(bitPattern: Int64(d)), d < 0)
        }
        return (ZeekEndpoint.full(cur, w) &- UInt64(bitPattern: ep.startSeq), false)
    }

    mutating func updateLastSeq(_ ep: inout ZeekEndpoint, _ last: UInt32, syn: Bool, fin: Bool, rst: Bool, len: UInt32) -> Int32 {
        let delta = Int32(bitPattern: last &- ep.lastSeq)
        if (syn || rst) && (delta > ZeekConnection.tooLargeSeqDelta || delta < -ZeekConnection.tooLargeSeqDelta) {
            // untrusted
        } else if fin && ep.lastSeq == ep.startSeq32 &+ 1 {
            ep.updateLastSeq(last)
        } else if ep.state == .reset {
            // untrusted
        } else if delta > 0 {
            ep.updateLastSeq(last)
        } else if len > 0 {
            if ep.retransmissions.hit() { history.append(ep.isOrig ? UInt8(ascii: "T") : UInt8(ascii: "t")) }
        }
        return delta
    }

    // MARK: - History

    mutating func updateHistory(_ ep: inout ZeekEndpoint, _ peer: inout ZeekEndpoint, syn: Bool, fin: Bool, rst: Bool,
                                ack: Bool, relSeq: UInt64, len: UInt64) {
        let bits = (syn ? 1 : 0) + (fin ? 1 : 0) + (rst ? 1 : 0)
        if bits > 1 {
            if fin && rst {
                _ = checkHistory(&ep, &peer, ZeekHistory.finRstMask, UInt8(ascii: "I"))
            } else {
                _ = checkHistory(&ep, &peer, ZeekHistory.multiFlagMask, UInt8(ascii: "Q"))
            }
        } else if bits == 1 {
            if syn {
                let code = ack ? UInt8(ascii: "H") : UInt8(ascii: "S")
                if checkHistory(&ep, &peer, ZeekHistory.synMask, code) && relSeq != ep.histLastSYN { addHistory(ep, code) }
                ep.histLastSYN = relSeq
            }
            if fin {
                if checkHistory(&ep, &peer, ZeekHistory.finMask, UInt8(ascii: "F")) && relSeq &+ len != ep.histLastFIN {
                    addHistory(ep, UInt8(ascii: "F"))
                }
                ep.histLastFIN = relSeq &+ len
            }
            if rst {
                if checkHistory(&ep, &peer, ZeekHistory.rstMask, UInt8(ascii: "R")) && relSeq != ep.histLastRST {
                    addHistory(ep, UInt8(ascii: "R"))
                }
                ep.histLastRST = relSeq
            }
        } else if len > 0 {
            _ = checkHistory(&ep, &peer, ZeekHistory.dataMask, UInt8(ascii: "D"))
        } else if ack {
            _ = checkHistory(&ep, &peer, ZeekHistory.ackMask, UInt8(ascii: "A"))
        }
    }

    /// `TCP_Endpoint::CheckHistory`, with the H-flip: a lone SYN-ACK followed by an ACK or data
    /// means the SYN-ACK's sender is the responder.
    mutating func checkHistory(_ ep: inout ZeekEndpoint, _ peer: inout ZeekEndpoint, _ mask: UInt32, _ code: UInt8) -> Bool {
        if (code == UInt8(ascii: "A") || code == UInt8(ascii: "D")) && history.isLoneSYNACK {
            flipRoles(&ep, &peer)
            history.replace(with: "^h")
            firstPacketSeen |= ZeekConnection.origBit
        }
        if ep.isOrig { return history.check(mask, code) }
        return history.check(mask << 16, ZeekHistory.lower(code))
    }

    mutating func addHistory(_ ep: ZeekEndpoint, _ code: UInt8) {
        history.append(ep.isOrig ? code : ZeekHistory.lower(code))
    }

    /// `Connection::FlipRoles` with the adapter's part: the endpoints trade roles, `^` is noted.
    mutating func flipRoles(_ x: inout ZeekEndpoint, _ y: inout ZeekEndpoint) {
        swap(&originator, &responder)
        x.isOrig.toggle()
        y.isOrig.toggle()
        let seen = firstPacketSeen
        firstPacketSeen = (seen & ZeekConnection.origBit != 0 ? ZeekConnection.respBit : 0)
            | (seen & ZeekConnection.respBit != 0 ? ZeekConnection.origBit : 0)
        isPartial = false
        history.append(UInt8(ascii: "^"))
    }

    // MARK: - State machine

    /// `TCP_Endpoint::SetState`, with the switch to the long inactivity timeout when the
    /// handshake is over.
    mutating func setState(_ ep: inout ZeekEndpoint, _ peerState: ZeekEndpointState, _ new: ZeekEndpointState) {
        guard new != ep.state else { return }
        if !new.isHandshake && ep.state.isHandshake && peerState.isHandshake {
            inactivityTimeout = ZeekConnection.tcpInactivityTimeout
        }
        ep.prevState = ep.state
        ep.state = new
    }

    mutating func updateInactiveState(_ ep: inout ZeekEndpoint, _ peer: inout ZeekEndpoint, baseSeq: UInt32, len: UInt32,
                                      isOrig: Bool, syn: Bool, fin: Bool, rst: Bool, ack: Bool, time: Nanoseconds,
                                      _ doClose: inout Bool, _ genEvent: inout Bool) {
        if syn {
            if isOrig {
                setState(&ep, peer.state, ack ? .synAckSent : .synSent)
                attemptTimers.append(time + ZeekConnection.attemptDelay)
            } else {
                if ack {
                    // bad_SYN_ack weird only
                } else if peer.state == .synAckSent && baseSeq == ep.startSeq32 {
                    // The SYN-ACK came before the SYN: flip and establish.
                    isPartial = false
                    flipRoles(&ep, &peer)
                    setState(&peer, ep.state, .established)
                    firstPacketSeen |= ZeekConnection.origBit
                }
                if peer.state == .synSent { setState(&peer, ep.state, .established) }
                setState(&ep, peer.state, .established)
            }
        }
        if fin {
            setState(&ep, peer.state, .closed)
            doClose = true
            genEvent = true
        }
        if rst {
            setState(&ep, peer.state, .reset)
            let isReject = isOrig ? peer.state == .established : (peer.state == .synSent || peer.state == .synAckSent)
            doClose = true
            genEvent = !isReject
        }
        if ep.state == .inactive {
            let origState = ep.isOrig ? ep.state : peer.state
            if !isOrig && len == 0 && origState == .synSent {
                // an ACK of the SYN ahead of the SYN-ACK: not a partial connection
            } else if ack && peer.state == .established {
                setState(&ep, peer.state, .established)
                isPartial = false
                firstPacketSeen |= isOrig ? ZeekConnection.origBit : ZeekConnection.respBit
            } else {
                setState(&ep, peer.state, .partial)
            }
        }
    }

    // MARK: - Closing

    mutating func connectionClosed(_ ep: inout ZeekEndpoint, _ peer: inout ZeekEndpoint, _ genEvent: Bool) {
        if dataPending(ep, peer) {
            closeDeferred = true
            if !deferredGenEvent { deferredGenEvent = genEvent }
            return
        }
        closeDeferred = false
        if ep.didClose { return }
        ep.didClose = true
        let complete = ep.state == .reset || peer.didClose || peer.state == .inactive
        if complete {
            if ep.prevState != .inactive || peer.state != .inactive {
                var gen = genEvent
                if deferredGenEvent {
                    gen = true
                    deferredGenEvent = false
                }
                if gen { isActive = false }   // ConnectionFinished
            }
            attemptTimers.removeAll()
            expireTimers.removeAll()
            deleteAt = lastTime + ZeekConnection.closeDelay
        } else if ep.prevState != .inactive {
            expireTimers.append(lastTime + ZeekConnection.sessionTimer)
        }
    }

    /// `TCP_Reassembler::DataPending` for `x`'s direction.
    func dataPending(_ x: ZeekEndpoint, _ y: ZeekEndpoint) -> Bool {
        if x.reassembly.skipping { return false }
        let delivered = UInt64(bitPattern: x.startSeq) &+ x.reassembly.lastReassembled
        let last = ZeekEndpoint.full(x.lastSeq, x.seqWraps)
        if last < delivered { return false }
        if delivered != last &- 1 && delivered != last { return true }
        if x.state != .reset && !y.reassembly.blocks.isEmpty { return true }
        return false
    }

    mutating func checkEOF(_ x: inout ZeekEndpoint, _ y: inout ZeekEndpoint) {
        guard !x.reassembly.didEOF, x.finCount > 0 || x.state == .closed || x.state == .reset, !dataPending(x, y) else { return }
        x.reassembly.didEOF = true
        if closeDeferred {
            connectionClosed(&x, &y, deferredGenEvent)
            closeDeferred = false
        }
    }

    // MARK: - Reassembly: gaps and missed bytes

    /// `x` sent `len` bytes at relative `seq`; `y` is its peer.
    mutating func dataSent(_ x: inout ZeekEndpoint, _ y: inout ZeekEndpoint, _ seq: UInt64, _ len: UInt64, truncated: Bool) {
        if truncated || x.reassembly.skipping { return }
        let acked = ZeekEndpoint.full(x.ackSeq, x.ackWraps) &- UInt64(bitPattern: x.startSeq)
        var lower = seq
        let upper = seq &+ len
        guard upper > lower else { return }
        if lower < acked {
            if upper <= acked { return }
            lower = acked
        }
        // Reassembler::NewBlock
        if upper <= x.reassembly.trimmed { return }
        if lower < x.reassembly.trimmed { lower = x.reassembly.trimmed }
        x.reassembly.insert(lower, upper)
        blockInserted(&x, &y)
        if x.noDataAcked && x.reassembly.undeliveredBytes > ZeekReassembly.maximumUnackedWindow {
            x.reassembly.clear()
            x.reassembly.skipping = true
        }
        if x.reassembly.bufferedBytes > ZeekReassembly.excessiveBuffered || x.reassembly.blocks.count > ZeekReassembly.maximumBlocks {
            x.reassembly.clear()
            x.reassembly.skipping = true
        }
    }

    mutating func blockInserted(_ x: inout ZeekEndpoint, _ y: inout ZeekEndpoint) {
        guard x.reassembly.deliverContiguous() else { return }
        if x.noDataAcked && x.size(peerState: y.state) > ZeekReassembly.maximumUnackedWindow {
            trimToSeq(&x, &y, x.reassembly.lastReassembled)
        }
    }

    /// The peer of `x` acknowledged up to relative `seq` of `x`'s data.
    mutating func ackReceived(_ x: inout ZeekEndpoint, _ y: inout ZeekEndpoint, _ ack: UInt64) {
        var seq = ack
        if x.finCount > 0 && seq >= x.finSeq { seq = x.finSeq &- 1 }
        if seq <= x.reassembly.trimmed { return }
        trimToSeq(&x, &y, seq)
        checkEOF(&x, &y)
    }

    mutating func trimToSeq(_ x: inout ZeekEndpoint, _ y: inout ZeekEndpoint, _ seq: UInt64) {
        if seq > x.reassembly.lastReassembled { undelivered(&x, &y, seq) }
        x.reassembly.dropBlocks(below: seq)
        if let first = x.reassembly.blocks.first, first.lower == x.reassembly.lastReassembled {
            blockInserted(&x, &y)
        }
        if seq > x.reassembly.trimmed { x.reassembly.trimmed = seq }
    }

    /// Data up to `upTo` was acknowledged but never seen: content gaps.
    mutating func undelivered(_ x: inout ZeekEndpoint, _ y: inout ZeekEndpoint, _ upTo: UInt64) {
        if upTo <= 2 && isPartial { return }
        if !x.reassembly.skipping {
            var index = 0
            while index < x.reassembly.blocks.count {
                let b = x.reassembly.blocks[index]
                if b.upper <= x.reassembly.lastReassembled { index += 1; continue }
                if b.lower >= upTo { break }
                if b.lower > x.reassembly.lastReassembled {
                    gap(&x, y, length: b.lower - x.reassembly.lastReassembled)
                    x.reassembly.lastReassembled = b.lower
                }
                blockInserted(&x, &y)
                index = 0
            }
            if upTo > x.reassembly.lastReassembled {
                gap(&x, y, length: upTo - x.reassembly.lastReassembled)
            }
        }
        if upTo > x.reassembly.lastReassembled { x.reassembly.lastReassembled = upTo }
    }

    /// A content gap in `x`'s data: 'G' and missed bytes, reported only while both sides are
    /// established or closed cleanly from established.
    mutating func gap(_ x: inout ZeekEndpoint, _ y: ZeekEndpoint, length: UInt64) {
        func clean(_ e: ZeekEndpoint) -> Bool { e.state == .established || (e.state == .closed && e.prevState == .established) }
        guard clean(x) && clean(y) else { return }
        if x.gaps.hit() { history.append(x.isOrig ? UInt8(ascii: "G") : UInt8(ascii: "g")) }
        missedBytes &+= length
    }
}
