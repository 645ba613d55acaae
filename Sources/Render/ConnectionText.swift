import Flows
import Wire

/// Timelines and one-line summaries of ended connections, as text.
public enum ConnectionText {
    /// `ip:port`, IPv6 in brackets.
    /// ` in TUNNEL` for a connection inside a tunnel (TunnelText.describe), nothing otherwise.
    static func appendTunnel(_ e: Endpoint, _ out: inout OutputBuffer) {
        guard e.tunnel != 0, let name = TunnelRegistry.shared.description(of: e.tunnel) else { return }
        out.append(" in ")
        out.append(string: name)
    }

    public static func appendEndpoint(_ e: Endpoint, _ out: inout OutputBuffer) {
        if e.address.isIPv6 {
            out.append(UInt8(ascii: "["))
            out.append(address: e.address)
            out.append(UInt8(ascii: "]"))
        } else {
            out.append(address: e.address)
        }
        out.append(UInt8(ascii: ":"))
        out.append(decimal: UInt64(e.port))
    }

    /// Seconds with microseconds, e.g. `0.000412`.
    public static func appendSeconds(_ ns: Nanoseconds, _ out: inout OutputBuffer) {
        if ns < 0 { out.append(UInt8(ascii: "-")) }
        let v = ns.magnitude
        out.append(decimal: v / 1_000_000_000)
        out.append(UInt8(ascii: "."))
        out.append(decimal: v % 1_000_000_000 / 1000, width: 6)
    }

    /// The state-change table of one connection, then its summary line.
    public static func writeTimeline(_ ended: EndedConnection, msl: Nanoseconds, into out: inout OutputBuffer) {
        let c = ended.connection
        out.append("#")
        out.append(decimal: c.number)
        out.append(" timeline ")
        appendEndpoint(c.client, &out)
        out.append(" > ")
        appendEndpoint(c.server, &out)
        appendTunnel(c.client, &out)
        out.append(" (client > server)\n")
        out.append("  offset        endpoint  transition                          packet  time in previous state\n")
        for entry in c.timeline {
            writeRow(entry, first: c.firstTime, &out)
        }
        for role in [Role.client, Role.server] where c.track(role).state == .timeWait {
            let since = c.track(role).stateSince ?? c.lastTime
            let projected = TimelineEntry(time: since &+ 2 * msl, role: role, from: .timeWait, to: .closed,
                                          packetNumber: nil, certainty: .projected, timeInPrevious: 2 * msl)
            writeRow(projected, first: c.firstTime, &out)
        }
        writeSummary(ended, prefix: "  ", into: &out)
    }

    private static func writeRow(_ e: TimelineEntry, first: Nanoseconds, _ out: inout OutputBuffer) {
        var row = OutputBuffer.memory()
        // `+0.000212`, or `-0.001000` for a packet stamped before the first one.
        row.append(e.time < first ? "  " : "  +")
        appendSeconds(e.time &- first, &row)
        pad(&row, to: 16)
        row.append(e.role.name)
        pad(&row, to: 26)
        row.append(e.from.name)
        row.append(" -> ")
        row.append(e.to.name)
        switch e.certainty {
        case .observed: break
        case .inferred: row.append(" (inferred)")
        case .projected: row.append(" (projected)")
        }
        pad(&row, to: 62)
        if let n = e.packetNumber {
            row.append(decimal: n)
        } else {
            row.append("2xMSL")
        }
        pad(&row, to: 70)
        if let t = e.timeInPrevious {
            appendSeconds(t, &row)
            row.append(" s")
        } else {
            row.append("-")
        }
        row.append(UInt8(ascii: "\n"))
        out.append(string: row.takeString())
    }

    private static func pad(_ row: inout OutputBuffer, to column: Int) {
        var n = row.count
        if n >= column { row.append(32); return }
        while n < column { row.append(32); n += 1 }
    }

    /// One line: how it opened and closed, RTT, duration, packets and bytes each way, final states.
    public static func writeSummary(_ ended: EndedConnection, prefix: StaticString = "", into out: inout OutputBuffer) {
        writeSummary(ended.connection, reason: ended.reason, time: ended.time, prefix: prefix, into: &out)
    }

    // Borrowed, so a kilobyte-sized connection is not copied per summary line.
    private static func writeSummary(_ c: borrowing Connection, reason: EndReason, time: Nanoseconds,
                                     prefix: StaticString, into out: inout OutputBuffer) {
        out.append(prefix)
        out.append("#")
        out.append(decimal: c.number)
        out.append(" summary ")
        appendEndpoint(c.client, &out)
        out.append(" > ")
        appendEndpoint(c.server, &out)
        appendTunnel(c.client, &out)
        out.append(": opened ")
        out.append(c.opening.staticText)
        if let reuse = c.reuse {
            out.append(" (")
            out.append(reuse.text)
            if let p = c.previousNumber {
                out.append(", was #")
                out.append(decimal: p)
            }
            out.append(UInt8(ascii: ")"))
        }
        out.append("; closed")
        appendClosing(c.closing, reason, &out)
        if let rtt = c.handshakeRTT {
            out.append("; handshake RTT ")
            appendSeconds(rtt, &out)
            out.append(" s")
        }
        out.append("; duration ")
        appendSeconds(c.lastTime &- c.firstTime, &out)
        out.append(" s; client ")
        appendPackets(c.clientTrack.packets, &out)
        out.append(decimal: c.clientTrack.payloadBytes)
        out.append(" B, server ")
        appendPackets(c.serverTrack.packets, &out)
        out.append(decimal: c.serverTrack.payloadBytes)
        out.append(" B; final client ")
        appendState(c.clientTrack, &out)
        out.append(", server ")
        appendState(c.serverTrack, &out)
        if c.halfCloseData { out.append("; half-close with data") }
        if c.anomalyPackets > 0 {
            out.append("; anomalies: ")
            out.append(decimal: c.anomalyPackets)
            out.append(c.anomalyPackets == 1 ? " packet (" : " packets (")
            var first = true
            for (note, name) in PacketNotes.names where c.anomalyNotes.contains(note) {
                if !first { out.append(", ") }
                first = false
                out.append(string: name)
            }
            out.append(UInt8(ascii: ")"))
        }
        if reason == .endOfInput && c.isHalfOpen, let syn = c.synTime {
            out.append(c.synAckTime == nil ? "; half-open (no SYN-ACK) at end of capture, age " : "; half-open (SYN-ACK sent, no ACK) at end of capture, age ")
            appendSeconds(Swift.max(0, time - syn), &out)
            out.append(" s")
        }
        out.append(UInt8(ascii: "\n"))
    }

    /// `1 pkt `, `3 pkts `.
    private static func appendPackets(_ n: Int, _ out: inout OutputBuffer) {
        out.append(decimal: n)
        out.append(n == 1 ? " pkt " : " pkts ")
    }

    /// A state as the packet lines show it: `LISTEN?` when inferred, not yet shown by a packet.
    private static func appendState(_ track: borrowing EndpointTrack, _ out: inout OutputBuffer) {
        out.append(track.state.name)
        if track.certainty == .inferred { out.append(UInt8(ascii: "?")) }
    }

    /// What follows `closed` in a summary: ` 4-way close by client`, `: still open at end of
    /// capture`, ` never (idle timeout)`, ` half-closed by client, never fully (evicted: flow table full)`.
    static func appendClosing(_ closing: Closing, _ reason: EndReason, _ out: inout OutputBuffer) {
        switch (closing, reason) {
        case (.open, .closed), (.open, .endOfInput):
            out.append(": still open at end of capture")
        case (.open, _):
            out.append(" never")
            appendForgotten(reason, &out)
        case (.halfClosed(let role), _):
            out.append(" half-closed by ")
            out.append(role.name)
            if reason == .endOfInput || reason == .closed {
                out.append(", still open at end of capture")
            } else {
                out.append(", never fully")
                appendForgotten(reason, &out)
            }
        default:
            out.append(32)
            let (head, role, tail) = closing.parts
            out.append(head)
            if let role { out.append(role.name) }
            out.append(tail)
        }
    }

    /// Why the tracker let go of a connection that had not closed: ` (idle timeout)`.
    private static func appendForgotten(_ reason: EndReason, _ out: inout OutputBuffer) {
        switch reason {
        case .idle: out.append(" (idle timeout)")
        case .evicted: out.append(" (evicted: flow table full)")
        case .superseded: out.append(" (superseded by a new connection)")
        case .closed, .endOfInput: break
        }
    }

    /// The same words as a string, for the diagrams' verdicts (without `closed`).
    public static func closingText(_ closing: Closing, _ reason: EndReason) -> String {
        var out = OutputBuffer.memory()
        appendClosing(closing, reason, &out)
        let text = out.takeString()
        return text.hasPrefix(": ") ? String(text.dropFirst(2)) : String(text.dropFirst())
    }
}
