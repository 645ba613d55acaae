import Flows
import Wire

/// Words and numbers shared by the ladder renderers (SVG, HTML, terminal).
public enum LadderText {
    /// How a diagram colours an arrow.
    public enum Kind: String, Sendable {
        case handshake, teardown, data, anomaly
    }

    /// Notes drawn in the anomaly colour: loss, repeats, probes, resets gone wrong.
    public static let anomalyNotes: PacketNotes = PacketNotes.anomalies

    /// The arrow's colour class: anomalies (and every RST) first, then the step it belongs to.
    public static func kind(_ a: LadderArrow) -> Kind {
        if a.flags.contains(.rst) || !a.event.notes.isDisjoint(with: anomalyNotes) { return .anomaly }
        return stepKind(a.event.step)
    }

    /// The highlight behind a row: the exchange the packet is a step of.
    public static func stepKind(_ step: Step) -> Kind {
        switch step {
        case .handshake, .simultaneousOpen: return .handshake
        case .teardown, .simultaneousClose: return .teardown
        case .reset, .refused: return .anomaly
        case .none: return .data
        }
    }

    /// `SYN+ACK`, `FIN+ACK`, `PSH+ACK`, `RST`: the control bits in words, ACK last.
    public static func flagWords(_ f: TCPFlags) -> String {
        var parts: [String] = []
        if f.contains(.syn) { parts.append("SYN") }
        if f.contains(.fin) { parts.append("FIN") }
        if f.contains(.rst) { parts.append("RST") }
        if f.contains(.psh) { parts.append("PSH") }
        if f.contains(.urg) { parts.append("URG") }
        if f.contains(.ece) { parts.append("ECE") }
        if f.contains(.cwr) { parts.append("CWR") }
        if f.contains(.ae) { parts.append("AE") }
        if f.contains(.ack) { parts.append("ACK") }
        return parts.isEmpty ? "none" : parts.joined(separator: "+")
    }

    /// The arrow's label: flags, relative seq (when the segment occupies sequence space, or
    /// has no ACK), ack, and the payload length when there is one. `SYN+ACK seq=0 ack=1`.
    public static func label(_ a: LadderArrow) -> String {
        var s = flagWords(a.flags)
        let f = a.flags
        if a.payloadLength > 0 || f.contains(.syn) || f.contains(.fin) || f.contains(.rst) || !f.contains(.ack) {
            s += " seq=\(a.relativeSeq)"
        }
        if f.contains(.ack) { s += " ack=\(a.relativeAck)" }
        if a.payloadLength > 0 { s += " len=\(a.payloadLength)" }
        return s
    }

    /// `handshake 2/3`, `teardown 1/4 (client FIN)`...; nil for a packet with no step.
    public static func stepText(_ e: PacketEvent) -> String? {
        guard e.step != .none else { return nil }
        var out = OutputBuffer.memory()
        Annotation.writeStep(e, &out)
        return out.takeString()
    }

    /// The annotation's notes (`retransmission 1, keepalive`), or nil.
    public static func notesText(_ e: PacketEvent) -> String? {
        guard !e.notes.isEmpty else { return nil }
        var out = OutputBuffer.memory()
        var list = NoteList(lead: "")
        Annotation.writeNotes(e, &out, &list)
        let s = out.takeString()
        return s.isEmpty ? nil : s
    }

    /// `SYN_SENT->ESTABLISHED`, `LISTEN?`: one endpoint's states as the annotation writes them.
    public static func changeText(_ c: StateChange) -> String {
        var out = OutputBuffer.memory()
        Annotation.writeChange(c, &out)
        return out.takeString()
    }

    /// The state a diagram writes beside the timeline at a change: `LAST_ACK`, `CLOSE_WAIT→LAST_ACK`
    /// when one segment passed through two, `LISTEN?` when inferred.
    public static func stateLabel(_ c: StateChange, arrow: String = "\u{2192}") -> String {
        stateLabel(c.after, via: c.via, certainty: c.certainty, arrow: arrow)
    }

    public static func stateLabel(_ state: TCPState, via: TCPState? = nil, certainty: Certainty,
                                  arrow: String = "\u{2192}") -> String {
        var s = ""
        if let via { s = via.description + arrow }
        s += state.description
        if certainty == .inferred { s += "?" }
        return s
    }

    public static func certaintyName(_ c: Certainty) -> String {
        switch c {
        case .observed: return "observed"
        case .inferred: return "inferred"
        case .projected: return "projected"
        }
    }

    /// `+0.000212`: seconds since the connection's first packet, with microseconds (`-0.001000`
    /// for a packet stamped before it).
    public static func offset(_ t: Nanoseconds, from first: Nanoseconds) -> String {
        var out = OutputBuffer.memory()
        if t >= first { out.append(UInt8(ascii: "+")) }
        ConnectionText.appendSeconds(t &- first, &out)
        return out.takeString()
    }

    /// `120`, `0.5`: seconds without trailing zeros.
    public static func compactSeconds(_ ns: Nanoseconds) -> String {
        let sign = ns < 0 ? "-" : ""
        let v = ns.magnitude
        let whole = v / 1_000_000_000
        var fraction = v % 1_000_000_000
        guard fraction != 0 else { return "\(sign)\(whole)" }
        var digits = 9
        while fraction % 10 == 0 { fraction /= 10; digits -= 1 }
        let text = String(fraction)
        return "\(sign)\(whole)." + String(repeating: "0", count: digits - text.count) + text
    }

    /// `ip:port`, IPv6 in brackets.
    public static func endpoint(_ e: Endpoint) -> String {
        var out = OutputBuffer.memory()
        ConnectionText.appendEndpoint(e, &out)
        return out.takeString()
    }

    /// `1,204`.
    public static func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var s = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { s.append(",") }
            s.append(c)
        }
        return n < 0 ? "-" + s : s
    }

    /// `480 B`, `12 KB`, `1.6 MB` (powers of 1000).
    public static func bytes(_ n: UInt64) -> String {
        if n < 1000 { return "\(n) B" }
        let units = ["KB", "MB", "GB", "TB", "PB", "EB"]
        var value = Double(n) / 1000
        var unit = 0
        while value >= 999.95 && unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        if value < 9.95 {
            let tenths = Int((value * 10).rounded())
            return "\(tenths / 10).\(tenths % 10) \(units[unit])"
        }
        return "\(Int(value.rounded())) \(units[unit])"
    }

    /// `… 1,204 data segments, 1.6 MB →, 12 KB ← …` (with `arrows` → and ← by default).
    public static func bandText(_ b: LadderBand, right: String = "\u{2192}", left: String = "\u{2190}",
                                ellipsis: String = "\u{2026}") -> String {
        let count = grouped(b.packets)
        let what: String
        if b.dataPackets == b.packets {
            what = "\(count) data segment\(b.packets == 1 ? "" : "s")"
        } else {
            what = "\(count) segment\(b.packets == 1 ? "" : "s") (\(grouped(b.dataPackets)) with data)"
        }
        return "\(ellipsis) \(what), \(bytes(b.clientBytes)) \(right), \(bytes(b.serverBytes)) \(left) \(ellipsis)"
    }

    /// `including 12 retransmission, 3 duplicate_ack` for the band's noted packets, or nil.
    public static func bandNotes(_ b: LadderBand) -> String? {
        let counts = b.anomalyCounts
        var parts = counts.map { "\(grouped($0.count)) \($0.name)" }
        if b.stateChanges > 0 { parts.append("\(grouped(b.stateChanges)) state change\(b.stateChanges == 1 ? "" : "s")") }
        return parts.isEmpty ? nil : "including " + parts.joined(separator: ", ")
    }

    /// How the connection opened and closed: `3-way handshake; 4-way close by client`.
    public static func verdict(_ flow: LadderFlow) -> String {
        guard let e = flow.ended else { return "still open" }
        return verdict(opening: e.connection.opening, closing: e.connection.closing, reason: e.reason)
    }

    public static func verdict(opening: Opening, closing: Closing, reason: EndReason) -> String {
        let text: String
        switch (closing, reason) {
        case (.open, .idle): text = "never closed (idle timeout)"
        case (.open, .evicted): text = "never closed (evicted: flow table full)"
        case (.open, .superseded): text = "never closed (superseded by a new connection)"
        default: text = ConnectionText.closingText(closing, reason)
        }
        return "\(opening.text); \(text)"
    }

    /// Payload bytes both ways.
    public static func totalBytes(_ flow: LadderFlow) -> UInt64 {
        guard let c = flow.ended?.connection else { return 0 }
        return c.clientTrack.payloadBytes &+ c.serverTrack.payloadBytes
    }

    /// Anomalous packets among the arrows and bands.
    public static func anomalyCount(_ flow: LadderFlow) -> Int {
        var n = 0
        for item in flow.allItems {
            switch item {
            case .arrow(let a): if kind(a) == .anomaly { n += 1 }
            case .band(let b): n += b.anomalyPackets
            }
        }
        return n
    }

    /// The roles' states at the end, and when TIME_WAIT began for a projected CLOSED.
    public static func projectedClose(_ flow: LadderFlow, role: Role, msl: Nanoseconds) -> Nanoseconds? {
        guard let c = flow.ended?.connection, c.track(role).state == .timeWait else { return nil }
        let since = c.track(role).stateSince ?? c.lastTime
        return since &+ 2 &* msl
    }

    /// Splits `text` into lines of at most `width` characters at spaces (a longer word is cut).
    public static func wrap(_ text: String, width: Int) -> [String] {
        let width = Swift.max(8, width)
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            var w = String(word)
            while w.count > width {
                if !line.isEmpty { lines.append(line); line = "" }
                lines.append(String(w.prefix(width)))
                w = String(w.dropFirst(width))
            }
            if line.isEmpty {
                line = w
            } else if line.count + 1 + w.count <= width {
                line += " " + w
            } else {
                lines.append(line)
                line = w
            }
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }
}

/// Escaping for text put into SVG and HTML (both parsed as XML by the tests).
public enum MarkupText {
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for ch in s.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                // XML 1.0 allows tab, newline and carriage return among the control characters.
                if ch.value < 0x20 && ch != "\t" && ch != "\n" && ch != "\r" {
                    out += "\u{FFFD}"
                } else if ch.value == 0xFFFE || ch.value == 0xFFFF {
                    out += "\u{FFFD}"
                } else {
                    out.unicodeScalars.append(ch)
                }
            }
        }
        return out
    }
}
