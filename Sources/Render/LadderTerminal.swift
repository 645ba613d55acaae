import Flows
import Wire

/// The ladder diagram as text for a terminal (`--ladder`): one line per packet, client on the
/// left, server on the right, each endpoint's state written on its side where it changes,
/// the step and notes to the right (or on the next line when the width runs out). Plain ASCII
/// but for the arrows' words, so it survives any terminal and `less`.
///
/// ```
///       time          client |                                        | server
///                     CLOSED |                                        | CLOSED
///  +0.000000        SYN_SENT |---------- SYN seq=0 ------------------>| LISTEN?       handshake 1/3
/// ```
public enum LadderTerminal {
    /// Narrower than this and the lane cannot hold a label.
    public static let minimumWidth = 70
    public static let defaultWidth = 100

    static let timeWidth = 11
    static let stateWidth = 13

    /// The ladders of `flows`, one after another, fitted to `width` columns.
    public static func write(_ flows: [LadderFlow], width: Int, msl: Nanoseconds, omitted: Int = 0,
                             into out: inout OutputBuffer) {
        for (i, flow) in flows.enumerated() {
            if i > 0 { out.append(UInt8(ascii: "\n")) }
            for line in lines(flow, width: width, msl: msl) {
                out.append(string: line)
                out.append(UInt8(ascii: "\n"))
            }
            out.endLine()
        }
        if omitted > 0 {
            out.append(string: "(\(omitted) more connection\(omitted == 1 ? "" : "s") not drawn; choose one with --flow N)\n")
        }
    }

    /// Column widths of one connection's ladder.
    struct Geometry {
        /// Wider than 11 only for a time more than 999 s from the first packet (or before it).
        var time = LadderTerminal.timeWidth
        var state = LadderTerminal.stateWidth
        var lane = 24
        var notes = 0
        /// State labels in their short forms (`ESTAB`, `FIN_WT1`), when the full ones cost the
        /// arrows' numbers their room.
        var shortStates = false
    }

    /// Fits the columns to `width`: the lane between the timelines must hold the longest arrow
    /// label whole (with a dash each side and the head), so the numbers are never cut; notes
    /// give up their room first (they wrap under the arrow), then the state columns narrow to
    /// the labels this connection uses and then to short state names. Whatever room is left
    /// goes to the notes, the lane taking what is left after 25 columns of them, up to 56.
    static func geometry(width: Int, flow: LadderFlow? = nil) -> Geometry {
        let width = Swift.max(minimumWidth, width)
        var g = Geometry()
        var longestLabel = 0
        var longestState = 0, longestShort = 0
        if let flow {
            let initial: Certainty = flow.startedMidstream ? .inferred : .observed
            for state in [flow.initialClient, flow.initialServer] {
                longestState = Swift.max(longestState, LadderText.stateLabel(state, certainty: initial).count)
                longestShort = Swift.max(longestShort, shortLabel(state, certainty: initial).count)
            }
            for item in flow.allItems {
                switch item {
                case .arrow(let a):
                    longestLabel = Swift.max(longestLabel, LadderText.label(a).count)
                    g.time = Swift.max(g.time, LadderText.offset(a.time, from: flow.firstTime).count)
                    for c in [a.event.client, a.event.server] where c.changed {
                        longestState = Swift.max(longestState, LadderText.stateLabel(c, arrow: ">").count)
                        longestShort = Swift.max(longestShort, shortLabel(c.after, certainty: c.certainty).count)
                    }
                case .band(let b):
                    g.time = Swift.max(g.time, LadderText.offset(b.firstTime, from: flow.firstTime).count,
                                       LadderText.offset(b.lastTime, from: flow.firstTime).count)
                    for c in [b.client, b.server].compactMap({ $0 }) {
                        longestState = Swift.max(longestState, LadderText.stateLabel(c, arrow: ">").count)
                        longestShort = Swift.max(longestShort, shortLabel(c.after, certainty: c.certainty).count)
                    }
                }
            }
            longestState = Swift.max(longestState, "CLOSED*".count)
            longestShort = Swift.max(longestShort, "CLOSED*".count)
        }
        func room() -> Int { width - (g.time + 1 + g.state + 1 + 2 + 1 + g.state + 1) }
        // A label with a space each side, a dash each side and the head.
        let wanted = Swift.min(56, Swift.max(24, longestLabel + 5))
        g.lane = Swift.min(56, Swift.max(24, room() - 25))
        if g.lane < wanted {
            // Notes first (they go under the arrow), then the state columns.
            if room() < wanted { g.state = Swift.min(g.state, Swift.max(6, longestState)) }
            if room() < wanted {
                g.shortStates = true
                g.state = Swift.min(g.state, Swift.max(6, longestShort))
            }
            g.lane = Swift.max(24, Swift.min(room(), wanted))
        }
        g.notes = Swift.max(0, room() - g.lane)
        return g
    }

    /// `ESTAB`, `SYN_RCVD`, `FIN_WT1`, `TIME_WT`: state names in at most 8 columns.
    static func shortName(_ state: TCPState) -> String {
        switch state {
        case .closed: return "CLOSED"
        case .listen: return "LISTEN"
        case .synSent: return "SYN_SENT"
        case .synReceived: return "SYN_RCVD"
        case .established: return "ESTAB"
        case .finWait1: return "FIN_WT1"
        case .finWait2: return "FIN_WT2"
        case .closeWait: return "CLOSE_WT"
        case .closing: return "CLOSING"
        case .lastAck: return "LAST_ACK"
        case .timeWait: return "TIME_WT"
        }
    }

    static func shortLabel(_ state: TCPState, certainty: Certainty) -> String {
        shortName(state) + (certainty == .inferred ? "?" : "")
    }

    /// A state change as the column of width `g.state` shows it: whole when it fits, else the
    /// state it ended in, else its short name.
    static func stateText(_ c: StateChange, _ g: Geometry) -> String {
        let full = LadderText.stateLabel(c, arrow: ">")
        if full.count <= g.state && !g.shortStates { return full }
        let after = LadderText.stateLabel(c.after, certainty: c.certainty)
        if after.count <= g.state && !g.shortStates { return after }
        return shortLabel(c.after, certainty: c.certainty)
    }

    static func stateText(_ state: TCPState, certainty: Certainty, _ g: Geometry) -> String {
        let full = LadderText.stateLabel(state, certainty: certainty)
        return full.count <= g.state && !g.shortStates ? full : shortLabel(state, certainty: certainty)
    }

    /// The ladder of one connection as lines no longer than `width` (when `width` is at least
    /// `minimumWidth`).
    public static func lines(_ flow: LadderFlow, width: Int, msl: Nanoseconds) -> [String] {
        let width = Swift.max(minimumWidth, width)
        let g = geometry(width: width, flow: flow)
        let lane = g.lane, notesRoom = g.notes
        func row(time: String, client: String, lane: String, server: String, notes: String, dotted: Bool = false) -> String {
            LadderTerminal.row(time: time, client: client, lane: lane, server: server, notes: notes, dotted: dotted, g)
        }
        var lines: [String] = []
        let client = LadderText.endpoint(flow.client), server = LadderText.endpoint(flow.server)
        // Wrapped, not cut: no number in them loses digits.
        lines += LadderText.wrap("#\(flow.number) \(client) > \(server)", width: width - 3).enumerated().map { $0 == 0 ? $1 : "   " + $1 }
        lines += LadderText.wrap("\(LadderText.verdict(flow)); \(flow.packets) packet\(flow.packets == 1 ? "" : "s"), \(LadderSVG.seconds(flow.lastTime &- flow.firstTime)) s", width: width - 3).map { "   " + $0 }
        lines.append(row(time: "time", client: "client", lane: String(repeating: " ", count: lane), server: "server", notes: ""))
        let initial: Certainty = flow.startedMidstream ? .inferred : .observed
        lines.append(row(time: "", client: stateText(flow.initialClient, certainty: initial, g),
                         lane: String(repeating: " ", count: lane),
                         server: stateText(flow.initialServer, certainty: initial, g), notes: ""))
        var lastClient = flow.initialClient, lastServer = flow.initialServer
        for item in flow.allItems {
            switch item {
            case .arrow(let a):
                let e = a.event
                var words: [String] = []
                if let step = LadderText.stepText(e) { words.append(step) }
                if let notes = LadderText.notesText(e) { words.append((LadderText.kind(a) == .anomaly ? "! " : "") + notes) }
                let note = words.joined(separator: "; ")
                // A label too long for the lane goes whole on lines above its arrow.
                var label = LadderText.label(a)
                if label.count > lane - 3 {
                    var parts = LadderText.wrap(label, width: lane - 2)
                    label = parts.removeLast()
                    for part in parts {
                        lines.append(row(time: "", client: "", lane: center(part, lane), server: "", notes: ""))
                    }
                }
                let arrow = arrowText(label, lane: lane, rightward: a.sender == .client)
                let c = e.client.changed ? stateText(e.client, g) : ""
                let s = e.server.changed ? stateText(e.server, g) : ""
                let time = LadderText.offset(a.time, from: flow.firstTime)
                if note.count <= notesRoom {
                    lines.append(row(time: time, client: c, lane: arrow, server: s, notes: note))
                } else {
                    lines.append(row(time: time, client: c, lane: arrow, server: s, notes: ""))
                    // Too long for the right margin: under the arrow, between the timelines.
                    for part in LadderText.wrap(note, width: lane - 2) {
                        lines.append(row(time: "", client: "", lane: pad(" " + part, lane, right: false), server: "", notes: ""))
                    }
                }
                lastClient = e.client.after
                lastServer = e.server.after
            case .band(let b):
                let text = LadderText.bandText(b, right: "->", left: "<-", ellipsis: "...")
                let time = LadderText.offset(b.firstTime, from: flow.firstTime)
                for (i, part) in LadderText.wrap(text, width: lane - 2).enumerated() {
                    lines.append(row(time: i == 0 ? time : "", client: "", lane: center(part, lane), server: "", notes: ""))
                }
                if let notes = LadderText.bandNotes(b) {
                    for part in LadderText.wrap("! " + notes, width: lane - 2) {
                        lines.append(row(time: "", client: "", lane: center(part, lane), server: "", notes: ""))
                    }
                }
                var c = "", s = ""
                if let change = b.client, change.after != lastClient {
                    c = stateText(change, g)
                    lastClient = change.after
                }
                if let change = b.server, change.after != lastServer {
                    s = stateText(change, g)
                    lastServer = change.after
                }
                lines.append(row(time: LadderText.offset(b.lastTime, from: flow.firstTime), client: c,
                                 lane: String(repeating: " ", count: lane), server: s, notes: ""))
            }
        }
        var projected: [String] = []
        for role in [Role.client, Role.server] {
            guard let at = LadderText.projectedClose(flow, role: role, msl: msl) else { continue }
            let time = LadderText.offset(at, from: flow.firstTime)
            let blank = String(repeating: " ", count: lane)
            projected.append(role == .client
                ? row(time: time, client: "CLOSED*", lane: blank, server: "", notes: "", dotted: true)
                : row(time: time, client: "", lane: blank, server: "CLOSED*", notes: "", dotted: true))
        }
        if !projected.isEmpty {
            projected += LadderText.wrap("* projected, not seen: TIME_WAIT ends 2xMSL (\(LadderText.compactSeconds(2 &* msl)) s) after it began", width: width - 4).map { "    " + $0 }
        }
        lines += projected
        if flow.ended == nil || flow.ended?.connection.closing == .open {
            lines.append(row(time: "", client: "", lane: center("(still open at end of capture)", lane), server: "", notes: ""))
        }
        return lines.map { clip($0, width) }
    }

    /// `---- SYN seq=0 ---->` or `<--- ACK ack=1 -----`, exactly `lane` columns.
    static func arrowText(_ label: String, lane: Int, rightward: Bool) -> String {
        // At least one dash on each side and the head.
        let room = Swift.max(1, lane - 3)
        var text = " \(label) "
        if text.count > room { text = label }
        if text.count > room { text = String(text.prefix(room - 1)) + "~" }
        let dashes = Swift.max(2, lane - 1 - text.count)
        let near = Swift.max(1, dashes / 3), far = dashes - near
        if rightward {
            return String(repeating: "-", count: near) + text + String(repeating: "-", count: far) + ">"
        }
        return "<" + String(repeating: "-", count: far) + text + String(repeating: "-", count: near)
    }

    static func row(time: String, client: String, lane: String, server: String, notes: String,
                    dotted: Bool = false, _ g: Geometry) -> String {
        let bar = dotted ? ":" : "|"
        var s = pad(time, g.time, right: true) + " " + pad(client, g.state, right: true) + " " + bar
        s += lane
        s += bar + " " + pad(server, g.state, right: false)
        if !notes.isEmpty { s += " " + notes }
        return trimRight(s)
    }

    static func center(_ text: String, _ width: Int) -> String {
        let left = Swift.max(0, (width - text.count) / 2)
        return pad(String(repeating: " ", count: left) + text, width, right: false)
    }

    static func pad(_ s: String, _ width: Int, right: Bool) -> String {
        if s.count >= width { return s }
        let spaces = String(repeating: " ", count: width - s.count)
        return right ? spaces + s : s + spaces
    }

    static func trimRight(_ s: String) -> String {
        var s = s
        while s.last == " " { s.removeLast() }
        return s
    }

    static func clip(_ s: String, _ width: Int) -> String {
        s.count <= width ? s : String(s.prefix(width - 1)) + "~"
    }
}
