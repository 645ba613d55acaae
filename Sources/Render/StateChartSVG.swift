import Flows
import Wire

/// The HTML report's stacked area chart: how many endpoints were in each TCP state over the
/// capture (StateSeries' samples of the tracker's census, as the `states` records), alerts as shaded spans. A SYN flood shows as a wall
/// of SYN_SENT/SYN_RECEIVED, a TIME_WAIT pile-up as a rising grey layer. Inline SVG; every
/// sample has a hover title with its counts.
public enum StateChartSVG {
    /// An alert drawn on the chart: a span of capture time and what it was.
    public struct Mark: Sendable {
        public var from: Nanoseconds
        public var to: Nanoseconds
        public var label: String
        public init(from: Nanoseconds, to: Nanoseconds, label: String) {
            self.from = from
            self.to = to
            self.label = label
        }
    }

    static let width = 1000
    static let plotLeft = 64
    static let plotRight = 770
    static let plotTop = 24
    static let plotBottom = 244
    static let height = 280

    /// Stacking order, bottom up, and colours: open states at the bottom, half-open in warm
    /// colours so a flood stands out, closing states above. LISTEN is left out: it is the
    /// server side of every connection still waiting for its SYN-ACK, and would draw a flood twice.
    static let layers: [(TCPState, String)] = [
        (.established, "#66bb6a"),
        (.synSent, "#ffa726"),
        (.synReceived, "#ef5350"),
        (.finWait1, "#4fc3f7"),
        (.finWait2, "#0288d1"),
        (.closeWait, "#ab47bc"),
        (.closing, "#7e57c2"),
        (.lastAck, "#5c6bc0"),
        (.timeWait, "#90a4ae"),
    ]

    public static func marks(_ alerts: [SynFloodAlert]) -> [Mark] {
        var open: [Endpoint: SynFloodAlert] = [:]
        var marks: [Mark] = []
        for a in alerts {
            switch a.kind {
            case .start: open[a.target] = a
            case .ongoing: if open[a.target] == nil { open[a.target] = a }
            case .end:
                let start = open.removeValue(forKey: a.target)
                marks.append(Mark(from: start?.windowStart ?? a.since, to: a.endOfInput ? a.time : a.windowStart,
                                  label: "SYN flood on \(LadderText.endpoint(a.target)), peak \(LadderText.grouped(a.peakHalfOpen)) half-open"))
            }
        }
        for (_, a) in open.sorted(by: { $0.value.time < $1.value.time }) {
            marks.append(Mark(from: a.windowStart, to: a.time, label: "SYN flood on \(LadderText.endpoint(a.target))"))
        }
        return marks.sorted { $0.from < $1.from }
    }

    /// The chart as an `<svg>` element (no samples: a one-line note).
    public static func element(_ samples: [StateSeries.Sample], interval: Nanoseconds, marks: [Mark]) -> String {
        guard let first = samples.first, let last = samples.last, samples.count >= 2 else {
            return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"30\" viewBox=\"0 0 \(width) 30\"><text x=\"10\" y=\"20\" class=\"tw-sub\">too short a capture to chart</text></svg>\n"
        }
        let span = Swift.max(1, last.time &- first.time)
        let totals = samples.map { s in layers.reduce(0) { $0 + s.count($1.0) } }
        let peak = Swift.max(1, totals.max() ?? 1)
        let top = niceCeiling(peak)
        func x(_ t: Nanoseconds) -> Double {
            Double(plotLeft) + Double(t &- first.time) / Double(span) * Double(plotRight - plotLeft)
        }
        func y(_ v: Int) -> Double {
            Double(plotBottom) - Double(v) / Double(top) * Double(plotBottom - plotTop)
        }
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"tw-chart\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" font-family=\"\(LadderSVG.fontFamily)\">\n"
        s += "<title>endpoints per TCP state over the capture</title>\n"
        // Grid and y axis.
        for i in 0...4 {
            let v = top * i / 4
            let yy = LadderSVG.num(y(v))
            s += "<line x1=\"\(plotLeft)\" y1=\"\(yy)\" x2=\"\(plotRight)\" y2=\"\(yy)\" stroke=\"#eceff1\"/>\n"
            s += "<text x=\"\(plotLeft - 6)\" y=\"\(yy)\" dy=\"4\" class=\"tw-time\" text-anchor=\"end\">\(LadderText.grouped(v))</text>\n"
        }
        // Alert spans under the areas' outlines, over the grid.
        for m in marks {
            let x0 = x(Swift.max(first.time, m.from)), x1 = Swift.max(x0 + 2, x(Swift.min(last.time, m.to)))
            s += "<g class=\"tw-alert\"><title>\(MarkupText.escape(m.label))</title>"
            s += "<rect x=\"\(LadderSVG.num(x0))\" y=\"\(plotTop)\" width=\"\(LadderSVG.num(x1 - x0))\" height=\"\(plotBottom - plotTop)\" fill=\"#ffcdd2\" fill-opacity=\"0.3\"/>"
            s += "<rect x=\"\(LadderSVG.num(x0))\" y=\"\(plotTop - 12)\" width=\"\(LadderSVG.num(x1 - x0))\" height=\"10\" fill=\"#e53935\" rx=\"2\"/>"
            s += "</g>\n"
            s += "<text x=\"\(LadderSVG.num(x0 + 4))\" y=\"\(plotTop + 12)\" class=\"tw-legend\" fill=\"#b71c1c\">\(MarkupText.escape(m.label))</text>\n"
        }
        // One closed polygon per layer: its top edge left to right, the layer below's top edge back.
        var below = [Int](repeating: 0, count: samples.count)
        var legend: [(TCPState, String, Int, Int)] = []
        for (state, colour) in layers {
            let values = samples.map { $0.count(state) }
            let peakOfLayer = values.max() ?? 0
            guard peakOfLayer > 0 else { continue }
            legend.append((state, colour, peakOfLayer, values.last ?? 0))
            var above = below
            for i in samples.indices { above[i] += values[i] }
            var d = ""
            for i in samples.indices {
                d += (i == 0 ? "M" : "L") + "\(LadderSVG.num(x(samples[i].time))),\(LadderSVG.num(y(above[i])))"
            }
            for i in samples.indices.reversed() {
                d += "L\(LadderSVG.num(x(samples[i].time))),\(LadderSVG.num(y(below[i])))"
            }
            s += "<path d=\"\(d)Z\" fill=\"\(colour)\" fill-opacity=\"0.85\" stroke=\"\(colour)\" stroke-width=\"0.8\"><title>\(state)</title></path>\n"
            below = above
        }
        // Axes.
        s += "<line x1=\"\(plotLeft)\" y1=\"\(plotBottom)\" x2=\"\(plotRight)\" y2=\"\(plotBottom)\" stroke=\"#37474f\"/>\n"
        s += "<line x1=\"\(plotLeft)\" y1=\"\(plotTop)\" x2=\"\(plotLeft)\" y2=\"\(plotBottom)\" stroke=\"#37474f\"/>\n"
        for t in timeTicks(span) {
            let xx = LadderSVG.num(x(first.time &+ t))
            s += "<line x1=\"\(xx)\" y1=\"\(plotBottom)\" x2=\"\(xx)\" y2=\"\(plotBottom + 4)\" stroke=\"#37474f\"/>\n"
            s += "<text x=\"\(xx)\" y=\"\(plotBottom + 16)\" class=\"tw-time\" text-anchor=\"middle\">+\(LadderText.compactSeconds(t)) s</text>\n"
        }
        s += "<text x=\"\(plotLeft)\" y=\"\(height - 4)\" class=\"tw-caption\">endpoints per state, sampled every \(LadderText.compactSeconds(interval)) s of capture time; LISTEN is not drawn; a red bar is an alert in force (from the start of its detection window)</text>\n"
        // Hover columns: each sample's counts.
        let step = Double(plotRight - plotLeft) / Double(Swift.max(1, samples.count - 1))
        s += "<g class=\"tw-hover\" fill=\"#000\" fill-opacity=\"0\">\n"
        for (i, sample) in samples.enumerated() {
            var words = ["+\(LadderSVG.seconds(sample.time &- first.time)) s: \(LadderText.grouped(totals[i])) endpoints"]
            for (state, _) in layers where sample.count(state) > 0 {
                words.append("\(state) \(LadderText.grouped(sample.count(state)))")
            }
            let xx = x(sample.time) - step / 2
            s += "<rect x=\"\(LadderSVG.num(xx))\" y=\"\(plotTop)\" width=\"\(LadderSVG.num(step))\" height=\"\(plotBottom - plotTop)\"><title>\(MarkupText.escape(words.joined(separator: "\n")))</title></rect>\n"
        }
        s += "</g>\n"
        // Legend: colour, state, peak and final counts.
        var ly = plotTop + 4
        s += "<text x=\"\(plotRight + 16)\" y=\"\(ly + 4)\" class=\"tw-legend\" font-weight=\"bold\">state</text>\n"
        s += "<text x=\"\(width - 66)\" y=\"\(ly + 4)\" class=\"tw-legend\" font-weight=\"bold\" text-anchor=\"end\">peak</text>\n"
        s += "<text x=\"\(width - 6)\" y=\"\(ly + 4)\" class=\"tw-legend\" font-weight=\"bold\" text-anchor=\"end\">at end</text>\n"
        for (state, colour, peakCount, final) in legend.reversed() {
            ly += 18
            s += "<rect x=\"\(plotRight + 16)\" y=\"\(ly - 5)\" width=\"12\" height=\"12\" fill=\"\(colour)\"/>\n"
            s += "<text x=\"\(plotRight + 32)\" y=\"\(ly + 5)\" class=\"tw-legend\">\(state)</text>\n"
            s += "<text x=\"\(width - 66)\" y=\"\(ly + 5)\" class=\"tw-legend\" text-anchor=\"end\">\(LadderText.grouped(peakCount))</text>\n"
            s += "<text x=\"\(width - 6)\" y=\"\(ly + 5)\" class=\"tw-legend\" text-anchor=\"end\">\(LadderText.grouped(final))</text>\n"
        }
        s += "</svg>\n"
        return s
    }

    /// The chart's numbers for scripts and tests, in the `states` records' terms:
    /// `{"interval":s,"states":[names],"samples":[[ts,connections,[client counts],[server counts]],…]}`,
    /// counts in the order of `states` (every TCPState but CLOSED, which the census does not
    /// count absolutely). A few kilobytes: the samples are bounded (StateSeries).
    public static func dataElement(_ series: StateSeries) -> String {
        let counted = TCPState.allCases.filter { $0 != .closed }
        var s = "<script type=\"application/json\" id=\"tw-states\">{\"interval\":"
        s += seconds(series.interval)
        s += ",\"states\":[" + counted.map { "\"\($0.name)\"" }.joined(separator: ",") + "],\"samples\":["
        for (i, sample) in series.samples.enumerated() {
            if i > 0 { s += "," }
            s += "[" + seconds(sample.time) + ",\(sample.connections),["
            s += counted.map { String(sample.states[.client, $0]) }.joined(separator: ",") + "],["
            s += counted.map { String(sample.states[.server, $0]) }.joined(separator: ",") + "]]"
        }
        s += "],\"final\":\(series.finished)}</script>\n"
        return s
    }

    /// Seconds with nine decimals, exactly (a Double cannot hold an epoch time's nanoseconds).
    static func seconds(_ t: Nanoseconds) -> String {
        let whole = t >= 0 ? t / 1_000_000_000 : (t - 999_999_999) / 1_000_000_000
        let fraction = String(t - whole * 1_000_000_000)
        return "\(whole)." + String(repeating: "0", count: 9 - fraction.count) + fraction
    }

    /// A round number at least `v` that four grid lines divide evenly.
    static func niceCeiling(_ v: Int) -> Int {
        var p = 1
        while true {
            for m in [4, 8, 12, 16, 20, 24, 32, 40, 60, 80] where m * p >= v { return m * p }
            p *= 10
        }
    }

    /// Five or so round offsets (nanoseconds) across `span`.
    static func timeTicks(_ span: Nanoseconds) -> [Nanoseconds] {
        var step: Nanoseconds = 1_000
        outer: while true {
            for m: Nanoseconds in [1, 2, 5] where span / (m * step) <= 6 {
                step = m * step
                break outer
            }
            step *= 10
        }
        return Array(stride(from: Nanoseconds(0), through: span, by: Int(step)))
    }
}
