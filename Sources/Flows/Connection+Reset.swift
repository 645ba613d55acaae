import Wire

/// RSTs judged as their receiver would judge them (RFC 9293 §3.10.7, RFC 5961 §3): only an
/// acceptable RST changes state. One the receiver drops changes nothing, not even for its
/// sender: an injected RST comes from somebody else, and a stack that really reset sends the
/// acceptable one next (its answer to the receiver's next segment).
extension Connection {
    /// What the receiver of a RST does with it.
    enum ResetVerdict {
        /// Its sequence number is (or may be) exactly RCV.NXT: the connection ends.
        case accepted
        /// Inside the window but not RCV.NXT: a challenge ACK, no change (RFC 5961 §3.2).
        case challenged
        /// Outside the window: dropped.
        case outOfWindow
    }

    /// Whether `ack` acknowledges the SYN of the endpoint `t`: ISS < SEG.ACK =< SND.NXT.
    func acknowledgesSYN(_ ack: UInt32, of t: EndpointTrack) -> Bool {
        guard let isn = t.isn else { return false }
        let sent = t.nextSequence.map { Seq.max($0, isn &+ 1) } ?? isn &+ 1
        return Seq.gt(ack, isn) && Seq.le(ack, sent)
    }

    /// The verdict of a synchronized (or SYN_RECEIVED) receiver on a RST with sequence number `seq`.
    /// RCV.NXT is the receiver's highest acknowledgment; what the sender had sent before the RST
    /// may have arrived unacknowledged, so any number between the two may be the exact one.
    static func verdict(onResetAt seq: UInt32, receiver r: EndpointTrack, sender: EndpointTrack,
                        senderNextBefore: UInt32?) -> ResetVerdict {
        guard var rcvNext = r.highestAck else { return .accepted }
        if let fin = sender.finSequence, Seq.gt(fin &+ 1, rcvNext) {
            // The sender's FIN went before the RST and, in order, arrived first: RCV.NXT is
            // past it. (Stacks that reset with SEQ = their FIN's sequence number send RSTs that
            // RFC 5961 receivers drop.)
            rcvNext = fin &+ 1
        }
        let upper = senderNextBefore.map { Seq.max($0, rcvNext) } ?? rcvNext
        if Seq.ge(seq, rcvNext) && Seq.le(seq, upper) { return .accepted }
        // The window scale applies only when both SYNs carried the option; unknown (no SYN
        // seen) assumes the widest, 14, so that only a RST certainly outside is called so.
        let scale: UInt64
        if r.windowOnSYN || r.windowScale == -2 || sender.windowScale == -2 {
            scale = 0
        } else if r.windowScale >= 0 {
            scale = UInt64(r.windowScale)
        } else {
            scale = 14
        }
        let window = UInt64(r.window) << scale
        return UInt64(seq &- rcvNext) < window ? .challenged : .outOfWindow
    }

    mutating func applyReset(_ s: Segment, sender: Role, _ w: inout Work) {
        let me = track(sender), peer = track(sender.peer)
        update(sender) { $0.sentRST = true }
        if isClosed {
            // Linux with tcp_rfc1337=0 would drop the TIME_WAIT socket; others keep it. The
            // capture cannot tell, so the state stays and the packet is named.
            if peer.state == .timeWait { w.notes.insert(.timeWaitAssassination) }
            w.step = .reset
            return
        }
        if me.state == .synSent && peer.state == .synReceived && synAckAckMismatch && !simultaneousOpen {
            // RFC 9293 §3.5: the SYN-ACK acknowledged something this client never sent (an old
            // duplicate SYN); its RST sends the server back to LISTEN and the client waits on.
            w.notes.insert(.oldDuplicateSYNRecovery)
            move(sender.peer, to: .listen, at: s)
            w.step = .reset
            return
        }
        if me.state == .synSent, let answered = peer.lastAck, s.sequence == answered,
           !acknowledgesSYN(answered, of: me) {
            // RFC 9293 §3.10.7.3: SYN_SENT answers an ACK that does not acknowledge its SYN (a
            // stale connection's ACK, say) with <SEQ=SEG.ACK><CTL=RST> and keeps waiting.
            w.notes.insert(.rstAnswersUnacceptableACK)
            if peer.state.isSynchronized && peer.certainty == .inferred {
                // It lands exactly at the older connection's RCV.NXT (the ACK it answers): that
                // connection ends, and the peer can take the SYN's next transmission.
                move(sender.peer, to: .closed, at: s)
            }
            return
        }
        switch peer.state {
        case .synSent:
            // A RST is acceptable in SYN_SENT only if it acknowledges the SYN.
            guard s.hasACK && acknowledgesSYN(s.acknowledgment, of: peer) else {
                w.notes.insert(.rstNotAcknowledgingSYN)
                return
            }
            if !me.sentSYN {
                // Nobody listens: the RST answers the SYN.
                refused = true
                resetBy = sender
                rememberBeforeReset()
                move(sender, to: .closed, at: s)
                move(sender.peer, to: .closed, at: s)
                w.step = .refused
                return
            }
        case .closed, .listen:
            // Nothing synchronized to reset: a LISTEN endpoint ignores a RST (RFC 9293 §3.10.7.2).
            w.step = .reset
            return
        default:
            switch Connection.verdict(onResetAt: s.sequence, receiver: peer, sender: me, senderNextBefore: w.senderNextBefore) {
            case .accepted:
                break
            case .challenged:
                w.notes.insert(.rstChallenged)
                return
            case .outOfWindow:
                w.notes.insert(.rstOutOfWindow)
                return
            }
        }
        if peer.state == .timeWait { w.notes.insert(.timeWaitAssassination) }
        resetBy = resetBy ?? sender
        rememberBeforeReset()
        move(sender, to: .closed, at: s)
        move(sender.peer, to: .closed, at: s)
        w.step = .reset
    }

    /// Keeps both endpoints' states and sequence fronts as a RST finds them, for `reviseReset`.
    private mutating func rememberBeforeReset() {
        for role in [Role.client, .server] where track(role).state != .closed {
            update(role) {
                $0.stateBeforeReset = $0.state
                $0.certaintyBeforeReset = $0.certainty
                $0.sequenceAtReset = $0.nextSequence
            }
        }
    }

    /// Undoes a RST that later packets prove did not take effect: the endpoint it closed keeps
    /// sending new data — beyond what it had sent when the RST went out, so not in flight — and
    /// the peer acknowledges that data. Both endpoints the RST closed get their states back.
    /// True when it revised.
    mutating func reviseResetIfContradicted(_ s: Segment, sender: Role, _ w: inout Work) -> Bool {
        guard state(sender.peer) == .closed else { return false }
        let peer = track(sender.peer)
        guard peer.stateBeforeReset != nil, let front = peer.sequenceAtReset,
              let sent = peer.nextSequence, Seq.gt(sent, front), Seq.gt(s.acknowledgment, front),
              track(sender).state != .timeWait else { return false }
        for role in [Role.client, .server] {
            let t = track(role)
            guard t.state == .closed, let previous = t.stateBeforeReset else { continue }
            move(role, to: previous, at: s, certainty: .inferred)
            update(role) {
                $0.stateBeforeReset = nil
                $0.sequenceAtReset = nil
            }
        }
        if !refused { resetBy = nil }
        closedAt = nil
        closeScheduled = false
        w.notes.insert(.resetRevised)
        return true
    }
}
