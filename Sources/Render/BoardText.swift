import Flows
import Wire

/// What the `--top` board shows at one moment: the census snapshot (the numbers of the
/// `states` records), the last minute of totals, per-second rates and the alerts in force.
public struct BoardModel: Sendable {
    public enum SortKey: String, CaseIterable, Sendable {
        case connections, newPerSecond = "new/s", halfOpen = "half-open", closeWait = "close-wait", resets, retransmissions = "retrans"
    }

    public var title: String
    public var snapshot: StateSnapshot
    /// Totals per state (client + server) at each of the last samples, oldest first.
    public var history: [[Int]]
    /// New connections per second per server endpoint over the last sample interval.
    public var newPerSecond: [Endpoint: Double]
    public var alerts: [String]
    public var sort: SortKey
    public var footer: String

    public init(title: String, snapshot: StateSnapshot, history: [[Int]], newPerSecond: [Endpoint: Double],
                alerts: [String], sort: SortKey, footer: String) {
        self.title = title
        self.snapshot = snapshot
        self.history = history
        self.newPerSecond = newPerSecond
        self.alerts = alerts
        self.sort = sort
        self.footer = footer
    }
}

/// The `--top` board as lines of text at most `width` columns wide and `height` lines high
/// (the server list gives up rows first). The terminal view (TopRun) draws these lines; when
/// standard output is not a terminal the same lines are printed.
public enum BoardText {
    /// The states shown, in RFC 9293 order (CLOSED is no connection).
    public static let states: [TCPState] = TCPState.allCases.filter { $0 != .closed }

    static let sparks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// A sparkline of `values`, scaled to their maximum; blank for zero.
    public static func sparkline(_ values: [Int], width: Int) -> String {
        let shown = values.suffix(width)
        let top = shown.max() ?? 0
        var s = String(repeating: " ", count: Swift.max(0, width - shown.count))
        for v in shown {
            if v <= 0 || top <= 0 { s.append(" "); continue }
            let i = Swift.min(sparks.count - 1, (v * sparks.count - 1) / top)
            s.append(sparks[i])
        }
        return s
    }

    static func pad(_ s: String, _ width: Int, right: Bool = false) -> String {
        let n = s.count
        if n >= width { return String(s.prefix(width)) }
        let fill = String(repeating: " ", count: width - n)
        return right ? fill + s : s + fill
    }

    static func milliseconds(_ ns: Nanoseconds?) -> String {
        guard let ns else { return "-" }
        let ms = Double(ns) / 1e6
        if ms >= 100 { return "\(Int(ms.rounded())) ms" }
        if ms >= 10 { return fixed(ms, 1) + " ms" }
        return fixed(ms, 2) + " ms"
    }

    static func fixed(_ v: Double, _ digits: Int) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let n = Int((v * scale).rounded())
        let whole = n / Int(scale), frac = n % Int(scale)
        guard digits > 0 else { return "\(whole)" }
        var f = "\(frac)"
        while f.count < digits { f = "0" + f }
        return "\(whole).\(f)"
    }

    public static func sortedServers(_ m: BoardModel) -> [ServerStateSnapshot] {
        func key(_ s: ServerStateSnapshot) -> Double {
            switch m.sort {
            case .connections: return Double(s.connections)
            case .newPerSecond: return m.newPerSecond[s.server] ?? 0
            case .halfOpen: return Double(s.halfOpen)
            case .closeWait: return Double(s.states[.server, .closeWait])
            case .resets: return Double(s.resets)
            case .retransmissions: return s.packets == 0 ? 0 : Double(s.retransmissions) / Double(s.packets)
            }
        }
        return m.snapshot.servers.sorted { a, b in
            let x = key(a), y = key(b)
            return x != y ? x > y : (a.connections != b.connections ? a.connections > b.connections : a.server < b.server)
        }
    }

    public static func lines(_ m: BoardModel, width: Int, height: Int) -> [String] {
        let width = Swift.max(60, width)
        var out: [String] = []
        out.append(pad(m.title, width))
        let s = m.snapshot
        out.append(pad("connections \(s.connections)   server endpoints \(s.serversFollowed)"
            + (s.untrackedServerConnections > 0 ? "   (\(s.untrackedServerConnections) on endpoints not followed)" : ""), width))
        out.append("")
        let spark = Swift.max(10, Swift.min(60, width - 34))
        out.append(pad(pad("STATE", 14) + pad("CLIENT", 9, right: true) + pad("SERVER", 9, right: true) + "  LAST MINUTE", width))
        for state in states {
            let i = Int(state.rawValue)
            let series = m.history.map { $0.count > i ? $0[i] : 0 }
            out.append(pad(pad(state.description, 14) + pad("\(s.states[.client, state])", 9, right: true)
                + pad("\(s.states[.server, state])", 9, right: true) + "  " + sparkline(series, width: spark), width))
        }
        out.append("")
        var alertLines = ["ALERTS IN FORCE" + (m.alerts.isEmpty ? ": none" : "")]
        alertLines += m.alerts.map { "  " + $0 }
        let header = pad("SERVER", 24) + pad("CONN", 7, right: true) + pad("NEW/S", 8, right: true)
            + pad("HALF-OPEN", 10, right: true) + pad("CLOSE_WAIT", 11, right: true) + pad("RESETS", 8, right: true)
            + pad("RETRANS", 9, right: true) + pad("RTT P50", 10, right: true) + pad("RTT P99", 10, right: true)
        out.append(pad(header + "   sort: \(m.sort.rawValue)", width))
        // Rows left for servers once the alerts and the footer have theirs.
        let room = Swift.max(1, height - out.count - alertLines.count - 3)
        for e in sortedServers(m).prefix(room) {
            let rate = e.packets == 0 ? 0 : 100 * Double(e.retransmissions) / Double(e.packets)
            var buffer = OutputBuffer.memory()
            ConnectionText.appendEndpoint(e.server, &buffer)
            let endpoint = buffer.takeString()
            out.append(pad(pad(endpoint, 24) + pad("\(e.connections)", 7, right: true)
                + pad(fixed(m.newPerSecond[e.server] ?? 0, 1), 8, right: true)
                + pad("\(e.halfOpen)", 10, right: true) + pad("\(e.states[.server, .closeWait])", 11, right: true)
                + pad("\(e.resets)", 8, right: true) + pad(fixed(rate, 1) + "%", 9, right: true)
                + pad(milliseconds(e.rttMedian), 10, right: true) + pad(milliseconds(e.rttP99), 10, right: true), width))
        }
        if s.servers.isEmpty { out.append("  (no server endpoint with a connection)") }
        out.append("")
        out += alertLines.map { pad($0, width) }
        out.append("")
        out.append(pad(m.footer, width))
        return out
    }
}
