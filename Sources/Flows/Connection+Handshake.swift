import Wire

/// SYN, SYN-ACK and the ACK that completes a handshake, for both endpoints.
extension Connection {
    mutating func applySyn(_ s: Segment, sender: Role, _ w: inout Work) {
        let me = track(sender), peer = track(sender.peer)
        if s.payloadLength > 0 { w.notes.insert(.dataOnSYN) }
        if let isn = me.isn, isn == s.sequence, me.synTransmissions > 0 {
            update(sender) { $0.synTransmissions += 1 }
            w.notes.insert(.retransmission)
            w.retransmission = me.synTransmissions
            w.step = simultaneousOpen ? .simultaneousOpen(sender == .client ? 1 : 2) : .handshake(1)
            // The peer's older connection was reset meanwhile (see `answerSYNFromStaleConnection`).
            if peer.state == .closed { move(sender.peer, to: .listen, at: s, certainty: .inferred) }
            return
        }
        update(sender) {
            $0.isn = s.sequence
            $0.synTransmissions = 1
            $0.synPayload = s.payloadLength
        }
        if peer.sentSYN && !peer.state.isSynchronized && peer.state != .synReceived {
            // SYNs crossed: each side is in SYN_SENT with the other's SYN on its way.
            simultaneousOpen = true
            w.notes.insert(.simultaneousOpen)
            move(sender, to: .synSent, at: s)
            w.step = .simultaneousOpen(2)
            return
        }
        if synTime == nil { synTime = s.time }
        move(sender, to: .synSent, at: s)
        if peer.state == .closed {
            // The document's narration: the server is listening when the SYN arrives. The
            // capture cannot prove it until the SYN-ACK, so it is inferred.
            move(sender.peer, to: .listen, at: s, certainty: .inferred)
        }
        w.step = .handshake(1)
    }

    mutating func applySynAck(_ s: Segment, sender: Role, _ w: inout Work) {
        let me = track(sender), peer = track(sender.peer)
        if s.payloadLength > 0 { w.notes.insert(.dataOnSYN) }
        if let isn = me.isn, isn == s.sequence, me.state == .synReceived || me.state.isSynchronized,
           me.synTransmissions > 0, !(simultaneousOpen && me.state == .synSent) {
            update(sender) { $0.synTransmissions += 1 }
            w.notes.insert(.retransmission)
            w.retransmission = me.synTransmissions - (simultaneousOpen ? 1 : 0)
            w.step = simultaneousOpen ? .simultaneousOpen(sender == .client ? 3 : 4) : .handshake(2)
            if w.retransmission <= 0 { w.notes.remove(.retransmission) }
            return
        }
        if me.state == .closed && (refused || resetBy != nil) {
            // A SYN-ACK from an endpoint that refused or reset: nothing of this connection takes it.
            return
        }
        if me.state.isSynchronized && handshakeCompleted {
            // A SYN-ACK with a new ISN on a connection both sides hold synchronized: no state of
            // this connection accepts it (RFC 5961 §4: the peer answers with a challenge ACK).
            w.notes.insert(.synOnSynchronized)
            return
        }
        if simultaneousOpen && me.state == .synSent {
            update(sender) { $0.synTransmissions += 1 }
            w.step = .simultaneousOpen(peer.state == .synReceived || peer.state == .established ? 4 : 3)
            if let myIsn = me.isn, let peerAck = peer.highestAck, Seq.gt(peerAck, myIsn) {
                // The peer already acknowledged this side's SYN: SYN_RECEIVED is passed through.
                move(sender, via: .synReceived, to: .established, at: s)
            } else {
                move(sender, to: .synReceived, at: s)
            }
            if peer.state == .synReceived, let pisn = peer.isn, Seq.gt(s.acknowledgment, pisn) {
                move(sender.peer, to: .established, at: s)
            }
            checkBothEstablished()
            return
        }
        if me.isn != nil && me.isn != s.sequence && me.synTransmissions > 0 { w.notes.insert(.synAckNewISN) }
        if (me.isn == nil && me.packets > 1) || (me.isn != nil && me.isn != s.sequence) {
            // A new sequence space: what this side sent before does not precede this SYN-ACK.
            analysis.restart(sender)
        }
        if reuse == .staleConnection && me.isn == nil {
            // The endpoint that held an older connection on these ports answers the SYN at last:
            // its new incarnation starts here (tshark's reused ports).
            w.notes.insert(.portReuse)
            w.reuse = .staleConnection
        }
        update(sender) {
            $0.isn = s.sequence
            $0.synTransmissions = 1
        }
        synAckTime = synAckTime ?? s.time
        // With TCP Fast Open the SYN-ACK may also acknowledge the data the SYN carried.
        if let pisn = peer.isn, s.acknowledgment != pisn &+ 1,
           s.acknowledgment != pisn &+ 1 &+ UInt32(truncatingIfNeeded: peer.synPayload) {
            w.notes.insert(.handshakeAckMismatch)
            w.expectedAck = pisn &+ 1
            w.actualAck = s.acknowledgment
            synAckAckMismatch = true
        }
        move(sender, to: .synReceived, at: s)
        w.step = .handshake(2)
    }

    mutating func applyAck(_ s: Segment, sender: Role, _ w: inout Work) {
        let peerRole = sender.peer
        if state(peerRole) == .synSent && answerSYNFromStaleConnection(s, sender: sender, &w) { return }
        // Handshake completion: the SYN_SENT side acknowledges the peer's SYN.
        if track(sender).state == .synSent, let pisn = track(peerRole).isn, track(peerRole).sentSYN {
            move(sender, to: .established, at: s)
            if s.acknowledgment != pisn &+ 1 {
                w.notes.insert(.handshakeAckMismatch)
                w.expectedAck = pisn &+ 1
                w.actualAck = s.acknowledgment
            }
            let acceptable = acknowledgesSYN(s.acknowledgment, of: track(peerRole))
            if track(peerRole).state == .synReceived {
                // RFC 9293 §3.10.7.4: SYN_RECEIVED answers an ACK outside SND.UNA < SEG.ACK =< SND.NXT
                // with a RST and stays.
                if acceptable { move(peerRole, to: .established, at: s) } else { w.notes.insert(.unacceptableHandshakeACK) }
            }
            if !simultaneousOpen {
                w.step = .handshake(3)
                if acceptable {
                    handshakeCompleted = true
                    handshakeAckTime = handshakeAckTime ?? s.time
                }
            }
        } else if track(peerRole).state == .synReceived, acknowledgesSYN(s.acknowledgment, of: track(peerRole)) {
            // The peer's SYN is acknowledged (simultaneous open's last ACK, or a lost third ACK).
            move(peerRole, to: .established, at: s)
            if track(sender).state == .synReceived { move(sender, to: .established, at: s) }
            if !simultaneousOpen {
                w.step = .handshake(3)
                handshakeCompleted = true
                handshakeAckTime = handshakeAckTime ?? s.time
            }
        }
        checkBothEstablished()
        applyClose(s, sender: sender, &w)
    }
}
