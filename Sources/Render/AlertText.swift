import Flows
import Wire

/// SYN flood alert records as text lines (docs/troubles.md):
///
///     ALERT syn-flood start 10.9.0.1:80 at 2025-11-28T09:00:06.000000Z: 300 half-open of 300 attempts in the 5.000000 s window from 2025-11-28T09:00:00.000000Z (threshold 100); 300 distinct sources; 0% answered with SYN-ACK; top sources 10.200.0.7 x1, ...
///     ALERT syn-flood ongoing 10.9.0.1:80 at ...: ... ; since 2025-11-28T09:00:00.000000Z, peak 310 half-open
///     ALERT syn-flood end 10.9.0.1:80 at ...: subsided, 2 half-open of 40 attempts in the 5.000000 s window from ... (threshold 100); lasted 10.000000 s, peak 310 half-open
///     ALERT syn-flood end 10.9.0.1:80 at ...: input ended during the flood; lasted 10.000000 s, peak 310 half-open
public enum AlertText {
    public static func write(_ a: SynFloodAlert, into out: inout OutputBuffer) {
        out.append("ALERT syn-flood ")
        out.append(string: a.kind.rawValue)
        out.append(UInt8(ascii: " "))
        ConnectionText.appendEndpoint(a.target, &out)
        out.append(" at ")
        appendUTC(a.time, &out)
        out.append(": ")
        if a.kind == .end {
            if a.endOfInput {
                out.append("input ended during the flood")
            } else {
                out.append("subsided, ")
                writeWindow(a, &out)
            }
            out.append("; lasted ")
            ConnectionText.appendSeconds(Swift.max(0, (a.endOfInput ? a.time : a.windowStart) &- a.since), &out)
            out.append(" s, peak ")
            out.append(decimal: a.peakHalfOpen)
            out.append(" half-open\n")
            return
        }
        writeWindow(a, &out)
        out.append("; ")
        out.append(decimal: a.distinctSources)
        out.append(a.distinctSources == 1 ? " distinct source; " : " distinct sources; ")
        out.append(decimal: Int((a.answeredShare * 100).rounded()))
        out.append("% answered with SYN-ACK")
        if a.topSources.isEmpty {
            out.append("; top sources: none repeated")
        } else {
            out.append("; top sources ")
            for (i, s) in a.topSources.enumerated() {
                if i > 0 { out.append(", ") }
                out.append(address: s.address)
                out.append(s.exact ? " x" : " x>=")
                out.append(decimal: s.attempts)
            }
        }
        if a.kind == .ongoing {
            out.append("; since ")
            appendUTC(a.since, &out)
            out.append(", peak ")
            out.append(decimal: a.peakHalfOpen)
            out.append(" half-open")
        }
        out.append(UInt8(ascii: "\n"))
    }

    private static func writeWindow(_ a: SynFloodAlert, _ out: inout OutputBuffer) {
        out.append(decimal: a.halfOpen)
        out.append(" half-open of ")
        out.append(decimal: a.attempts)
        out.append(a.attempts == 1 ? " attempt in the " : " attempts in the ")
        ConnectionText.appendSeconds(a.window, &out)
        out.append(" s window from ")
        appendUTC(a.windowStart, &out)
        out.append(" (threshold ")
        out.append(decimal: a.threshold)
        out.append(UInt8(ascii: ")"))
    }

    /// `YYYY-MM-DDTHH:MM:SS.ffffffZ`, UTC, computed without the C library (civil-from-days).
    public static func appendUTC(_ ns: Nanoseconds, _ out: inout OutputBuffer) {
        let second: Int64 = 1_000_000_000
        var seconds = ns / second
        var fraction = ns % second
        if fraction < 0 { fraction += second; seconds -= 1 }
        var days = seconds / 86_400
        var rest = seconds % 86_400
        if rest < 0 { rest += 86_400; days -= 1 }
        // Howard Hinnant's days_from_civil inverse, valid for the whole Int64 range used here.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        out.append(decimal: Int(year), zeroPadded: 4)
        out.append(UInt8(ascii: "-"))
        out.append(decimal: Int(month), zeroPadded: 2)
        out.append(UInt8(ascii: "-"))
        out.append(decimal: Int(day), zeroPadded: 2)
        out.append(UInt8(ascii: "T"))
        out.append(decimal: Int(rest / 3600), zeroPadded: 2)
        out.append(UInt8(ascii: ":"))
        out.append(decimal: Int(rest % 3600 / 60), zeroPadded: 2)
        out.append(UInt8(ascii: ":"))
        out.append(decimal: Int(rest % 60), zeroPadded: 2)
        out.append(UInt8(ascii: "."))
        out.append(decimal: Int(fraction / 1000), zeroPadded: 6)
        out.append(UInt8(ascii: "Z"))
    }
}
