import Flows
import Wire

/// The ladder (sequence) diagram of connections as SVG: client timeline on the left, server on
/// the right, one sloped arrow per packet labelled with flags, relative seq/ack and length,
/// handshake and teardown rows highlighted, each endpoint's state written on its side where it
/// changes (observed, inferred or projected), anomalies in red, long data phases as one band.
/// Self-contained: no fonts, scripts or links; a `<title>` on every arrow for hover detail.
public enum LadderSVG {
    static let width = 800
    static let clientX = 250
    static let serverX = 630
    static let slope = 18
    static let labelWidth = 50
    static let fontFamily = "DejaVu Sans Mono, Menlo, Consolas, Liberation Mono, monospace"

    /// The style sheet every diagram uses (class names start with `tw-`, so the HTML page can
    /// hold many diagrams and its own styles side by side).
    static let styleSheet = """
    .tw-title{font-size:14px;font-weight:bold;fill:#263238}
    .tw-sub{font-size:12px;fill:#455a64}
    .tw-role{font-size:13px;font-weight:bold;fill:#263238}
    .tw-addr{font-size:11px;fill:#455a64}
    .tw-time{font-size:11px;fill:#78909c}
    .tw-axis{stroke:#37474f;stroke-width:2}
    .tw-axis-projected{stroke:#90a4ae;stroke-width:2;stroke-dasharray:2 4}
    .tw-hl-handshake{fill:#e3f2fd}
    .tw-hl-teardown{fill:#f3e5f5}
    .tw-hl-anomaly{fill:#ffebee}
    .tw-line{stroke-width:1.6;fill:none}
    .tw-resent{stroke-dasharray:6 3}
    .tw-l-handshake{stroke:#1565c0}
    .tw-l-teardown{stroke:#6a1b9a}
    .tw-l-data{stroke:#546e7a}
    .tw-l-anomaly{stroke:#c62828}
    .tw-f-handshake{fill:#1565c0}
    .tw-f-teardown{fill:#6a1b9a}
    .tw-f-data{fill:#37474f}
    .tw-f-anomaly{fill:#c62828}
    .tw-label{font-size:12px}
    .tw-step{font-size:11px;font-weight:bold}
    .tw-note{font-size:11px}
    .tw-box-observed{fill:#ffffff;stroke:#37474f;stroke-width:1.2}
    .tw-box-inferred{fill:#fffde7;stroke:#8d6e63;stroke-width:1.2;stroke-dasharray:4 2}
    .tw-box-projected{fill:#eceff1;stroke:#90a4ae;stroke-width:1.2;stroke-dasharray:1.5 2.5}
    .tw-state{font-size:11px;fill:#263238}
    .tw-state-inferred{font-size:11px;fill:#5d4037;font-style:italic}
    .tw-state-projected{font-size:11px;fill:#607d8b}
    .tw-caption{font-size:10px;fill:#607d8b}
    .tw-band{fill:#f5f5f5;stroke:#9e9e9e;stroke-dasharray:5 3}
    .tw-band-text{font-size:12px;fill:#37474f}
    .tw-legend{font-size:11px;fill:#37474f}
    """

    // MARK: - Documents

    /// A standalone SVG document: every connection one below another, then the legend.
    public static func document(_ flows: [LadderFlow], msl: Nanoseconds, omitted: Int = 0) -> String {
        var parts: [(String, Int)] = flows.map { diagram($0, msl: msl) }
        if flows.isEmpty {
            parts.append(("<text x=\"20\" y=\"30\" class=\"tw-sub\">no TCP connection in the capture</text>\n", 50))
        }
        if omitted > 0 {
            let text = "\(LadderText.grouped(omitted)) more connection\(omitted == 1 ? "" : "s") not drawn (at most \(LadderText.grouped(LadderRecorder.defaultFlowLimit)) per file; choose one with --flow N)"
            parts.append(("<text x=\"20\" y=\"24\" class=\"tw-sub\">\(MarkupText.escape(text))</text>\n", 40))
        }
        let legendPart = legend()
        parts.append(legendPart)
        let height = parts.reduce(0) { $0 + $1.1 }
        var s = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        s += svgOpen(height: height)
        s += "<title>tcpwave ladder diagram</title>\n"
        s += "<style>\n\(styleSheet)</style>\n"
        s += "<rect x=\"0\" y=\"0\" width=\"\(width)\" height=\"\(height)\" fill=\"#ffffff\"/>\n"
        var y = 0
        for (index, part) in parts.enumerated() {
            if index > 0 && index < flows.count {
                s += "<line x1=\"10\" y1=\"\(y)\" x2=\"\(width - 10)\" y2=\"\(y)\" stroke=\"#cfd8dc\"/>\n"
            }
            s += "<g transform=\"translate(0,\(y))\">\n\(part.0)</g>\n"
            y += part.1
        }
        s += "</svg>\n"
        return s
    }

    /// One connection's diagram as an `<svg>` element without the legend (the HTML page).
    public static func element(_ flow: LadderFlow, msl: Nanoseconds) -> String {
        let (body, height) = diagram(flow, msl: msl)
        return svgOpen(height: height) + "<title>connection #\(flow.number)</title>\n" + body + "</svg>\n"
    }

    /// The legend as an `<svg>` element.
    public static func legendElement() -> String {
        let (body, height) = legend()
        return svgOpen(height: height) + "<title>legend</title>\n" + body + "</svg>\n"
    }

    static func svgOpen(height: Int) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" font-family=\"\(fontFamily)\">\n"
    }

    // MARK: - One connection

    /// The drawing of one connection from y = 0, and its height.
    static func diagram(_ flow: LadderFlow, msl: Nanoseconds) -> (String, Int) {
        let l = layout(flow, msl: msl, collapseRuns: false)
        var s = l.header
        s += axes(from: l.axisTop, to: l.axisEnd)
        for piece in l.pieces { s += piece.body }
        s += l.tail
        return (s, l.height)
    }

    /// One connection laid out from y = 0: the header, the rows in pieces (a collapsible run of
    /// one anomaly is a piece of its own), the projected end under the timelines.
    struct Layout {
        struct Piece {
            var y0: Int
            var y1: Int
            var body: String
            /// A run of arrows with the same anomaly: the band's words and its hover title.
            var run: (text: String, title: String, from: String, to: String)?
        }
        var header = ""
        var axisTop = 0
        var pieces: [Piece] = []
        var axisEnd = 0
        var tail = ""
        var height = 0
    }

    static func axes(from top: Int, to bottom: Int) -> String {
        "<line class=\"tw-axis\" x1=\"\(clientX)\" y1=\"\(top)\" x2=\"\(clientX)\" y2=\"\(bottom)\"/>\n"
            + "<line class=\"tw-axis\" x1=\"\(serverX)\" y1=\"\(top)\" x2=\"\(serverX)\" y2=\"\(bottom)\"/>\n"
    }

    /// Runs of at least `minimumRun` consecutive arrows carrying the same anomaly notes (and
    /// nothing else: no step, no state change): item index ranges.
    static let minimumRun = 3

    static func anomalyRuns(_ items: [LadderItem]) -> [Range<Int>] {
        var runs: [Range<Int>] = []
        var start: Int? = nil
        var notes: PacketNotes = []
        func key(_ item: LadderItem) -> PacketNotes? {
            guard case .arrow(let a) = item, LadderText.kind(a) == .anomaly, !a.flags.contains(.rst),
                  a.event.step == .none, !a.event.client.changed, !a.event.server.changed,
                  !a.event.notes.isEmpty else { return nil }
            return a.event.notes
        }
        for i in 0...items.count {
            let k = i < items.count ? key(items[i]) : nil
            if let s = start, k != notes || k == nil {
                if i - s >= minimumRun { runs.append(s..<i) }
                start = nil
            }
            if start == nil, let k {
                start = i
                notes = k
            }
        }
        return runs
    }

    static func layout(_ flow: LadderFlow, msl: Nanoseconds, collapseRuns: Bool) -> Layout {
        var l = Layout()
        var s = ""
        let client = LadderText.endpoint(flow.client), server = LadderText.endpoint(flow.server)
        s += text(20, 22, "#\(flow.number)  \(client) \u{2192} \(server)", cls: "tw-title")
        s += text(20, 40, LadderText.verdict(flow), cls: "tw-sub")
        s += text(20, 56, statistics(flow), cls: "tw-sub")
        s += text(clientX, 80, "client", cls: "tw-role", anchor: "middle")
        s += text(serverX, 80, "server", cls: "tw-role", anchor: "middle")
        s += text(clientX, 94, client, cls: "tw-addr", anchor: "middle")
        s += text(serverX, 94, server, cls: "tw-addr", anchor: "middle")
        l.header = s
        let axisTop = 104
        l.axisTop = axisTop
        let initialCertainty: Certainty = flow.startedMidstream ? .inferred : .observed
        var body = ""
        var y = axisTop + 10
        for (role, state) in [(Role.client, flow.initialClient), (Role.server, flow.initialServer)] {
            let how = initialCertainty == .inferred ? "inferred: the capture began after the SYN" : "before the first packet"
            body += stateBox(role, y: y + 8, label: LadderText.stateLabel(state, certainty: initialCertainty),
                             certainty: initialCertainty, title: "\(role.name) \(state) (\(how))")
        }
        y += 24
        var pieceStart = 0
        let items = flow.allItems
        let runs = collapseRuns ? anomalyRuns(items) : []
        var runIndex = 0
        var lastClient = flow.initialClient, lastServer = flow.initialServer
        for (index, item) in items.enumerated() {
            if runIndex < runs.count && index == runs[runIndex].lowerBound {
                l.pieces.append(Layout.Piece(y0: pieceStart, y1: y, body: body))
                body = ""
                pieceStart = y
            }
            switch item {
            case .arrow(let a):
                let (part, h) = arrowRow(a, y: y, first: flow.firstTime)
                body += part
                y += h
                lastClient = a.event.client.after
                lastServer = a.event.server.after
            case .band(let b):
                let (part, h) = bandRow(b, y: y, first: flow.firstTime)
                body += part
                y += h
                if let c = b.client, c.after != lastClient {
                    body += stateBox(.client, y: y - 4, c)
                    lastClient = c.after
                }
                if let c = b.server, c.after != lastServer {
                    body += stateBox(.server, y: y - 4, c)
                    lastServer = c.after
                }
                if b.client?.after != nil || b.server?.after != nil { y += 12 }
            }
            if runIndex < runs.count && index == runs[runIndex].upperBound - 1 {
                let range = runs[runIndex]
                guard case .arrow(let first) = items[range.lowerBound], case .arrow(let last) = items[range.upperBound - 1] else { continue }
                // The notes' names without their counters (`duplicate ack`, not `duplicate ack #3`).
                let notes = first.event.notes.nameList.map { String($0.map { $0 == "_" ? " " : $0 }) }.joined(separator: ", ")
                let from = LadderText.offset(first.time, from: flow.firstTime), to = LadderText.offset(last.time, from: flow.firstTime)
                let text = "\(range.count) \(notes) packets"
                let title = "packets \(first.packetNumber)-\(last.packetNumber), \(from) s to \(to) s: \(range.count) in a row noted \(notes); click to show or hide them"
                l.pieces.append(Layout.Piece(y0: pieceStart, y1: y, body: body, run: (text, title, from, to)))
                body = ""
                pieceStart = y
                runIndex += 1
            }
        }
        y += 6
        let axisEnd = y
        l.pieces.append(Layout.Piece(y0: pieceStart, y1: axisEnd, body: body))
        l.axisEnd = axisEnd
        s = ""
        // TIME_WAIT's end, computed, not seen.
        var projected = false
        for role in [Role.client, Role.server] {
            guard let at = LadderText.projectedClose(flow, role: role, msl: msl) else { continue }
            projected = true
            let x = role == .client ? clientX : serverX
            s += "<line class=\"tw-axis-projected\" x1=\"\(x)\" y1=\"\(axisEnd)\" x2=\"\(x)\" y2=\"\(axisEnd + 34)\"/>\n"
            s += stateBox(role, y: axisEnd + 30, label: "CLOSED", certainty: .projected,
                          title: "\(role.name) TIME_WAIT -> CLOSED at \(LadderText.offset(at, from: flow.firstTime)) s: 2xMSL (\(LadderText.compactSeconds(2 &* msl)) s) after TIME_WAIT began; projected, not observed")
            // Two short lines, so the server side's caption stays inside the picture.
            let caption = ["after 2\u{00D7}MSL = \(LadderText.compactSeconds(2 &* msl)) s", "(projected)"]
            for (i, line) in caption.enumerated() {
                if role == .client {
                    s += text(clientX - 8, axisEnd + 52 + 12 * i, line, cls: "tw-caption", anchor: "end")
                } else {
                    s += text(serverX + 8, axisEnd + 52 + 12 * i, line, cls: "tw-caption")
                }
            }
        }
        var height = axisEnd + (projected ? 74 : 12)
        if flow.ended == nil || flow.ended?.connection.closing == .open {
            s += text((clientX + serverX) / 2, axisEnd + 14, "(still open when the capture ended)", cls: "tw-caption", anchor: "middle")
            height = Swift.max(height, axisEnd + 24)
        }
        l.tail = s
        l.height = height + 8
        return l
    }

    /// `11 packets · 0.027644 s · 48 B →, 53 B ← · handshake RTT 0.000399 s`
    static func statistics(_ flow: LadderFlow) -> String {
        var parts = ["\(LadderText.grouped(flow.packets)) packet\(flow.packets == 1 ? "" : "s")"]
        parts.append("\(seconds(flow.lastTime &- flow.firstTime)) s")
        if let c = flow.ended?.connection {
            parts.append("\(LadderText.bytes(c.clientTrack.payloadBytes)) \u{2192}, \(LadderText.bytes(c.serverTrack.payloadBytes)) \u{2190}")
            if let rtt = c.handshakeRTT { parts.append("handshake RTT \(seconds(rtt)) s") }
        }
        return parts.joined(separator: " \u{00B7} ")
    }

    /// One packet: highlight, sloped arrow, labels above and below, states at both ends.
    static func arrowRow(_ a: LadderArrow, y: Int, first: Nanoseconds) -> (String, Int) {
        let kind = LadderText.kind(a)
        let stepKind = LadderText.stepKind(a.event.step)
        let labelLines = LadderText.wrap(LadderText.label(a), width: labelWidth)
        var below: [(String, String)] = []
        if let step = LadderText.stepText(a.event) { below.append((step, "tw-step")) }
        if let notes = LadderText.notesText(a.event) {
            for line in LadderText.wrap(notes, width: labelWidth + 4) { below.append((line, "tw-note")) }
        }
        let y0 = y + 8 + 14 * labelLines.count
        let y1 = y0 + slope
        let ym = (y0 + y1) / 2
        var height = y1 + 10 - y
        if !below.isEmpty { height = Swift.max(height, ym + 16 + 14 * (below.count - 1) + 8 - y) }
        let fromClient = a.sender == .client
        let x0 = fromClient ? clientX : serverX, x1 = fromClient ? serverX : clientX
        let mid = (clientX + serverX) / 2
        var s = "<g class=\"tw-packet\">\n<title>\(MarkupText.escape(hover(a, first: first)))</title>\n"
        if stepKind != .data {
            s += "<rect class=\"tw-hl-\(stepKind.rawValue)\" x=\"\(clientX + 3)\" y=\"\(y + 1)\" width=\"\(serverX - clientX - 6)\" height=\"\(height - 2)\" rx=\"4\"/>\n"
        }
        s += text(10, y0 + 4, LadderText.offset(a.time, from: first), cls: "tw-time")
        let resent = a.event.notes.contains(.retransmission) ? " tw-resent" : ""
        // The line stops at the arrowhead's base; the head is a triangle at the receiver.
        let dx = Double(x1 - x0), dy = Double(y1 - y0)
        let length = (dx * dx + dy * dy).squareRoot()
        let ux = dx / length, uy = dy / length
        let head = 9.0, half = 4.0
        let bx = Double(x1) - ux * head, by = Double(y1) - uy * head
        s += "<line class=\"tw-line tw-l-\(kind.rawValue)\(resent)\" x1=\"\(x0)\" y1=\"\(y0)\" x2=\"\(num(bx))\" y2=\"\(num(by))\"/>\n"
        s += "<polygon class=\"tw-f-\(kind.rawValue)\" points=\"\(x1),\(y1) \(num(bx - uy * half)),\(num(by + ux * half)) \(num(bx + uy * half)),\(num(by - ux * half))\"/>\n"
        for (i, line) in labelLines.enumerated() {
            s += text(mid, y + 18 + 14 * i, line, cls: "tw-label tw-f-\(kind.rawValue)", anchor: "middle")
        }
        for (i, line) in below.enumerated() {
            let cls = line.1 == "tw-step" ? "tw-step tw-f-\(stepKind == .data ? kind.rawValue : stepKind.rawValue)"
                                          : "tw-note tw-f-\(kind == .anomaly ? "anomaly" : "data")"
            s += text(mid, ym + 16 + 14 * i, line.0, cls: cls, anchor: "middle")
        }
        // Each endpoint's state where it changed: the sender's at the arrow's start, the receiver's at its end.
        if a.event.client.changed { s += stateBox(.client, y: fromClient ? y0 : y1, a.event.client) }
        if a.event.server.changed { s += stateBox(.server, y: fromClient ? y1 : y0, a.event.server) }
        s += "</g>\n"
        return (s, height)
    }

    /// The hover text of an arrow: packet, time, direction, numbers, step, notes, states.
    static func hover(_ a: LadderArrow, first: Nanoseconds) -> String {
        let direction = a.sender == .client ? "client -> server" : "server -> client"
        var lines = ["packet \(a.packetNumber), \(LadderText.offset(a.time, from: first)) s, \(direction)"]
        var numbers = "\(LadderText.flagWords(a.flags)), seq \(a.relativeSeq)"
        if a.flags.contains(.ack) { numbers += ", ack \(a.relativeAck)" }
        numbers += " (relative), win \(a.window), length \(a.payloadLength)"
        lines.append(numbers)
        if let step = LadderText.stepText(a.event) { lines.append(step) }
        if let notes = LadderText.notesText(a.event) { lines.append(notes) }
        lines.append("client \(LadderText.changeText(a.event.client)), server \(LadderText.changeText(a.event.server))")
        return lines.joined(separator: "\n")
    }

    /// A collapsed data phase.
    static func bandRow(_ b: LadderBand, y: Int, first: Nanoseconds) -> (String, Int) {
        let notes = LadderText.bandNotes(b)
        let boxHeight = notes == nil ? 28 : 42
        let height = boxHeight + 12
        let mid = (clientX + serverX) / 2
        var s = "<g class=\"tw-collapsed\">\n"
        let title = "packets \(b.firstPacket)-\(b.lastPacket), \(LadderText.offset(b.firstTime, from: first)) s to \(LadderText.offset(b.lastTime, from: first)) s: \(b.clientPackets) from the client (\(b.clientBytes) B), \(b.serverPackets) from the server (\(b.serverBytes) B)"
        s += "<title>\(MarkupText.escape(title))</title>\n"
        s += "<rect class=\"tw-band\" x=\"\(clientX + 14)\" y=\"\(y + 6)\" width=\"\(serverX - clientX - 28)\" height=\"\(boxHeight)\" rx=\"6\"/>\n"
        s += text(mid, y + 24, LadderText.bandText(b), cls: "tw-band-text", anchor: "middle")
        if let notes {
            for (i, line) in LadderText.wrap(notes, width: labelWidth).prefix(1).enumerated() {
                s += text(mid, y + 38 + 14 * i, line, cls: "tw-note tw-f-anomaly", anchor: "middle")
            }
        }
        s += text(10, y + 20, LadderText.offset(b.firstTime, from: first), cls: "tw-time")
        s += text(10, y + 34, LadderText.offset(b.lastTime, from: first), cls: "tw-time")
        s += "</g>\n"
        return (s, height)
    }

    /// A state written beside one timeline, centred on `y`, with a dot on the axis.
    static func stateBox(_ role: Role, y: Int, _ c: StateChange) -> String {
        stateBox(role, y: y, label: LadderText.stateLabel(c), small: c.via != nil, certainty: c.certainty,
                 title: "\(role.name) \(LadderText.changeText(c)) (\(LadderText.certaintyName(c.certainty)))")
    }

    static func stateBox(_ role: Role, y: Int, label: String, small: Bool = false, certainty c: Certainty, title: String) -> String {
        let certainty = LadderText.certaintyName(c)
        let w = boxWidth(label, small: small)
        let x = role == .client ? clientX - 8 - w : serverX + 8
        let axis = role == .client ? clientX : serverX
        var s = "<g class=\"tw-state-change\">\n<title>\(MarkupText.escape(title))</title>\n"
        s += "<circle cx=\"\(axis)\" cy=\"\(y)\" r=\"3\" fill=\"#37474f\"/>\n"
        s += "<rect class=\"tw-box-\(certainty)\" x=\"\(x)\" y=\"\(y - 9)\" width=\"\(w)\" height=\"18\" rx=\"3\"/>\n"
        let cls = c == .observed ? "tw-state" : "tw-state-\(certainty)"
        let style = small ? " style=\"font-size:10px\"" : ""
        s += "<text x=\"\(x + w / 2)\" y=\"\(y + 4)\" class=\"\(cls)\" text-anchor=\"middle\"\(style)>\(MarkupText.escape(label))</text>\n"
        s += "</g>\n"
        return s
    }

    static func boxWidth(_ label: String, small: Bool = false) -> Int {
        Int((Double(label.count) * (small ? 6.1 : 6.7)).rounded(.up)) + 12
    }

    // MARK: - Legend

    static func legend() -> (String, Int) {
        var s = "<g class=\"tw-legend-block\">\n"
        s += text(20, 20, "Legend", cls: "tw-role")
        let kinds: [(LadderText.Kind, String)] = [
            (.handshake, "handshake"), (.teardown, "teardown"), (.data, "data, ACK"),
            (.anomaly, "anomaly: RST, resend (dashed), keepalive..."),
        ]
        var x = 20
        for (kind, words) in kinds {
            let dashed = kind == .anomaly ? " tw-resent" : ""
            s += "<line class=\"tw-line tw-l-\(kind.rawValue)\(dashed)\" x1=\"\(x)\" y1=\"38\" x2=\"\(x + 28)\" y2=\"38\"/>\n"
            s += "<polygon class=\"tw-f-\(kind.rawValue)\" points=\"\(x + 36),38 \(x + 27),34 \(x + 27),42\"/>\n"
            s += text(x + 42, 42, words, cls: "tw-legend")
            x += 50 + Int(Double(words.count) * 6.7)
            if x > width - 150 { x = 20 }
        }
        let boxes: [(String, Certainty, String)] = [
            ("ESTABLISHED", .observed, "state observed in the capture"),
            ("LISTEN?", .inferred, "inferred"),
            ("CLOSED", .projected, "projected (TIME_WAIT ends 2\u{00D7}MSL later)"),
        ]
        x = 20
        for (label, certainty, words) in boxes {
            let w = boxWidth(label)
            let name = LadderText.certaintyName(certainty)
            s += "<rect class=\"tw-box-\(name)\" x=\"\(x)\" y=\"54\" width=\"\(w)\" height=\"18\" rx=\"3\"/>\n"
            s += text(x + w / 2, 67, label, cls: certainty == .observed ? "tw-state" : "tw-state-\(name)", anchor: "middle")
            s += text(x + w + 6, 67, words, cls: "tw-legend")
            x += w + 16 + Int(Double(words.count) * 6.7)
        }
        s += text(20, 92, "Rows follow packet order (not a time scale); times are seconds since the connection's first packet;", cls: "tw-legend")
        s += text(20, 106, "seq and ack are relative to each side's initial sequence number. Hover an arrow for its details.", cls: "tw-legend")
        s += "</g>\n"
        return (s, 118)
    }

    // MARK: - Helpers

    static func text(_ x: Int, _ y: Int, _ content: String, cls: String, anchor: String? = nil) -> String {
        let a = anchor.map { " text-anchor=\"\($0)\"" } ?? ""
        return "<text x=\"\(x)\" y=\"\(y)\" class=\"\(cls)\"\(a)>\(MarkupText.escape(content))</text>\n"
    }

    /// One decimal, without a trailing `.0`.
    static func num(_ d: Double) -> String {
        guard d.isFinite else { return "0" }
        let tenths = Int((d * 10).rounded())
        let sign = tenths < 0 ? "-" : ""
        let m = tenths.magnitude
        return m % 10 == 0 ? "\(sign)\(m / 10)" : "\(sign)\(m / 10).\(m % 10)"
    }

    /// Seconds with microseconds.
    static func seconds(_ ns: Nanoseconds) -> String {
        var out = OutputBuffer.memory()
        ConnectionText.appendSeconds(ns, &out)
        return out.takeString()
    }
}
