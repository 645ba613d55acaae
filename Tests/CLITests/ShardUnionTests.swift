import Foundation
import Testing

/// `--shard K/N` (docs/sharding.md): N machines reading the same capture each keep the connections
/// of their shard, and together they give exactly what one machine gives: the same connection
/// records (JSON, conn.log in both forms), the same packet records and lines, the same counts.
/// Only connection numbers differ (shard K numbers K, K+N...), so they are left out of the
/// comparison; uids are the same. SYN flood alerts are each shard's own (a server's attempts
/// are spread over the shards) and are compared nowhere.
struct ShardUnionTests {
    static let shardCounts = [2, 3, 4]

    /// A run's output as comparable lines, sorted: connection numbers (`"flow":N`, `#N`) taken
    /// out, alerts, the stats record and conn.log's `#` lines set apart.
    struct Output {
        var lines: [String] = []
        var tcp = 0
        var connections = 0
        var otherShardTCP = 0
        var status: Int32 = 0
    }

    /// The line without connection numbers: `"flow":N,` (or null) dropped, `#N` as `#`.
    static func withoutNumbers(_ line: Substring) -> String {
        var out = ""
        var rest = line[...]
        while let i = rest.firstIndex(where: { $0 == "#" || $0 == "\"" }) {
            out += rest[..<i]
            rest = rest[i...]
            if rest.hasPrefix("\"flow\":") {
                let value = rest.dropFirst(7)
                let end = value.firstIndex(of: ",") ?? value.endIndex
                if value[..<end].allSatisfy({ $0.isNumber }) || value[..<end] == "null" {
                    rest = value[end...].dropFirst()
                    continue
                }
            }
            out.append(rest.first!)
            rest = rest.dropFirst()
            if out.last == "#" { rest = rest.drop(while: { $0.isNumber }) }
        }
        return out + rest
    }

    static func run(_ file: String, _ arguments: [String], shard: (Int, Int)? = nil) -> Output {
        var args = ["-r", file] + arguments
        if let shard { args += ["--shard", "\(shard.0)/\(shard.1)"] }
        let r = Harness.tcpwave(args)
        var out = Output(status: r.status)
        for line in r.stdout.split(separator: "\n", omittingEmptySubsequences: true) {
            // SYN flood alerts: each shard's own, in JSON and in text.
            if line.hasPrefix("#") || line.hasPrefix("{\"type\":\"alert\"") || line.hasPrefix("ALERT ") { continue }
            if line.hasPrefix("{\"type\":\"stats\"") {
                let o = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] ?? [:]
                out.tcp = o["tcp"] as? Int ?? -1
                out.connections = o["connections"] as? Int ?? -1
                out.otherShardTCP = o["other_shard_tcp"] as? Int ?? 0
                continue
            }
            out.lines.append(withoutNumbers(line))
        }
        out.lines.sort()
        return out
    }

    /// Differences between one machine's output and the shards' union, at most a few, for the message.
    static func compare(_ file: String, _ arguments: [String], counts: [Int] = shardCounts) -> [String] {
        let whole = run(file, arguments)
        guard whole.status == 0 || whole.status == 1 else { return ["\(file) \(arguments): exit \(whole.status)"] }
        var problems: [String] = []
        for n in counts {
            var union = Output()
            for k in 1...n {
                let part = run(file, arguments, shard: (k, n))
                if part.status != whole.status { problems.append("\(file) \(arguments) \(k)/\(n): exit \(part.status), one machine \(whole.status)") }
                union.lines += part.lines
                union.tcp += part.tcp
                union.connections += part.connections
                // Every shard reads every TCP packet: its own, or another shard's.
                if arguments.contains("--json") && part.tcp + part.otherShardTCP != whole.tcp {
                    problems.append("\(file) \(k)/\(n): \(part.tcp) TCP + \(part.otherShardTCP) of other shards, one machine \(whole.tcp)")
                }
            }
            union.lines.sort()
            if union.lines != whole.lines {
                let missing = Set(whole.lines).subtracting(union.lines).prefix(2)
                let extra = Set(union.lines).subtracting(whole.lines).prefix(2)
                problems.append("\(file) \(arguments) N=\(n): \(whole.lines.count) lines on one machine, \(union.lines.count) in the shards;"
                                + " missing \(Array(missing)), extra \(Array(extra))")
            }
            if arguments.contains("--json") && (union.tcp, union.connections) != (whole.tcp, whole.connections) {
                problems.append("\(file) N=\(n): shards counted \(union.tcp) TCP packets and \(union.connections) connections, one machine \(whole.tcp) and \(whole.connections)")
            }
        }
        return problems
    }

    static let modes: [[String]] = [
        ["--json", "--timeline"],          // packet records (one thread), connection records with timelines
        ["--json", "--summary"],           // connection records alone
        ["--conn-log"],                    // conn.log, read on a second thread
        ["--conn-log=json"],
        ["-#"],                            // annotated lines, read on a second thread
        ["-#", "--single-thread", "-v"],
    ]

    @Test("the shards' union equals one machine's output on every fixture, N = 2, 3, 4", arguments: modes)
    func fixtures(_ arguments: [String]) {
        var problems: [String] = []
        // IP fragments' own lines are printed by every shard (docs/sharding.md): line modes leave
        // the fragment fixtures out; their records are compared.
        let lines = !arguments.contains("--json") && !arguments.contains(where: { $0.hasPrefix("--conn-log") })
        for file in Harness.fixtures where !(lines && file.contains("/fragments/")) {
            problems += ShardUnionTests.compare(file, arguments)
        }
        #expect(problems.isEmpty, "\(problems.prefix(5).joined(separator: "\n"))")
    }

    /// Connection and packet records of every corpus capture that has TCP: the real-world ones
    /// (port reuse, idle timeouts, RSTs that do not take effect) are where a shard's different
    /// clock could show, if a connection's fate depended on other connections' packets.
    @Test("the shards' union equals one machine's records on every capture of the shared corpus, N = 2, 3, 4",
          .enabled(if: !TsharkConformance.corpusCaptures.isEmpty, "../shared/corpus is missing; shard union on the corpus skipped"))
    func corpus() {
        var problems: [String] = []
        var compared = 0
        for file in TsharkConformance.corpusCaptures {
            // Captures without TCP have nothing to split.
            let probe = Harness.tcpwave(["-r", file, "--json", "--summary"])
            guard probe.stdout.contains("{\"type\":\"connection\"") else { continue }
            compared += 1
            problems += ShardUnionTests.compare(file, ["--json", "--timeline"])
            problems += ShardUnionTests.compare(file, ["--conn-log"], counts: [3])
        }
        print("shard union: \(compared) corpus captures with TCP compared, \(problems.count) differences")
        #expect(compared > 0)
        #expect(problems.isEmpty, "\(problems.prefix(5).joined(separator: "\n"))")
    }
}
