import Flows
import Wire

/// The time-sequence graph of one connection, in the style of Stevens' figures and tcptrace:
/// for each direction that carried data, the sender's segments as vertical bars (sequence
/// number against capture time), the receiver's ACK line and receive-window edge as steps,
/// retransmissions in red, out-of-order segments in blue, SACK blocks in purple, zero
/// windows as red diamonds on the ACK line, SYN/FIN/RST labelled. Inline SVG, one path per
/// kind of mark so that thousands of segments stay a light drawing.
public enum SequenceGraphSVG {
    static let width = 800
    static let plotLeft = 78
    static let plotRight = 780
    static let plotHeight = 300

    /// Both directions' graphs (the one that carried more data first) as one `<svg>` element.
    public static func element(_ flow: LadderFlow) -> String {
        let points = flow.sequencePoints
        var directions: [(Role, UInt64)] = [Role.client, Role.server].map { role in
            (role, points.reduce(UInt64(0)) { $1.sender == role ? $0 + UInt64($1.length) : $0 })
        }
        directions.sort { $0.1 > $1.1 }
        var parts: [(String, Int)] = []
        for (role, bytes) in directions where bytes > 2 || role == directions[0].0 {
            parts.append(graph(flow, sender: role))
        }
        let height = parts.reduce(0) { $0 + $1.1 } + (flow.sequencePointsDropped > 0 ? 20 : 0)
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"tw-seq\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" font-family=\"\(LadderSVG.fontFamily)\">\n"
        s += "<title>time-sequence graph of connection #\(flow.number)</title>\n"
        var y = 0
        for part in parts {
            s += "<g transform=\"translate(0,\(y))\">\n\(part.0)</g>\n"
            y += part.1
        }
        if flow.sequencePointsDropped > 0 {
            s += LadderSVG.text(plotLeft, y + 14, "\(LadderText.grouped(flow.sequencePointsDropped)) later packets not drawn (at most \(LadderText.grouped(SequencePoint.limit)) per connection)", cls: "tw-caption")
        }
        return s + "</svg>\n"
    }

    /// The graph of the data `sender` sent, from y = 0, and its height.
    static func graph(_ flow: LadderFlow, sender: Role) -> (String, Int) {
        let points = flow.sequencePoints
        let sent = points.filter { $0.sender == sender }
        let acks = points.filter { $0.sender != sender && $0.ack != nil }
        let top = 44, bottom = top + plotHeight
        let name = sender == .client ? "client \u{2192} server" : "server \u{2192} client"
        let from = LadderText.endpoint(sender == .client ? flow.client : flow.server)
        var s = LadderSVG.text(plotLeft, 18, "\(name): data sent by \(from)", cls: "tw-title")
        guard let t0 = points.first?.time, let t1 = points.last?.time else { return (s, 30) }
        // The sequence range shown: everything sent and acknowledged; the window edge may
        // run above it (clipped at a third more, so a huge window does not flatten the data).
        var low = UInt32.max, high: UInt32 = 0
        for p in sent {
            low = Swift.min(low, p.seq)
            high = Swift.max(high, p.seq &+ p.length)
        }
        for p in acks { if let a = p.ack { low = Swift.min(low, a); high = Swift.max(high, a) } }
        if low > high { low = 0; high = 1 }
        let dataHigh = Swift.max(high, low &+ 1)
        var windowHigh = dataHigh
        for p in acks { if let a = p.ack { windowHigh = Swift.max(windowHigh, a &+ p.window) } }
        let ceiling = UInt64(dataHigh) + UInt64(dataHigh - low) / 3 + 1
        let yTop = Swift.min(UInt64(windowHigh), Swift.max(ceiling, UInt64(dataHigh)))
        let span = Swift.max(1, t1 &- t0)
        func x(_ t: Nanoseconds) -> Double {
            Double(plotLeft) + Double(t &- t0) / Double(span) * Double(plotRight - plotLeft)
        }
        func y(_ v: UInt64) -> Double {
            let clamped = Swift.min(v, yTop)
            return Double(bottom) - Double(clamped &- UInt64(low)) / Double(Swift.max(1, yTop - UInt64(low))) * Double(plotHeight)
        }
        func f(_ d: Double) -> String { LadderSVG.num(d) }
        // Frame, grid and axes.
        s += "<rect x=\"\(plotLeft)\" y=\"\(top)\" width=\"\(plotRight - plotLeft)\" height=\"\(plotHeight)\" fill=\"#ffffff\" stroke=\"#cfd8dc\"/>\n"
        for i in 0...4 {
            let v = UInt64(low) + (yTop - UInt64(low)) * UInt64(i) / 4
            s += "<line x1=\"\(plotLeft)\" y1=\"\(f(y(v)))\" x2=\"\(plotRight)\" y2=\"\(f(y(v)))\" stroke=\"#eceff1\"/>\n"
            s += "<text x=\"\(plotLeft - 6)\" y=\"\(f(y(v)))\" dy=\"4\" class=\"tw-time\" text-anchor=\"end\">\(LadderText.grouped(Int(v)))</text>\n"
        }
        for t in StateChartSVG.timeTicks(span) {
            let xx = f(x(t0 &+ t))
            s += "<line x1=\"\(xx)\" y1=\"\(bottom)\" x2=\"\(xx)\" y2=\"\(bottom + 4)\" stroke=\"#37474f\"/>\n"
            s += "<text x=\"\(xx)\" y=\"\(bottom + 16)\" class=\"tw-time\" text-anchor=\"middle\">+\(LadderText.compactSeconds(t)) s</text>\n"
        }
        // Window edge and ACK line: steps from one ACK to the next.
        var ackPath = "", windowPath = "", zero = ""
        var previous: (Double, Double, Double)? = nil
        for p in acks {
            guard let a = p.ack else { continue }
            let xx = x(p.time), ya = y(UInt64(a)), yw = y(UInt64(a) + UInt64(p.window))
            if let (px, pa, pw) = previous {
                ackPath += "M\(f(px)),\(f(pa))H\(f(xx))V\(f(ya))"
                windowPath += "M\(f(px)),\(f(pw))H\(f(xx))V\(f(yw))"
            }
            previous = (xx, ya, yw)
            if p.window == 0 || p.notes.contains(.zeroWindow) {
                zero += "M\(f(xx)),\(f(ya - 5))l5,5l-5,5l-5,-5Z"
            }
        }
        if let (px, pa, pw) = previous {
            ackPath += "M\(f(px)),\(f(pa))H\(plotRight)"
            windowPath += "M\(f(px)),\(f(pw))H\(plotRight)"
        }
        s += "<path class=\"tw-seq-window\" d=\"\(windowPath)\"/>\n"
        s += "<path class=\"tw-seq-ack\" d=\"\(ackPath)\"/>\n"
        // Segments: a bar from seq to seq+length with ticks at both ends; SACK blocks the peer reported.
        var normal = "", resent = "", disorder = "", sacks = ""
        var labels = ""
        for p in sent {
            let xx = x(p.time)
            let y0 = y(UInt64(p.seq)), y1 = y(UInt64(p.seq) + UInt64(p.length))
            let bar = p.length == 0 ? "M\(f(xx - 2)),\(f(y0))h4" : "M\(f(xx)),\(f(y0))V\(f(y1))M\(f(xx - 2)),\(f(y0))h4M\(f(xx - 2)),\(f(y1))h4"
            if !p.notes.isDisjoint(with: [.retransmission, .fastRetransmission, .spuriousRetransmission]) {
                resent += bar
            } else if p.notes.contains(.outOfOrder) {
                disorder += bar
            } else if p.length > 0 || p.flags.contains(.syn) || p.flags.contains(.fin) || p.flags.contains(.rst) {
                normal += bar
            }
            for (flag, word) in [(TCPFlags.syn, "SYN"), (.fin, "FIN"), (.rst, "RST")] where p.flags.contains(flag) {
                labels += LadderSVG.text(Swift.min(Int(xx) + 4, plotRight - 24), Int(y1) - 3, word, cls: word == "RST" ? "tw-seq-label tw-f-anomaly" : "tw-seq-label")
            }
        }
        for p in acks {
            guard let (left, right) = p.sack else { continue }
            sacks += "M\(f(x(p.time))),\(f(y(UInt64(left))))V\(f(y(UInt64(right))))"
        }
        s += "<path class=\"tw-seq-sack\" d=\"\(sacks)\"/>\n"
        s += "<path class=\"tw-seq-data\" d=\"\(normal)\"/>\n"
        s += "<path class=\"tw-seq-ooo\" d=\"\(disorder)\"/>\n"
        s += "<path class=\"tw-seq-resent\" d=\"\(resent)\"/>\n"
        s += "<path class=\"tw-seq-zero\" d=\"\(zero)\"/>\n"
        s += labels
        // Legend under the plot.
        let scaled = acks.allSatisfy { $0.windowScaled || $0.flags.contains(.syn) }
        let items: [(String, String)] = [
            ("tw-seq-data", "segment"), ("tw-seq-resent", "retransmission"), ("tw-seq-ooo", "out of order"),
            ("tw-seq-ack", "ACK"), ("tw-seq-window", scaled ? "window edge" : "window edge (unscaled)"),
            ("tw-seq-sack", "SACK block"), ("tw-seq-zero", "zero window"),
        ]
        var lx = plotLeft
        let ly = bottom + 36
        for (cls, word) in items {
            if cls == "tw-seq-zero" {
                s += "<path class=\"tw-seq-zero\" d=\"M\(lx + 8),\(ly - 9)l5,5l-5,5l-5,-5Z\"/>\n"
            } else {
                s += "<path class=\"\(cls)\" d=\"M\(lx),\(ly - 4)h18\"/>\n"
            }
            s += LadderSVG.text(lx + 22, ly, word, cls: "tw-legend")
            lx += 34 + Int(Double(word.count) * 6.7)
        }
        s += LadderSVG.text(plotLeft, 34, "relative sequence number (bytes) against seconds since the first packet; \(sent.count) segments, \(acks.count) ACKs", cls: "tw-sub")
        return (s, ly + 14)
    }

    static let styleSheet = """
    .tw-seq-data{stroke:#263238;stroke-width:1.4;fill:none}
    .tw-seq-resent{stroke:#d32f2f;stroke-width:2;fill:none}
    .tw-seq-ooo{stroke:#1e88e5;stroke-width:1.6;fill:none}
    .tw-seq-ack{stroke:#2e7d32;stroke-width:1.3;fill:none}
    .tw-seq-window{stroke:#c0a000;stroke-width:1.2;fill:none}
    .tw-seq-sack{stroke:#8e24aa;stroke-width:3;stroke-opacity:0.7;fill:none}
    .tw-seq-zero{fill:#d32f2f;stroke:none}
    .tw-seq-label{font-size:10px;fill:#37474f}

    """
}
