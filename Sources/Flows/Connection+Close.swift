import Wire

/// FINs and the ACKs of FINs, for both endpoints.
extension Connection {
    /// The step a FIN belonged to when first sent, for its retransmissions.
    func retransmittedFINStep(_ sender: Role) -> Step {
        let me = track(sender)
        if simultaneousClose && activeCloser != sender { return .simultaneousClose(2) }
        if activeCloser == sender { return simultaneousClose ? .simultaneousClose(1) : .teardown(step: 1, through: 1) }
        return me.state == .lastAck && !threeSegmentClose ? .teardown(step: 3, through: 3) : .teardown(step: 2, through: 3)
    }

    mutating func checkBothEstablished() {
        if simultaneousOpen && clientTrack.state == .established && serverTrack.state == .established {
            handshakeCompleted = true
        }
    }

    /// FIN and acknowledgment-of-FIN transitions for both endpoints.
    mutating func applyClose(_ s: Segment, sender: Role, _ w: inout Work) {
        // Until a FIN is seen nothing here applies: most segments of a connection stop here.
        if !s.isFIN && clientTrack.finSequence == nil && serverTrack.finSequence == nil { return }
        let peerRole = sender.peer
        let ack = s.acknowledgment

        // Does this segment acknowledge the peer's FIN for the first time?
        var acksPeerFIN = false
        if let pfin = track(peerRole).finSequence, !track(sender).ackedPeerFIN, Seq.ge(ack, pfin &+ 1) {
            acksPeerFIN = true
            update(sender) { $0.ackedPeerFIN = true }
            update(peerRole) { $0.finAcked = true }
        }

        // This segment's own FIN.
        var firstFIN = false
        if s.isFIN {
            let finSeq = s.sequence &+ UInt32(truncatingIfNeeded: s.payloadLength)
            if let existing = track(sender).finSequence {
                if existing == finSeq {
                    update(sender) { $0.finTransmissions += 1 }
                    w.notes.insert(.retransmission)
                    w.retransmission = track(sender).finTransmissions - 1
                    w.step = retransmittedFINStep(sender)
                }
            } else {
                firstFIN = true
                update(sender) {
                    $0.finSequence = finSeq
                    $0.finTransmissions = 1
                }
            }
        }

        let me = track(sender)
        if firstFIN {
            let peerSentFIN = track(peerRole).sentFIN
            if !peerSentFIN {
                activeCloser = activeCloser ?? sender
                move(sender, to: .finWait1, at: s)
                w.step = .teardown(step: 1, through: 1)
            } else if me.ackedPeerFIN {
                if me.state == .closeWait || !acksPeerFIN {
                    move(sender, to: .lastAck, at: s)
                    w.step = .teardown(step: 3, through: 3)
                } else {
                    threeSegmentClose = true
                    move(sender, via: .closeWait, to: .lastAck, at: s)
                    w.step = .teardown(step: 2, through: 3)
                }
            } else {
                // The FIN does not acknowledge the peer's FIN: the two crossed.
                simultaneousClose = true
                w.notes.insert(.simultaneousClose)
                move(sender, to: .finWait1, at: s)
                w.step = .simultaneousClose(2)
            }
        } else if acksPeerFIN {
            switch me.state {
            case .established, .synReceived:
                move(sender, to: .closeWait, at: s)
                w.step = .teardown(step: 2, through: 2)
            case .finWait1:
                if simultaneousClose {
                    move(sender, to: me.finAcked ? .timeWait : .closing, at: s)
                    w.step = .simultaneousClose(me.finAcked ? 4 : 3)
                } else {
                    // The peer's FIN+ACK acknowledged ours: RFC 9293 processes the ACK before the
                    // FIN, so FIN_WAIT_1 → FIN_WAIT_2 → TIME_WAIT on that one segment.
                    move(sender, via: .finWait2, to: .timeWait, at: s)
                    w.step = .teardown(step: 4, through: 4)
                }
            case .finWait2:
                move(sender, to: .timeWait, at: s)
                w.step = .teardown(step: 4, through: 4)
            case .closing:
                if me.finAcked {
                    move(sender, to: .timeWait, at: s)
                    w.step = .simultaneousClose(4)
                }
            default:
                break
            }
        }

        // The peer's FIN acknowledged by this segment: transitions that send nothing.
        if acksPeerFIN {
            let peer = track(peerRole)
            switch peer.state {
            case .finWait1:
                if simultaneousClose && track(sender).finInferred && !peer.ackedPeerFIN {
                    // The sender's FIN was lost before the capture point, so the peer never got
                    // it: the ACK of its own FIN takes it to FIN_WAIT_2, not CLOSING.
                    move(peerRole, to: .finWait2, at: s)
                } else if simultaneousClose {
                    move(peerRole, to: peer.ackedPeerFIN ? .timeWait : .closing, at: s)
                    if w.step == .none { w.step = .simultaneousClose(peer.ackedPeerFIN ? 4 : 3) }
                } else if !s.isFIN {
                    move(peerRole, to: .finWait2, at: s)
                }
            case .closing:
                move(peerRole, to: .timeWait, at: s)
            case .lastAck:
                move(peerRole, to: .closed, at: s)
                if w.step == .none { w.step = .teardown(step: 4, through: 4) }
            default:
                break
            }
        }

        // Data from the side that has already acknowledged the peer's FIN and not closed.
        if s.payloadLength > 0 && track(sender).ackedPeerFIN && !track(sender).sentFIN {
            halfCloseData = true
            w.notes.insert(.halfCloseData)
        }
    }
}
