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

    static func check(_ fixture: String, interval: String) throws -> Int {
        // No idle expiry: the packet records alone cannot say when a silent connection is forgotten.
        let result = Harness.tcpwave(["-r", fixture, "--json", "--state-interval", interval, "--idle-timeout", "31536000"])
        #expect(result.status == 0, "\(fixture): \(result.stderr)")
        var derived = Derived()
        var records = 0
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
            records += 1
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

    @Test("every fixture: the states records equal the counts derived from the packet records")
    func everyFixture() throws {
        var total = 0
        for fixture in Harness.fixtures {
            let records = try StatesRecordTests.check(fixture, interval: "0.05")
            #expect(records >= 1, "\(fixture): no states record")
            total += records
        }
        #expect(total > Harness.fixtures.count)
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
