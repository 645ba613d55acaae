import Flows
import Wire

/// The HTML report (`--diagram FILE.html`): one self-contained page (no external style sheet,
/// font, script or image) with
/// - the state chart: endpoints per TCP state over the capture, alerts marked;
/// - every connection in a table that pages, sorts, filters and searches over all of them
///   (the rows are embedded as compact JSON, about 30–40 bytes a connection, and only one page of
///   them is in the document at a time, so 200,000 connections open in a second or two);
/// - the ladder and time-sequence graph of a bounded set of connections (`ladderLimit`, the
///   ones with anomalies or resets first), kept in `<template>`s that the browser parses but
///   does not lay out until the connection is opened.
/// The markup is well-formed XML so the tests can parse it.
public enum LadderHTML {
    /// Connections whose drawings the page carries, at most.
    public static let ladderLimit = 200
    /// Rows written into the table before the script runs (and all a browser without scripts shows).
    static let staticRows = 100

    public static func document(_ recorder: LadderRecorder, msl: Nanoseconds, source: String) -> String {
        var rows = recorder.rows.sorted { $0.number < $1.number }
        // Connections that never reached `ended` (cannot happen once the input ended; kept safe).
        if rows.isEmpty && !recorder.isEmpty {
            rows = recorder.flows.compactMap { $0.ended.map(ConnectionRow.init) }
        }
        let drawn = chooseLadders(recorder.flows)
        let drawnNumbers = Set(drawn.map(\.number))
        var s = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
        s += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
        s += "<title>tcpwave: \(MarkupText.escape(source))</title>\n"
        s += "<style>\n\(pageStyle)\(LadderSVG.styleSheet)\n\(SequenceGraphSVG.styleSheet)</style>\n</head>\n<body>\n"
        let count = rows.count
        s += "<h1>tcpwave: \(LadderText.grouped(count)) TCP connection\(count == 1 ? "" : "s") in \(MarkupText.escape(source))</h1>\n"
        s += "<p class=\"tw-hint\">\(MarkupText.escape(overview(recorder, rows: rows)))</p>\n"
        if recorder.selected == nil {
            s += "<h2 id=\"tw-states\">Connections by state over time</h2>\n<div class=\"tw-chart-box\">\n"
            let series = recorder.stateSeries ?? StateSeries()
            s += StateChartSVG.element(series.samples, interval: series.interval, marks: StateChartSVG.marks(recorder.alerts))
            s += StateChartSVG.dataElement(series)
            s += "</div>\n"
        }
        s += "<h2>Connections</h2>\n"
        s += "<div class=\"tw-controls\">\n"
        s += "<input id=\"tw-search\" type=\"search\" placeholder=\"search: address, :port, #number, verdict words\" size=\"44\"/>\n"
        s += "<label><input id=\"tw-anomalous\" type=\"checkbox\"/> with anomalies</label>\n"
        s += "<label><input id=\"tw-drawn\" type=\"checkbox\"/> with a ladder in this page</label>\n"
        s += "<span class=\"tw-pager\"><button id=\"tw-prev\" type=\"button\">\u{25C0}</button> <span id=\"tw-range\">1\u{2013}\(Swift.min(count, staticRows)) of \(LadderText.grouped(count))</span> <button id=\"tw-next\" type=\"button\">\u{25B6}</button></span>\n"
        s += "</div>\n"
        s += "<p class=\"tw-hint\">Click a column heading to sort all \(LadderText.grouped(count)) connections; click a connection to open its ladder and time-sequence graph. Times are UTC.</p>\n"
        s += table(rows.prefix(staticRows), drawn: drawnNumbers)
        s += "<section id=\"tw-detail\" hidden=\"hidden\">\n<h2 id=\"tw-detail-title\">Connection</h2>\n"
        s += "<div class=\"tw-switch\" role=\"tablist\"><button type=\"button\" data-mode=\"ladder\">ladder</button><button type=\"button\" data-mode=\"seq\">time-sequence</button><button type=\"button\" data-mode=\"both\">side by side</button></div>\n"
        s += "<div id=\"tw-detail-body\" class=\"tw-mode-ladder\"></div>\n"
        s += "<div class=\"tw-legend-box\">\n\(LadderSVG.legendElement())</div>\n</section>\n"
        for flow in drawn {
            s += "<template id=\"flow-\(flow.number)\">\n"
            s += "<div class=\"tw-pane tw-pane-ladder\">\n\(LadderSVG.htmlElement(flow, msl: msl))</div>\n"
            s += "<div class=\"tw-pane tw-pane-seq\">\n\(SequenceGraphSVG.element(flow))</div>\n"
            s += "</template>\n"
        }
        s += "<script type=\"application/json\" id=\"tw-data\">"
        s += ReportJSON.rows(rows, drawn: drawnNumbers, source: source, ladderLimit: ladderLimit,
                             recorded: recorder.flowLimit)
        s += "</script>\n"
        s += "<script>\n//<![CDATA[\n\(LadderHTML.script)//]]>\n</script>\n</body>\n</html>\n"
        return s
    }

    /// The connections drawn in the page: those with anomalies, resets or refusals first (most
    /// anomalies first), then the earliest, `ladderLimit` in all, in connection order.
    static func chooseLadders(_ flows: [LadderFlow]) -> [LadderFlow] {
        guard flows.count > ladderLimit else { return flows }
        func interest(_ f: LadderFlow) -> Int {
            let anomalies = f.ended?.connection.anomalyPackets ?? 0
            let bad = f.ended?.connection.resetBy != nil || f.ended?.connection.refused == true
            return anomalies + (bad ? 1 : 0)
        }
        let ranked = flows.sorted { a, b in
            let x = interest(a), y = interest(b)
            return x != y ? x > y : a.number < b.number
        }
        return ranked.prefix(ladderLimit).sorted { $0.number < $1.number }
    }

    /// `2,000,123 packets, 2025-11-28 09:00:00.000 to 09:00:34.512 UTC (34.5 s); 1 alert`.
    static func overview(_ recorder: LadderRecorder, rows: [ConnectionRow]) -> String {
        var parts: [String] = []
        parts.append("\(LadderText.grouped(recorder.packetCount)) TCP packet\(recorder.packetCount == 1 ? "" : "s")")
        if let first = rows.map(\.firstTime).min(), let last = recorder.lastTime {
            parts.append("from \(utc(first)) to \(utc(last)) UTC (\(LadderSVG.seconds(last &- first)) s)")
        }
        let starts = recorder.alerts.filter { $0.kind == .start }.count
        if starts > 0 { parts.append("\(starts) SYN flood alert\(starts == 1 ? "" : "s")") }
        return parts.joined(separator: ", ")
    }

    /// `2025-11-28 09:00:00.000123`: UTC to the microsecond, without the T and Z.
    static func utc(_ t: Nanoseconds) -> String {
        var out = OutputBuffer.memory()
        AlertText.appendUTC(t, &out)
        return String(out.takeString().map { $0 == "T" ? " " : $0 }.filter { $0 != "Z" })
    }

    static let columns: [(String, String)] = [
        ("#", "num"), ("client", "text"), ("server", "text"), ("start", "num"), ("duration (s)", "num"),
        ("packets", "num"), ("bytes", "num"), ("verdict", "text"), ("anomalies", "num"), ("ladder", "num"),
    ]

    /// The table with its first rows (the script rewrites the body for every page).
    static func table(_ rows: ArraySlice<ConnectionRow>, drawn: Set<Int>) -> String {
        var s = "<table id=\"tw-connections\">\n<thead>\n<tr>"
        for (title, type) in columns {
            s += "<th data-type=\"\(type)\" title=\"sort by \(title)\">\(MarkupText.escape(title))</th>"
        }
        s += "</tr>\n</thead>\n<tbody>\n"
        for row in rows {
            let duration = row.lastTime &- row.firstTime
            let verdict = row.verdict
            s += "<tr>"
            s += cell("\(row.number)", "<a href=\"#flow-\(row.number)\">#\(row.number)</a>")
            s += cell(LadderText.endpoint(row.client), MarkupText.escape(LadderText.endpoint(row.client)))
            s += cell(LadderText.endpoint(row.server), MarkupText.escape(LadderText.endpoint(row.server)))
            s += cell("\(row.firstTime / 1000)", MarkupText.escape(utc(row.firstTime)))
            s += cell("\(duration)", LadderSVG.seconds(duration))
            s += cell("\(row.packets)", LadderText.grouped(row.packets))
            s += cell("\(row.bytes)", "\(LadderText.grouped(Int(clamping: row.bytes))) B")
            let bad = verdict.contains("reset") || verdict.contains("refused")
            s += cell(verdict, MarkupText.escape(verdict), cls: bad ? "tw-verdict tw-bad" : "tw-verdict")
            s += cell("\(row.anomalies)", "\(row.anomalies)", cls: row.anomalies > 0 ? "tw-bad" : nil)
            s += cell(drawn.contains(row.number) ? "1" : "0", drawn.contains(row.number) ? "\u{2713}" : "")
            s += "</tr>\n"
        }
        s += "</tbody>\n</table>\n"
        return s
    }

    static func cell(_ sortValue: String, _ html: String, cls: String? = nil) -> String {
        let c = cls.map { " class=\"\($0)\"" } ?? ""
        return "<td data-v=\"\(MarkupText.escape(sortValue))\"\(c)>\(html)</td>"
    }

    static let pageStyle = """
    body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;margin:24px;color:#263238;background:#fafafa}
    h1{font-size:22px;margin:0 0 8px}
    h2{font-size:16px;margin:28px 0 8px}
    .tw-hint{color:#546e7a;font-size:13px}
    .tw-chart-box svg{background:#fff;border:1px solid #cfd8dc;width:100%;max-width:1200px;height:auto;display:block}
    .tw-controls{display:flex;flex-wrap:wrap;gap:8px 16px;align-items:center;font-size:13px;margin:8px 0}
    .tw-controls input[type=search]{font-size:13px;padding:4px 6px;border:1px solid #b0bec5;border-radius:4px}
    .tw-pager button,.tw-switch button{font-size:13px;padding:2px 10px;border:1px solid #b0bec5;background:#fff;border-radius:4px;cursor:pointer}
    .tw-pager button:disabled{opacity:0.4;cursor:default}
    .tw-switch button[aria-selected=true]{background:#1565c0;color:#fff;border-color:#1565c0}
    #tw-range{font-variant-numeric:tabular-nums}
    table{border-collapse:collapse;background:#fff;font-size:12px}
    th,td{border:1px solid #cfd8dc;padding:3px 6px;text-align:left;white-space:nowrap}
    td[data-v]{font-variant-numeric:tabular-nums}
    th{background:#eceff1;cursor:pointer;user-select:none}
    th[aria-sort=ascending]::after{content:" \\25B2"}
    th[aria-sort=descending]::after{content:" \\25BC"}
    tbody tr{cursor:pointer}
    tbody tr:hover{background:#e3f2fd}
    tbody tr.tw-open{background:#bbdefb}
        .tw-bad{color:#c62828}
    #tw-detail{margin-top:16px}
    .tw-switch{margin:0 0 8px}
    #tw-detail-body{display:flex;gap:16px;align-items:flex-start}
    .tw-pane{flex:1 1 0;min-width:0;background:#fff;border:1px solid #cfd8dc}
    .tw-mode-ladder .tw-pane-seq,.tw-mode-seq .tw-pane-ladder{display:none}
    .tw-pane svg{width:100%;height:auto;display:block}
    .tw-mode-ladder .tw-pane,.tw-mode-seq .tw-pane{max-width:1200px}
    .tw-run-band{cursor:pointer}
    .tw-band.tw-band-anomaly{fill:#ffebee;stroke:#c62828}
    .tw-missing{background:#fff;border:1px solid #cfd8dc;padding:12px;font-size:13px}
    .tw-missing code{background:#eceff1;padding:2px 4px}
    .tw-legend-box svg{background:#fff;border:1px solid #cfd8dc;max-width:100%;height:auto}
    .tw-legend-box{margin-top:16px}

    """
}
