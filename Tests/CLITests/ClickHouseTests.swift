import Foundation
import Testing

/// docs/clickhouse.sql and docs/clickhouse.md against a real ClickHouse engine: chDB (ClickHouse
/// in-process, `pip install chdb`). The records of every fixture are loaded with the shipped schema
/// through the documented `INSERT INTO tcpwave.ingest FORMAT JSONAsString`; the example queries are
/// run as the doc writes them, and every answer is checked against the same counts computed here
/// from tcpwave's own records.
struct ClickHouseTests {
    /// A Python with chdb: $TCPWAVE_PYTHON, the virtual environment Scripts/setup.sh --tests makes,
    /// or python3 on PATH.
    static let python: String? = {
        let env = ProcessInfo.processInfo.environment
        let cache = env["XDG_CACHE_HOME"] ?? ((env["HOME"] ?? "/root") + "/.cache")
        let candidates = [env["TCPWAVE_PYTHON"], cache + "/tcpwave/chdb-venv/bin/python3", Harness.which("python3")]
        for case let path? in candidates where FileManager.default.isExecutableFile(atPath: path) {
            if Harness.run(path, ["-c", "import chdb"]).status == 0 { return path }
        }
        return nil
    }()

    /// Creates the schema, loads each file as one ingest, prints the rows per table and each doc
    /// query's answer as JSON.
    static let loader = #"""
    import json, re, sys, tempfile
    from chdb import session

    schema, doc, files = sys.argv[1], sys.argv[2], sys.argv[3:]
    db = session.Session(tempfile.mkdtemp(prefix="tcpwave-chdb-"))

    def run(sql, fmt="TSV"):
        result = db.query(sql, fmt)
        if result.has_error():
            raise SystemExit("chdb: " + result.error_message() + "\nin: " + sql[:300])
        return result.data()

    text = "\n".join(l for l in open(schema).read().splitlines() if not l.lstrip().startswith("--"))
    for statement in re.split(r";\s*(?:\n|$)", text):
        if statement.strip():
            run(statement)
    for path in files:
        run("INSERT INTO tcpwave.ingest FORMAT JSONAsString\n" + open(path).read())

    out = {"rows": {}, "queries": {}}
    for table in ["connection", "packet", "alert", "states", "stats"]:
        out["rows"][table] = int(run(f"SELECT count() FROM tcpwave.{table}").strip())
    settings = " SETTINGS date_time_output_format='unix_timestamp', output_format_json_quote_64bit_integers=0"
    for name, sql in re.findall(r"<!-- query: (\w+) -->\s*```sql\n(.*?)```", open(doc).read(), re.S):
        data = run(sql.strip() + settings, "JSONEachRow")
        out["queries"][name] = [json.loads(line) for line in data.splitlines() if line.strip()]
    print(json.dumps(out))
    """#

    /// tcpwave's records of every fixture, each run with its own sensor.
    static func records() -> (files: [String], records: [[String: Any]]) {
        var files: [String] = [], all: [[String: Any]] = []
        for fixture in Harness.fixtures {
            let sensor = URL(fileURLWithPath: fixture).deletingPathExtension().lastPathComponent
            let r = Harness.tcpwave(["-r", fixture, "--json", "--sensor", sensor])
            files.append(Harness.temporaryFile("clickhouse-\(sensor)-\(files.count).ndjson", Array(r.stdout.utf8)))
            all += SensorTests.jsonObjects(r.stdout)
        }
        return (files, all)
    }

    static func minute(_ seconds: Double) -> Double { (seconds / 60).rounded(.down) * 60 }
    static func number(_ v: Any?) -> Double? { (v as? NSNumber)?.doubleValue ?? (v as? String).flatMap(Double.init) }

    @Test("the shipped schema loads every fixture's records through the documented ingest, and the example queries answer what tcpwave counted",
          .enabled(if: python != nil, "chDB is not installed (pip install chdb, or Scripts/setup.sh --tests); ClickHouse schema and queries not checked"))
    func schemaIngestAndQueries() throws {
        let (files, records) = ClickHouseTests.records()
        let script = Harness.temporaryFile("clickhouse-load.py", Array(ClickHouseTests.loader.utf8))
        let r = Harness.run(ClickHouseTests.python!, [script, "docs/clickhouse.sql", "docs/clickhouse.md"] + files)
        try #require(r.status == 0, "\(r.stderr)")
        let answer = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let rows = answer["rows"] as? [String: Int] ?? [:]
        let queries = answer["queries"] as? [String: [[String: Any]]] ?? [:]

        func ofType(_ t: String) -> [[String: Any]] { records.filter { $0["type"] as? String == t } }
        let connections = ofType("connection"), alerts = ofType("alert")
        #expect(rows["connection"] == connections.count && connections.count > 100)
        #expect(rows["packet"] == ofType("packet").count)
        #expect(rows["alert"] == alerts.count && !alerts.isEmpty)
        #expect(rows["states"] == ofType("states").count)
        #expect(rows["stats"] == files.count)
        #expect(Set(queries.keys) == ["half_open_per_minute", "resets_by_server", "handshake_rtt_by_server", "syn_flood_alerts_per_minute"])

        // Half-open connections per minute and server, the ten busiest of each minute.
        var halfOpen: [Double: [String: Int]] = [:]
        for c in connections where c["opened"] as? String == "unanswered" {
            halfOpen[ClickHouseTests.minute(ClickHouseTests.number(c["start"]) ?? 0), default: [:]][c["server"] as? String ?? "", default: 0] += 1
        }
        var expectedHalfOpen: [String] = []
        for minute in halfOpen.keys.sorted() {
            let top = halfOpen[minute]!.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(10)
            expectedHalfOpen += top.map { "\(Int(minute)) \($0.key) \($0.value)" }
        }
        let gotHalfOpen = (queries["half_open_per_minute"] ?? []).map {
            "\(Int(ClickHouseTests.number($0["minute"]) ?? -1)) \($0["server"] as? String ?? "") \(Int(ClickHouseTests.number($0["half_open"]) ?? -1))"
        }
        #expect(gotHalfOpen == expectedHalfOpen && !expectedHalfOpen.isEmpty)

        // Resets by server and by side.
        var resets: [String: (server: Int, client: Int, all: Int)] = [:]
        for c in connections {
            let server = c["server"] as? String ?? ""
            var t = resets[server] ?? (0, 0, 0)
            if c["closed"] as? String == "server_rst" { t.server += 1 }
            if c["closed"] as? String == "client_rst" { t.client += 1 }
            t.all += 1
            resets[server] = t
        }
        let expectedResets = resets.filter { $0.value.server + $0.value.client > 0 }
            .sorted { ($0.value.server + $0.value.client, $1.key) > ($1.value.server + $1.value.client, $0.key) }
            .map { "\($0.key) \($0.value.server) \($0.value.client) \($0.value.all)" }
        let gotResets = (queries["resets_by_server"] ?? []).map { row in
            "\(row["server"] as? String ?? "") " + ["reset_by_server", "reset_by_client", "connections"]
                .map { String(Int(ClickHouseTests.number(row[$0]) ?? -1)) }.joined(separator: " ")
        }
        #expect(gotResets == expectedResets && !expectedResets.isEmpty)

        // Handshake RTT percentiles: the value at position ⌊level × n⌋ of the sorted RTTs.
        var rtts: [String: [Double]] = [:]
        for c in connections {
            if let rtt = ClickHouseTests.number(c["handshake_rtt"]) { rtts[c["server"] as? String ?? "", default: []].append(rtt) }
        }
        func at(_ sorted: [Double], _ level: Double) -> Double { sorted[min(sorted.count - 1, Int(level * Double(sorted.count)))] }
        let expectedRTT = rtts.sorted { ($0.value.count, $1.key) > ($1.value.count, $0.key) }.map { server, values -> [Double] in
            let s = values.sorted()
            return [Double(s.count), at(s, 0.5), at(s, 0.9), at(s, 0.99), s.last!]
        }
        let expectedRTTServers = rtts.sorted { ($0.value.count, $1.key) > ($1.value.count, $0.key) }.map(\.key)
        let gotRTT = queries["handshake_rtt_by_server"] ?? []
        #expect(gotRTT.map { $0["server"] as? String ?? "" } == expectedRTTServers && !expectedRTTServers.isEmpty)
        for (row, expected) in zip(gotRTT, expectedRTT) {
            let got = ["handshakes", "p50", "p90", "p99", "slowest"].map { ClickHouseTests.number(row[$0]) ?? -1 }
            #expect(zip(got, expected).allSatisfy { abs($0 - $1) < 1e-9 }, "\(row) against \(expected)")
        }

        // SYN flood alerts per minute and target.
        var floods: [String: (started: Int, alerts: Int, peak: Int)] = [:]
        for a in alerts where a["alert"] as? String == "syn_flood" {
            let key = "\(Int(ClickHouseTests.minute(ClickHouseTests.number(a["ts"]) ?? 0))) \(a["target"] as? String ?? "")"
            var t = floods[key] ?? (0, 0, 0)
            if a["state"] as? String == "start" { t.started += 1 }
            t.alerts += 1
            t.peak = max(t.peak, a["half_open"] as? Int ?? 0)
            floods[key] = t
        }
        let expectedFloods = floods.keys.sorted().map { "\($0) \(floods[$0]!.started) \(floods[$0]!.alerts) \(floods[$0]!.peak)" }
        let gotFloods = (queries["syn_flood_alerts_per_minute"] ?? []).map { row in
            "\(Int(ClickHouseTests.number(row["minute"]) ?? -1)) \(row["target"] as? String ?? "") "
                + ["started", "alerts", "peak_half_open"].map { String(Int(ClickHouseTests.number(row[$0]) ?? -1)) }.joined(separator: " ")
        }
        #expect(gotFloods == expectedFloods && !expectedFloods.isEmpty)
    }
}
