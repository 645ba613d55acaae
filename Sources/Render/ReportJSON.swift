import Flows
import Wire

/// The HTML report's connection rows as one compact JSON object, column by column, each column
/// one string of URL-safe base-64 digits (`digits`) that the page's script decodes at load:
/// - numbers (server indexes, starts, durations, packets, bytes, verdict indexes, anomalies) as
///   variable-length base-32 numerals, most significant digit first, a digit of 32 or more
///   saying another follows (0–31 take one character, up to 1,023 two, up to a million four);
///   starts in microseconds after the previous row's and durations zigzag-coded (a capture's
///   clock can step back);
/// - endpoints (clients, and the list of distinct servers) as nine characters each: an IPv4
///   address in six and its port in three; an IPv6 endpoint as `~` and the index of
///   its text in a list beside (`cx`, `svx`), in eight.
/// About 30 bytes a connection with random addresses on both sides (it was 75 as decimal JSON
/// arrays and quoted endpoints). Only digits, `-`, `_` and `~` inside the strings: nothing to
/// escape in a `<script>` element of a page that is also well-formed XML.
enum ReportJSON {
    /// The digits of value 0...63.
    static let digits = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// `value` as base-32 numeral digits, most significant first, all but the last plus 32.
    static func appendNumber(_ value: UInt64, _ out: inout [UInt8]) {
        var shift = 0
        while shift + 5 < 64 && value >> UInt64(shift + 5) != 0 { shift += 5 }
        while shift > 0 {
            out.append(digits[Int((value >> UInt64(shift)) & 31) + 32])
            shift -= 5
        }
        out.append(digits[Int(value & 31)])
    }

    static func appendSigned(_ value: Int64, _ out: inout [UInt8]) {
        appendNumber(UInt64(bitPattern: (value << 1) ^ (value >> 63)), &out)
    }

    /// Nine characters: six for an IPv4 address, three for the port; else `~` and the index of
    /// its text in `extras`.
    static func appendEndpoint(_ e: Endpoint, _ out: inout [UInt8], extras: inout [String]) {
        // The page shows no tunnel (ConnectionText.appendEndpoint): a tunnelled IPv4 endpoint packs too.
        if !e.address.isIPv6 {
            let a = UInt64(e.address.ipv4)
            for shift in stride(from: 30, through: 0, by: -6) { out.append(digits[Int((a >> UInt64(shift)) & 63)]) }
            let p = UInt64(e.port)
            for shift in stride(from: 12, through: 0, by: -6) { out.append(digits[Int((p >> UInt64(shift)) & 63)]) }
            return
        }
        out.append(UInt8(ascii: "~"))
        let index = UInt64(extras.count)
        extras.append(LadderText.endpoint(e))
        for shift in stride(from: 42, through: 0, by: -6) { out.append(digits[Int((index >> UInt64(shift)) & 63)]) }
    }

    static func rows(_ rows: [ConnectionRow], drawn: Set<Int>, source: String, ladderLimit: Int, recorded: Int) -> String {
        let base = rows.map(\.firstTime).min() ?? 0
        var servers: [Endpoint: Int] = [:]
        var serverColumn: [UInt8] = [], serverExtras: [String] = []
        var verdicts: [String: Int] = [:], verdictList: [String] = []
        var numbers: [UInt8] = [], clients: [UInt8] = [], clientExtras: [String] = [], serverIndexes: [UInt8] = []
        var starts: [UInt8] = [], durations: [UInt8] = [], packets: [UInt8] = [], bytes: [UInt8] = []
        var verdictIndexes: [UInt8] = [], anomalies: [UInt8] = []
        var contiguous = true
        var previousStart = base
        for (i, row) in rows.enumerated() {
            if row.number != i + 1 { contiguous = false }
            appendNumber(UInt64(row.number), &numbers)
            appendEndpoint(row.client, &clients, extras: &clientExtras)
            let si: Int
            if let known = servers[row.server] { si = known } else {
                si = servers.count
                servers[row.server] = si
                appendEndpoint(row.server, &serverColumn, extras: &serverExtras)
            }
            appendNumber(UInt64(si), &serverIndexes)
            // Rows are in connection order, which is the order of first packets: small deltas.
            appendSigned(row.firstTime / 1000 &- previousStart / 1000, &starts)
            previousStart = row.firstTime
            appendSigned((row.lastTime &- row.firstTime) / 1000, &durations)
            appendNumber(UInt64(Swift.max(0, row.packets)), &packets)
            appendNumber(row.bytes, &bytes)
            let verdict = row.verdict
            let vi: Int
            if let known = verdicts[verdict] { vi = known } else {
                vi = verdictList.count
                verdicts[verdict] = vi
                verdictList.append(verdict)
            }
            appendNumber(UInt64(vi), &verdictIndexes)
            appendNumber(UInt64(Swift.max(0, row.anomalies)), &anomalies)
        }
        func text(_ bytes: [UInt8]) -> String { "\"" + String(decoding: bytes, as: UTF8.self) + "\"" }
        func list(_ strings: [String]) -> String { "[" + strings.map(quoted).joined(separator: ",") + "]" }
        var s = "{\"source\":\(quoted(source)),\"ladderLimit\":\(ladderLimit),\"recorded\":\(recorded),\"count\":\(rows.count),\"base\":\(base / 1000)"
        if !contiguous { s += ",\"n\":\(text(numbers))" }
        s += ",\"c\":\(text(clients)),\"cx\":\(list(clientExtras)),\"sv\":\(text(serverColumn)),\"svx\":\(list(serverExtras))"
        s += ",\"s\":\(text(serverIndexes)),\"t\":\(text(starts)),\"d\":\(text(durations)),\"p\":\(text(packets)),\"b\":\(text(bytes))"
        s += ",\"vv\":\(list(verdictList)),\"v\":\(text(verdictIndexes)),\"a\":\(text(anomalies))"
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
