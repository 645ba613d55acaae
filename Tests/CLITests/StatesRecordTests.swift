import Foundation
import Testing

/// `states` records (`--state-interval`) say what the per-packet records say: at each record,
/// the latest states of every connection seen before it, less the connections the tracker has
/// forgotten (replaced on their 4-tuple, or closed and past 2×MSL).
struct StatesRecordTests {
    static let states = ["LISTEN", "SYN_SENT", "SYN_RECEIVED", "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2",
                         "CLOSE_WAIT", "CLOSING", "LAST_ACK", "TIME_WAIT"]

    struct Flow {
        var client = "CLOSED"
        var server = "CLOSED"
        var serverEndpoint = ""
        var closedAt: Double? = nil
        var gone = false
    }

    /// Counts from the packet records: (connections, client counts, server counts) overall and per server.
    struct Derived {
        var flows: [Int: Flow] = [:]
        var latestOnKey: [String: Int] = [:]
        /// The tunnel of each flow inside one (from the connection records): the same 4-tuple
        /// in two tunnels is two connections.
        var tunnels: [Int: String] = [:]
        let twoMSL = 120.0

        mutating func packet(_ p: [String: Any]) {
            guard let flow = p["flow"] as? Int, let src = p["src"] as? String, let dst = p["dst"] as? String,
                  let sender = p["sender"] as? String, let client = p["client_state"] as? String,
                  let server = p["server_state"] as? String, let ts = p["ts"] as? Double else { return }
            let key = (tunnels[flow] ?? "") + "|" + [src, dst].sorted().joined(separator: "|")
            if let previous = latestOnKey[key], previous != flow, flows[flow] == nil { flows[previous]?.gone = true }
            latestOnKey[key] = flow
            var f = flows[flow] ?? Flow()
            if f.serverEndpoint.isEmpty { f.serverEndpoint = sender == "client" ? dst : src }
            let terminal = { (s: String) in s == "CLOSED" || s == "TIME_WAIT" }
            if f.closedAt == nil && terminal(client) && terminal(server) && (client != f.client || server != f.server) {
                f.closedAt = ts
            }
            f.client = client
            f.server = server
            flows[flow] = f
        }

        func counts(at t: Double, server: String? = nil) -> (Int, [String: Int], [String: Int]) {
            var connections = 0
            var c: [String: Int] = [:], s: [String: Int] = [:]
            for f in flows.values where !f.gone {
                if let closedAt = f.closedAt, closedAt + twoMSL < t - 1e-7 { continue }
                if let server, f.serverEndpoint != server { continue }
                if f.client != "CLOSED" || f.server != "CLOSED" { connections += 1 }
                c[f.client, default: 0] += 1
                s[f.server, default: 0] += 1
            }
            return (connections, c, s)
        }
    }

    /// Checks every `states` record of `fixture` against the counts derived from its packet
    /// records; returns the records.
    @discardableResult
    static func check(_ fixture: String, interval: String, extra: [String] = []) throws -> [[String: Any]] {
        // No idle expiry: the packet records alone cannot say when a silent connection is forgotten.
        let result = Harness.tcpwave(["-r", fixture, "--json", "--state-interval", interval] + StatesRecordTests.noIdleExpiry + extra)
        #expect(result.status == 0, "\(fixture): \(result.stderr)")
        var derived = Derived()
        var records: [[String: Any]] = []
        let objects = try result.stdout.split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:]
        }
        for o in objects where o["type"] as? String == "connection" {
            if let flow = o["flow"] as? Int, let tunnel = o["tunnel"] as? String { derived.tunnels[flow] = tunnel }
        }
        for o in objects {
            guard let type = o["type"] as? String else { continue }
            if type == "packet" { derived.packet(o); continue }
            guard type == "states" else { continue }
            records.append(o)
            let ts = try #require(o["ts"] as? Double)
            let (connections, clients, servers) = derived.counts(at: ts)
            #expect(o["connections"] as? Int == connections, "\(fixture) at \(ts): connections")
            let cs = try #require(o["client_states"] as? [String: Int])
            let ss = try #require(o["server_states"] as? [String: Int])
            for state in states {
                #expect(cs[state] == clients[state, default: 0], "\(fixture) at \(ts): client \(state)")
                #expect(ss[state] == servers[state, default: 0], "\(fixture) at \(ts): server \(state)")
            }
            // The same server address and port in several tunnels: their entries add up.
            var listed: [String: (Int, [String: Int], [String: Int])] = [:]
            for server in try #require(o["servers"] as? [[String: Any]]) {
                let endpoint = try #require(server["server"] as? String)
                var entry = listed[endpoint] ?? (0, [:], [:])
                entry.0 += server["connections"] as? Int ?? 0
                for (k, v) in server["client_states"] as? [String: Int] ?? [:] { entry.1[k, default: 0] += v }
                for (k, v) in server["server_states"] as? [String: Int] ?? [:] { entry.2[k, default: 0] += v }
                listed[endpoint] = entry
            }
            let complete = (o["servers"] as? [[String: Any]])?.count ?? 0 < 10
            for (endpoint, entry) in listed where complete || Set(listed.keys).count == listed.count {
                let (n, c, s) = derived.counts(at: ts, server: endpoint)
                #expect(entry.0 == n, "\(fixture) at \(ts): \(endpoint) connections")
                for state in states {
                    #expect(entry.1[state, default: 0] == c[state, default: 0], "\(fixture) at \(ts): \(endpoint) client \(state)")
                    #expect(entry.2[state, default: 0] == s[state, default: 0], "\(fixture) at \(ts): \(endpoint) server \(state)")
                }
            }
        }
        return records
    }

    @Test("every fixture: the states records equal the counts derived from the packet records, and the HTML chart's samples equal the records")
    func everyFixture() throws {
        var total = 0
        var compared = 0
        let html = Harness.temporaryFile("states-chart.html", [])
        for fixture in Harness.fixtures {
            let records = try StatesRecordTests.check(fixture, interval: "0.064", extra: ["--diagram", html])
            #expect(records.count >= 1, "\(fixture): no states record")
            total += records.count
            let chart = try StatesRecordTests.chart(html)
            #expect(chart.final, "\(fixture): the chart has no final sample")
            let n = try StatesRecordTests.compare(chart, records, fixture)
            // At least the final sample; every sample once the chart's interval is 64 ms or more.
            #expect(n >= 1, "\(fixture): no chart sample at a record's time")
            compared += n
        }
        #expect(total > Harness.fixtures.count)
        #expect(compared > Harness.fixtures.count)
    }

    static let noIdleExpiry = ["--idle-timeout", "31536000"]

    /// The HTML report's chart numbers (its `tw-states` element).
    struct Chart: Equatable {
        var interval: String
        var final: Bool
        /// Time in milliseconds (every boundary is a multiple of 1 ms) or the last sample's
        /// nanoseconds; connections; client and server counts by state.
        var samples: [[String]]
    }

    static func chart(_ path: String) throws -> Chart {
        let html = try String(contentsOfFile: path, encoding: .utf8)
        let open = "<script type=\"application/json\" id=\"tw-states\">"
        let start = try #require(html.range(of: open)?.upperBound)
        let end = try #require(html.range(of: "</script>", range: start..<html.endIndex)?.lowerBound)
        let o = try #require(try JSONSerialization.jsonObject(with: Data(html[start..<end].utf8)) as? [String: Any])
        #expect(o["states"] as? [String] == states)
        let samples = try #require(o["samples"] as? [[Any]])
        // Times are compared as their text (nine decimals): a Double cannot hold them.
        let text = String(html[start..<end])
        let list = try #require(text.range(of: "\"samples\":[")?.upperBound)
        let times = text[list...].split(separator: "[").compactMap { part -> String? in
            let field = part.prefix { $0 != "," }
            return field.contains(".") ? String(field) : nil
        }
        #expect(times.count == samples.count)
        var rows: [[String]] = []
        for (t, sample) in zip(times, samples) {
            let client = try #require(sample[2] as? [Int]), server = try #require(sample[3] as? [Int])
            rows.append([t, "\(try #require(sample[1] as? Int))"] + client.map(String.init) + server.map(String.init))
        }
        return Chart(interval: "\(try #require(o["interval"] as? Double))", final: o["final"] as? Bool == true, samples: rows)
    }

    /// The chart's samples against the states records at the same instants. The records'
    /// interval is a power of two milliseconds, as the chart's is, so the coarser of the two
    /// grids lies on the finer one.
    static func compare(_ chart: Chart, _ records: [[String: Any]], _ fixture: String) throws -> Int {
        var byTime: [String: [String: Any]] = [:]
        for r in records {
            let ts = try #require(r["ts"] as? Double)
            byTime[r["final"] as? Bool == true ? "final" : "\(Int((ts * 1000).rounded()))"] = r
        }
        var compared = 0
        for (i, sample) in chart.samples.enumerated() {
            let last = i == chart.samples.count - 1
            let t = sample[0]
            if !last { #expect(t.hasSuffix("000000"), "\(fixture): sample at \(t) off the millisecond grid") }
            let key = last ? "final" : "\(try #require(Int64(t.replacingOccurrences(of: ".", with: ""))) / 1_000_000)"
            // Boundaries off the records' grid, or after a long quiet stretch (StateSampler.maxCatchUp), have none.
            guard let r = byTime[key] else { continue }
            let cs = try #require(r["client_states"] as? [String: Int])
            let ss = try #require(r["server_states"] as? [String: Int])
            #expect(sample[1] == "\(r["connections"] as? Int ?? -1)", "\(fixture) at \(t): connections")
            for (j, state) in StatesRecordTests.states.enumerated() {
                #expect(sample[2 + j] == "\(cs[state, default: 0])", "\(fixture) at \(t): client \(state)")
                #expect(sample[2 + StatesRecordTests.states.count + j] == "\(ss[state, default: 0])", "\(fixture) at \(t): server \(state)")
            }
            compared += 1
        }
        return compared
    }

    @Test("records fall on multiples of the interval, the last one is final, and --state-interval needs --json")
    func shape() throws {
        let result = Harness.tcpwave(["-r", "Fixtures/pcap/crafted/busy-server.pcap", "--json", "--state-interval", "2"])
        let records = result.stdout.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }.filter { $0["type"] as? String == "states" }
        #expect(records.count >= 2)
        for r in records.dropLast() {
            let ts = try #require(r["ts"] as? Double)
            #expect(abs(ts / 2 - (ts / 2).rounded()) < 1e-6)
            #expect(r["final"] as? Bool == false)
        }
        #expect(records.last?["final"] as? Bool == true)
        #expect(Harness.tcpwave(["-r", "Fixtures/pcap/crafted/busy-server.pcap", "--state-interval", "1"]).status != 0)
        #expect(Harness.tcpwave(["-r", "Fixtures/pcap/crafted/busy-server.pcap", "--json", "--state-interval", "0"]).status != 0)
    }
}
