import Flows
import Wire

/// The ladder as the HTML page shows it: one drawing cut into strips of SVG stacked without
/// gaps, so that a run of arrows with the same anomaly can stand as one band ("24 out of
/// order packets, +0.002719 … +0.002745") and open in place when clicked, the rows below
/// moving down with the page's flow. Each strip is a window (viewBox) onto the same
/// coordinates, so the pieces line up exactly; the page's style sheet lets them take the
/// page's width.
extension LadderSVG {
    public static func htmlElement(_ flow: LadderFlow, msl: Nanoseconds) -> String {
        let l = layout(flow, msl: msl, collapseRuns: true)
        var s = "<div class=\"tw-ladder\">\n"
        for (i, piece) in l.pieces.enumerated() {
            let last = i == l.pieces.count - 1
            var content = i == 0 ? l.header : ""
            let from = Swift.max(l.axisTop, piece.y0), to = Swift.min(piece.y1, l.axisEnd)
            if to > from { content += axes(from: from, to: to) }
            content += piece.body
            if last { content += l.tail }
            let strip = stripElement(y0: piece.y0, y1: last ? l.height : piece.y1, content: content)
            if let run = piece.run {
                s += "<div class=\"tw-run\">\n"
                s += runBand(run.text, title: run.title, from: run.from, to: run.to)
                s += "<div class=\"tw-run-rows\" hidden=\"hidden\">\n\(strip)</div>\n</div>\n"
            } else {
                s += strip
            }
        }
        return s + "</div>\n"
    }

    static func stripElement(y0: Int, y1: Int, content: String) -> String {
        let h = Swift.max(1, y1 - y0)
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(h)\" viewBox=\"0 \(y0) \(width) \(h)\" font-family=\"\(fontFamily)\">\n\(content)</svg>\n"
    }

    /// The collapsed run: a band between the timelines, its count and time span; a click
    /// (the page's script) shows the rows it stands for.
    static func runBand(_ words: String, title: String, from: String, to: String) -> String {
        let h = 40
        let mid = (clientX + serverX) / 2
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"tw-run-band\" width=\"\(width)\" height=\"\(h)\" viewBox=\"0 0 \(width) \(h)\" font-family=\"\(fontFamily)\">\n"
        s += "<title>\(MarkupText.escape(title))</title>\n"
        s += axes(from: 0, to: h)
        s += "<rect class=\"tw-band tw-band-anomaly\" x=\"\(clientX + 14)\" y=\"5\" width=\"\(serverX - clientX - 28)\" height=\"30\" rx=\"6\"/>\n"
        s += text(mid, 25, "\u{25B8} " + words, cls: "tw-band-text tw-f-anomaly", anchor: "middle")
        s += text(10, 18, from, cls: "tw-time")
        s += text(10, 32, to, cls: "tw-time")
        s += "</svg>\n"
        return s
    }
}
