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

    /// The lane between the two timelines and the room left for steps and notes: the lane
    /// takes what is left after 25 columns of notes (`teardown 2/4 (server ACK)`), from 24 to 56.
    static func geometry(width: Int) -> (lane: Int, notes: Int) {
        let width = Swift.max(minimumWidth, width)
        let room = width - (timeWidth + 1 + stateWidth + 1 + 2 + 1 + stateWidth + 1)
        let lane = Swift.min(56, Swift.max(24, room - 25))
        return (lane, Swift.max(0, room - lane))
    }

    /// The ladder of one connection as lines no longer than `width` (when `width` is at least
    /// `minimumWidth`).
    public static func lines(_ flow: LadderFlow, width: Int, msl: Nanoseconds) -> [String] {
        let width = Swift.max(minimumWidth, width)
        let (lane, notesRoom) = geometry(width: width)
        var lines: [String] = []
        let client = LadderText.endpoint(flow.client), server = LadderText.endpoint(flow.server)
        lines.append(clip("#\(flow.number) \(client) > \(server)", width))
        lines.append(clip("   \(LadderText.verdict(flow)); \(flow.packets) packet\(flow.packets == 1 ? "" : "s"), \(LadderSVG.seconds(flow.lastTime &- flow.firstTime)) s", width))
        lines.append(row(time: "time", client: "client", lane: String(repeating: " ", count: lane), server: "server", notes: ""))
        let initial: Certainty = flow.startedMidstream ? .inferred : .observed
        lines.append(row(time: "", client: LadderText.stateLabel(flow.initialClient, certainty: initial),
                         lane: String(repeating: " ", count: lane),
                         server: LadderText.stateLabel(flow.initialServer, certainty: initial), notes: ""))
        var lastClient = flow.initialClient, lastServer = flow.initialServer
        for item in flow.allItems {
            switch item {
            case .arrow(let a):
                let e = a.event
                var words: [String] = []
                if let step = LadderText.stepText(e) { words.append(step) }
                if let notes = LadderText.notesText(e) { words.append((LadderText.kind(a) == .anomaly ? "! " : "") + notes) }
                let note = words.joined(separator: "; ")
                let arrow = arrowText(LadderText.label(a), lane: lane, rightward: a.sender == .client)
                let c = e.client.changed ? LadderText.stateLabel(e.client, arrow: ">") : ""
                let s = e.server.changed ? LadderText.stateLabel(e.server, arrow: ">") : ""
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
                    c = LadderText.stateLabel(change, arrow: ">")
                    lastClient = change.after
                }
                if let change = b.server, change.after != lastServer {
                    s = LadderText.stateLabel(change, arrow: ">")
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
                    dotted: Bool = false) -> String {
        let bar = dotted ? ":" : "|"
        var s = pad(time, timeWidth, right: true) + " " + pad(client, stateWidth, right: true) + " " + bar
        s += lane
        s += bar + " " + pad(server, stateWidth, right: false)
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
