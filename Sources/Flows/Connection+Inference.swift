import Wire

/// Segments the capture missed but the sequence numbers prove.
extension Connection {
    /// A FIN occupies one sequence number. A segment without payload or FIN whose sequence number
    /// is one past everything its sender was seen to send, from an endpoint that has not sent a
    /// FIN, follows a FIN that was not captured (RFC 9293 §3.10.7: nothing else advances SND.NXT
    /// by one without data). The endpoint moves as that FIN would have moved it, marked inferred.
    mutating func inferUnseenFIN(_ s: Segment, sender: Role, _ w: inout Work) {
        guard s.payloadLength == 0, !s.isFIN, let previous = w.senderNextBefore, s.sequence == previous &+ 1 else { return }
        let me = track(sender)
        guard me.finSequence == nil, me.state == .established || me.state == .closeWait else { return }
        let peer = track(sender.peer)
        update(sender) {
            $0.finSequence = previous
            $0.finTransmissions = 1
            $0.finInferred = true
        }
        w.notes.insert(.finNotCaptured)
        if me.state == .closeWait {
            move(sender, to: .lastAck, at: s, certainty: .inferred)
        } else if peer.sentFIN && !me.ackedPeerFIN {
            // Its FIN left before it acknowledged the peer's: the two crossed.
            simultaneousClose = true
            w.notes.insert(.simultaneousClose)
            move(sender, to: .finWait1, at: s, certainty: .inferred)
        } else {
            activeCloser = activeCloser ?? sender
            move(sender, to: .finWait1, at: s, certainty: .inferred)
        }
    }
}

extension Connection {
    /// An endpoint that has sent no SYN answers its peer's SYN with a bare ACK that does not
    /// acknowledge it: it still holds an older, synchronized connection on these ports and sends
    /// the challenge ACK of RFC 5961 §4. The SYN reused the port of a connection the peer kept.
    /// The endpoint is inferred ESTABLISHED (in that older connection) until a RST ends it.
    mutating func answerSYNFromStaleConnection(_ s: Segment, sender: Role, _ w: inout Work) -> Bool {
        guard state(sender.peer) == .synSent else { return false }
        let me = track(sender), peer = track(sender.peer)
        guard !me.sentSYN, me.state == .listen || me.state == .closed,
              !acknowledgesSYN(s.acknowledgment, of: peer) else { return false }
        w.notes.insert(.staleConnectionACK)
        if reuse == nil { reuse = .staleConnection }
        move(sender, to: .established, at: s, certainty: .inferred)
        return true
    }
}
