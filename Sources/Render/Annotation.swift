import Flows
import Wire

/// The text tcpwave appends to a packet's line: ` | #flow step[, notes] | client STATE | server STATE`.
/// A state change shows as `FROM->TO`; an inferred state ends in `?`.
public enum Annotation {
    public static func write(_ e: PacketEvent, into out: inout OutputBuffer) {
        out.append(" | #")
        out.append(decimal: UInt64(e.flow))
        var wroteWhat = false
        func separator(_ out: inout OutputBuffer) {
            out.append(wroteWhat ? ", " : " ")
            wroteWhat = true
        }
        if e.step != .none {
            separator(&out)
            writeStep(e, &out)
        }
        if !e.notes.isEmpty { writeNotes(e, &out, separator) }
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

    static func writeNotes(_ e: PacketEvent, _ out: inout OutputBuffer, _ separator: (inout OutputBuffer) -> Void) {
        let n = e.notes
        if n.contains(.retransmission) {
            separator(&out)
            if n.contains(.fastRetransmission) {
                out.append("fast ")
            } else if n.contains(.spuriousRetransmission) {
                out.append("spurious ")
            }
            out.append("retransmission ")
            out.append(decimal: e.retransmissionCount)
        }
        if !n.isDisjoint(with: Annotation.analysisNotes) { writeAnalysisNotes(e, &out, separator) }
        if n.contains(.portReuse), let reason = e.reuse {
            separator(&out)
            out.append("new connection, ")
            out.append(reason.text)
            if let previous = e.previousFlow {
                out.append(" (was #")
                out.append(decimal: previous)
                out.append(UInt8(ascii: ")"))
            }
        }
        if n.contains(.midstream) {
            separator(&out)
            out.append("midstream: capture began after the SYN, roles inferred")
        }
        if n.contains(.handshakeAckMismatch) {
            separator(&out)
            out.append("ack mismatch: expected ")
            out.append(decimal: e.expectedAck)
            out.append(", got ")
            out.append(decimal: e.actualAck)
        }
        if n.contains(.oldDuplicateSYNRecovery) {
            separator(&out)
            out.append("old duplicate SYN recovery: server back to LISTEN")
        }
        if n.contains(.dataOnSYN) {
            separator(&out)
            out.append("data on SYN (TCP Fast Open)")
        }
        if n.contains(.halfCloseData) {
            separator(&out)
            out.append("half-close: data after the peer's FIN")
        }
        if n.contains(.timeWaitAssassination) {
            separator(&out)
            out.append("RST in TIME_WAIT (RFC 1337 TIME-WAIT assassination)")
        }
        if n.contains(.invalidFlags) {
            separator(&out)
            out.append("invalid flag combination, ignored")
        }
        if n.contains(.afterClose) {
            separator(&out)
            out.append("after close")
        }
    }

    /// The sequence analysis's notes other than retransmission.
    static let analysisNotes: PacketNotes = [
        .outOfOrder, .duplicateAck, .keepalive, .keepaliveAck, .zeroWindow, .windowProbe, .windowProbeAck,
        .lostSegment, .ackedUnseenSegment, .windowUpdate, .rstOutOfWindow,
    ]

    /// The words for the sequence analysis's findings (README "Troubles detected").
    static func writeAnalysisNotes(_ e: PacketEvent, _ out: inout OutputBuffer, _ separator: (inout OutputBuffer) -> Void) {
        let n = e.notes
        if n.contains(.lostSegment) {
            separator(&out)
            out.append("previous segment not captured")
        }
        if n.contains(.outOfOrder) {
            separator(&out)
            out.append("out-of-order")
        }
        if n.contains(.keepalive) {
            separator(&out)
            out.append("keepalive")
        }
        if n.contains(.keepaliveAck) {
            separator(&out)
            out.append("keepalive ack")
        }
        if n.contains(.windowProbe) {
            separator(&out)
            out.append("zero window probe")
        }
        if n.contains(.windowProbeAck) {
            separator(&out)
            out.append("zero window probe ack")
        }
        if n.contains(.duplicateAck) {
            separator(&out)
            out.append("duplicate ack #")
            out.append(decimal: e.duplicateAckCount)
        }
        if n.contains(.ackedUnseenSegment) {
            separator(&out)
            out.append("acks unseen segment")
        }
        if n.contains(.zeroWindow) {
            separator(&out)
            out.append("zero window")
        }
        if n.contains(.windowUpdate) {
            separator(&out)
            out.append("window update")
        }
        if n.contains(.rstOutOfWindow) {
            separator(&out)
            out.append("RST outside the receiver's window (a receiver drops it; injection?)")
        }
    }
}
