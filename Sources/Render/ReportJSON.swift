import Flows
import Wire

/// The HTML report's connection rows as one compact JSON object, column by column (repeated
/// servers and verdicts as indexes into their lists, each start in microseconds after the
/// previous row's): about 50 bytes a connection. Escaped so that it contains no `<`, `>` or `&` and can
/// sit inside a `<script>` element of a page that is also well-formed XML.
enum ReportJSON {
    static func rows(_ rows: [ConnectionRow], drawn: Set<Int>, source: String, ladderLimit: Int, recorded: Int) -> String {
        let base = rows.map(\.firstTime).min() ?? 0
        var servers: [String: Int] = [:], serverList: [String] = []
        var verdicts: [String: Int] = [:], verdictList: [String] = []
        var numbers = "", clients = "", serverIndexes = "", starts = "", durations = ""
        var packets = "", bytes = "", verdictIndexes = "", anomalies = ""
        var contiguous = true
        var previousStart = base
        for (i, row) in rows.enumerated() {
            let comma = i == 0 ? "" : ","
            if row.number != i + 1 { contiguous = false }
            numbers += comma + String(row.number)
            clients += comma + quoted(LadderText.endpoint(row.client))
            let server = LadderText.endpoint(row.server)
            let si: Int
            if let known = servers[server] { si = known } else {
                si = serverList.count
                servers[server] = si
                serverList.append(server)
            }
            serverIndexes += comma + String(si)
            // Rows are in connection order, which is the order of first packets: small deltas.
            starts += comma + String(row.firstTime / 1000 &- previousStart / 1000)
            previousStart = row.firstTime
            durations += comma + String((row.lastTime &- row.firstTime) / 1000)
            packets += comma + String(row.packets)
            bytes += comma + String(row.bytes)
            let verdict = row.verdict
            let vi: Int
            if let known = verdicts[verdict] { vi = known } else {
                vi = verdictList.count
                verdicts[verdict] = vi
                verdictList.append(verdict)
            }
            verdictIndexes += comma + String(vi)
            anomalies += comma + String(row.anomalies)
        }
        var s = "{\"source\":\(quoted(source)),\"ladderLimit\":\(ladderLimit),\"recorded\":\(recorded),\"count\":\(rows.count),\"base\":\(base / 1000)"
        if !contiguous { s += ",\"n\":[\(numbers)]" }
        s += ",\"c\":[\(clients)],\"sv\":[\(serverList.map(quoted).joined(separator: ","))],\"s\":[\(serverIndexes)]"
        s += ",\"t\":[\(starts)],\"d\":[\(durations)],\"p\":[\(packets)],\"b\":[\(bytes)]"
        s += ",\"vv\":[\(verdictList.map(quoted).joined(separator: ","))],\"v\":[\(verdictIndexes)],\"a\":[\(anomalies)]"
        s += ",\"l\":[\(drawn.sorted().map(String.init).joined(separator: ","))]}"
        return s
    }

    /// A JSON string with `<`, `>`, `&` and every control character escaped.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for ch in text.unicodeScalars {
            switch ch {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "<": out += "\\u003c"
            case ">": out += "\\u003e"
            case "&": out += "\\u0026"
            default:
                if ch.value < 0x20 || ch.value == 0x2028 || ch.value == 0x2029 || ch.value == 0xFFFE || ch.value == 0xFFFF {
                    let hex = String(ch.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(ch)
                }
            }
        }
        return out + "\""
    }
}
