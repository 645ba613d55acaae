import Flows
import Wire

/// One self-contained HTML page: a table of every connection (sortable by number, start,
/// duration, packets, bytes, verdict, anomalies) linking to each connection's ladder diagram,
/// all inline: no external style sheet, font, script or image. The markup is well-formed XML
/// so the tests can parse it; the few lines of script sort the table.
public enum LadderHTML {
    public static func document(_ flows: [LadderFlow], msl: Nanoseconds, source: String, omitted: Int = 0) -> String {
        var s = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
        s += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
        s += "<title>tcpwave: \(MarkupText.escape(source))</title>\n"
        s += "<style>\n\(pageStyle)\(LadderSVG.styleSheet)</style>\n</head>\n<body>\n"
        let count = flows.count + omitted
        s += "<h1>tcpwave: \(LadderText.grouped(count)) TCP connection\(count == 1 ? "" : "s") in \(MarkupText.escape(source))</h1>\n"
        s += "<p class=\"tw-hint\">Click a column heading to sort; click a connection to see its ladder diagram. Times are UTC.</p>\n"
        s += table(flows)
        if omitted > 0 {
            s += "<p class=\"tw-hint\">\(LadderText.grouped(omitted)) more connection\(omitted == 1 ? " is" : "s are") not listed (at most \(LadderText.grouped(LadderRecorder.defaultFlowLimit)) per page; choose one with --flow N).</p>\n"
        }
        s += "<div class=\"tw-legend-box\">\n\(LadderSVG.legendElement())</div>\n"
        for flow in flows {
            s += "<section id=\"flow-\(flow.number)\" class=\"tw-flow\">\n"
            s += "<h2>Connection #\(flow.number) <a class=\"tw-top\" href=\"#tw-connections\">\u{2191} back to the table</a></h2>\n"
            s += "<div class=\"tw-diagram\">\n\(LadderSVG.element(flow, msl: msl))</div>\n</section>\n"
        }
        s += "<script>\n//<![CDATA[\n\(sortScript)//]]>\n</script>\n</body>\n</html>\n"
        return s
    }

    static func table(_ flows: [LadderFlow]) -> String {
        var s = "<table id=\"tw-connections\">\n<thead>\n<tr>"
        let heads: [(String, String)] = [
            ("#", "num"), ("client", "text"), ("server", "text"), ("start", "num"), ("duration (s)", "num"),
            ("packets", "num"), ("bytes", "num"), ("verdict", "text"), ("anomalies", "num"),
        ]
        for (title, type) in heads {
            s += "<th data-type=\"\(type)\" title=\"sort by \(title)\">\(MarkupText.escape(title))</th>"
        }
        s += "</tr>\n</thead>\n<tbody>\n"
        for flow in flows {
            let duration = flow.lastTime &- flow.firstTime
            let bytes = LadderText.totalBytes(flow)
            let verdict = LadderText.verdict(flow)
            // The tracker's count, as the summaries and JSON records give it.
            let anomalies = flow.ended?.connection.anomalyPackets ?? LadderText.anomalyCount(flow)
            var start = OutputBuffer.memory()
            AlertText.appendUTC(flow.firstTime, &start)
            // `2025-11-28 09:00:00.000123`: UTC to the microsecond, without the T and Z.
            let startText = String(start.takeString().map { $0 == "T" ? " " : $0 }.filter { $0 != "Z" })
            s += "<tr>"
            s += cell("\(flow.number)", "<a href=\"#flow-\(flow.number)\">#\(flow.number)</a>")
            s += cell(LadderText.endpoint(flow.client), MarkupText.escape(LadderText.endpoint(flow.client)))
            s += cell(LadderText.endpoint(flow.server), MarkupText.escape(LadderText.endpoint(flow.server)))
            s += cell("\(flow.firstTime / 1000)", MarkupText.escape(startText))
            s += cell("\(duration)", LadderSVG.seconds(duration))
            s += cell("\(flow.packets)", LadderText.grouped(flow.packets))
            s += cell("\(bytes)", "\(LadderText.grouped(Int(clamping: bytes))) B")
            let bad = verdict.contains("reset") || verdict.contains("refused")
            s += cell(verdict, MarkupText.escape(verdict), cls: bad ? "tw-verdict tw-bad" : "tw-verdict")
            s += cell("\(anomalies)", "\(anomalies)", cls: anomalies > 0 ? "tw-bad" : nil)
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
    table{border-collapse:collapse;background:#fff;font-size:12px}
    th,td{border:1px solid #cfd8dc;padding:3px 6px;text-align:left;white-space:nowrap}
    td[data-v]{font-variant-numeric:tabular-nums}
    th{background:#eceff1;cursor:pointer;user-select:none}
    th[aria-sort=ascending]::after{content:" \\25B2"}
    th[aria-sort=descending]::after{content:" \\25BC"}
    tbody tr:hover{background:#e3f2fd}
    td.tw-verdict{white-space:normal;min-width:14em}
    .tw-bad{color:#c62828}
    .tw-top{font-size:12px;font-family:system-ui,sans-serif;font-weight:normal;margin-left:12px}
    .tw-diagram svg,.tw-legend-box svg{background:#fff;border:1px solid #cfd8dc;max-width:none}
    .tw-legend-box{margin-top:16px}

    """

    /// Sorts the table by the clicked column (numbers by value, text alphabetically), again
    /// reverses it, and keeps ties in connection order. No `<` or `&` in it, so it is XML too.
    static let sortScript = """
    (function () {
      var table = document.getElementById('tw-connections');
      var body = table.tBodies[0];
      var heads = table.tHead.rows[0].cells;
      function value(row, column) { return row.cells[column].getAttribute('data-v'); }
      function sortBy(column) {
        var head = heads[column];
        var direction = head.getAttribute('aria-sort') === 'ascending' ? -1 : 1;
        for (var j = 0; j !== heads.length; j++) { heads[j].removeAttribute('aria-sort'); }
        head.setAttribute('aria-sort', direction === 1 ? 'ascending' : 'descending');
        var numeric = head.getAttribute('data-type') === 'num';
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var d = numeric ? Number(value(a, column)) - Number(value(b, column))
                          : value(a, column).localeCompare(value(b, column));
          return d * direction || Number(value(a, 0)) - Number(value(b, 0));
        });
        rows.forEach(function (row) { body.appendChild(row); });
      }
      for (var i = 0; i !== heads.length; i++) { heads[i].addEventListener('click', sortBy.bind(null, i)); }
    })();

    """
}
