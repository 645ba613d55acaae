import Flows
import Wire

/// The text tcpwave appends to a packet's line: ` | #flow step[, notes] | client STATE | server STATE`.
/// A state change shows as `FROM->TO`; an inferred state ends in `?`.
public enum Annotation {
    public static func write(_ e: PacketEvent, into out: inout OutputBuffer) {
        out.append(" | #")
        out.append(decimal: UInt64(e.flow))
        var list = NoteList(lead: " ")
        if e.step != .none {
            list.next(&out)
            writeStep(e, &out)
        }
        if !e.notes.isEmpty { writeNotes(e, &out, &list) }
        out.append(" | client ")
        writeChange(e.client, &out)
        out.append(" | server ")
        writeChange(e.server, &out)
    }

    static func writeChange(_ c: StateChange, _ out: inout OutputBuffer) {
        if c.changed {
            out.append(c.before.name)
            out.append("->")
            if let via = c.via {
                out.append(via.name)
                out.append("->")
            }
        }
        out.append(c.after.name)
        if c.certainty == .inferred { out.append(UInt8(ascii: "?")) }
    }

    static func writeStep(_ e: PacketEvent, _ out: inout OutputBuffer) {
        switch e.step {
        case .none:
            break
        case .handshake(let k):
            out.append("handshake ")
            out.append(decimal: k)
            out.append("/3")
        case .simultaneousOpen(let k):
            out.append("simultaneous open ")
            out.append(decimal: k)
            out.append("/4")
        case let .teardown(step, through):
            out.append("teardown ")
            out.append(decimal: step)
            if through != step {
                out.append(UInt8(ascii: "+"))
                out.append(decimal: through)
            }
            out.append("/4 (")
            out.append(e.sender.name)
            out.append(through != step ? " FIN+ACK" : (step == 1 || step == 3 ? " FIN" : " ACK"))
            out.append(UInt8(ascii: ")"))
        case .simultaneousClose(let k):
            out.append("simultaneous close ")
            out.append(decimal: k)
            out.append("/4 (")
            out.append(e.sender.name)
            out.append(k <= 2 ? " FIN" : " ACK")
            out.append(UInt8(ascii: ")"))
        case .reset:
            out.append("reset by ")
            out.append(e.sender.name)
            let before = e.sender == .client ? e.client.before : e.server.before
            out.append(" in ")
            out.append(before.name)
        case .refused:
            out.append("refused: ")
            out.append(e.sender.name)
            out.append(" RST answers the SYN")
        }
    }

    static func writeNotes(_ e: PacketEvent, _ out: inout OutputBuffer, _ list: inout NoteList) {
        let n = e.notes
        if n.contains(.retransmission) {
            list.next(&out)
            if n.contains(.fastRetransmission) {
                out.append("fast ")
            } else if n.contains(.spuriousRetransmission) {
                out.append("spurious ")
            }
            out.append("retransmission ")
            out.append(decimal: e.retransmissionCount)
        }
        if !n.isDisjoint(with: Annotation.analysisNotes) { writeAnalysisNotes(e, &out, &list) }
        if let reason = e.reuse {
            list.next(&out)
            out.append("new connection, ")
            out.append(reason.text)
            if let previous = e.previousFlow {
                out.append(" (was #")
                out.append(decimal: previous)
                out.append(UInt8(ascii: ")"))
            }
        }
        if n.contains(.midstream) {
            list.next(&out)
            out.append("midstream: capture began after the SYN, roles inferred")
        }
        if n.contains(.handshakeAckMismatch) {
            list.next(&out)
            out.append("ack mismatch: expected ")
            out.append(decimal: e.expectedAck)
            out.append(", got ")
            out.append(decimal: e.actualAck)
        }
        if n.contains(.oldDuplicateSYNRecovery) {
            list.next(&out)
            out.append("old duplicate SYN recovery: server back to LISTEN")
        }
        if n.contains(.dataOnSYN) {
            list.next(&out)
            out.append("data on SYN (TCP Fast Open)")
        }
        if n.contains(.halfCloseData) {
            list.next(&out)
            out.append("half-close: data after the peer's FIN")
        }
        if n.contains(.timeWaitAssassination) {
            list.next(&out)
            out.append("RST in TIME_WAIT (RFC 1337 TIME-WAIT assassination)")
        }
        if n.contains(.invalidFlags) {
            list.next(&out)
            out.append("invalid flag combination, ignored")
        }
        if n.contains(.rstChallenged) {
            list.next(&out)
            out.append("RST in window but not at the expected sequence number (receiver sends a challenge ACK and stays)")
        }
        if n.contains(.rstNotAcknowledgingSYN) {
            list.next(&out)
            out.append("RST does not acknowledge the SYN (dropped in SYN_SENT)")
        }
        if n.contains(.rstAnswersUnacceptableACK) {
            list.next(&out)
            out.append("RST answers an ACK that does not acknowledge the SYN; sender stays in SYN_SENT")
        }
        if n.contains(.unacceptableHandshakeACK) {
            list.next(&out)
            out.append("ACK does not acknowledge the SYN-ACK; server stays in SYN_RECEIVED")
        }
        if n.contains(.staleConnectionACK) {
            list.next(&out)
            out.append("challenge ACK from an earlier connection the peer still holds on these ports")
        }
        if n.contains(.synAckNewISN) {
            list.next(&out)
            out.append("SYN-ACK with a new ISN (a second answer to the same SYN)")
        }
        if n.contains(.synOnSynchronized) {
            list.next(&out)
            out.append("SYN on a synchronized connection, ignored (a challenge ACK answers it)")
        }
        if n.contains(.finNotCaptured) {
            list.next(&out)
            out.append("FIN not captured")
        }
        if n.contains(.resetRevised) {
            list.next(&out)
            out.append("connection went on: the earlier RST did not take effect")
        }
        if n.contains(.afterClose) {
            list.next(&out)
            out.append("after close")
        }
    }

    /// The sequence analysis's notes other than retransmission.
    /// (A computed constant: an option-set literal would build an array on every use.)
    static var analysisNotes: PacketNotes {
        var all = PacketNotes.outOfOrder
        all.formUnion(.duplicateAck); all.formUnion(.keepalive); all.formUnion(.keepaliveAck)
        all.formUnion(.zeroWindow); all.formUnion(.windowProbe); all.formUnion(.windowProbeAck)
        all.formUnion(.lostSegment); all.formUnion(.ackedUnseenSegment); all.formUnion(.windowUpdate)
        all.formUnion(.rstOutOfWindow)
        return all
    }

    /// The words for the sequence analysis's findings (docs/troubles.md).
    static func writeAnalysisNotes(_ e: PacketEvent, _ out: inout OutputBuffer, _ list: inout NoteList) {
        let n = e.notes
        if n.contains(.lostSegment) {
            list.next(&out)
            out.append("previous segment not captured")
        }
        if n.contains(.outOfOrder) {
            list.next(&out)
            out.append("out-of-order")
        }
        if n.contains(.keepalive) {
            list.next(&out)
            out.append("keepalive")
        }
        if n.contains(.keepaliveAck) {
            list.next(&out)
            out.append("keepalive ack")
        }
        if n.contains(.windowProbe) {
            list.next(&out)
            out.append("zero window probe")
        }
        if n.contains(.windowProbeAck) {
            list.next(&out)
            out.append("zero window probe ack")
        }
        if n.contains(.duplicateAck) {
            list.next(&out)
            out.append("duplicate ack #")
            out.append(decimal: e.duplicateAckCount)
        }
        if n.contains(.ackedUnseenSegment) {
            list.next(&out)
            out.append("acks unseen segment")
        }
        if n.contains(.zeroWindow) {
            list.next(&out)
            out.append("zero window")
        }
        if n.contains(.windowUpdate) {
            list.next(&out)
            out.append("window update")
        }
        if n.contains(.rstOutOfWindow) {
            list.next(&out)
            out.append("RST outside the receiver's window (a receiver drops it; injection?)")
        }
    }
}

/// Commas between the notes of one packet: the first goes after `lead`, the others after ", ".
struct NoteList {
    let lead: StaticString
    private var started = false

    init(lead: StaticString) { self.lead = lead }

    @inline(__always)
    mutating func next(_ out: inout OutputBuffer) {
        out.append(started ? ", " : lead)
        started = true
    }
}
