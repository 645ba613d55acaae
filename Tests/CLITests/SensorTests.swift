import Foundation
import Testing

/// `--sensor NAME` (docs/records.md): every JSON record and every conn.log row says where it
/// came from, and nothing else about them changes; a conn.log with the extra column still reads
/// as a Zeek log does, by its `#fields` and `#types`.
struct SensorTests {
    static let name = "tap-7.dc2:eth1"

    static func jsonObjects(_ text: String) -> [[String: Any]] {
        text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    static func canonical(_ object: [String: Any]) -> String {
        String(decoding: (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data(), as: UTF8.self)
    }

    @Test("every JSON record type carries the sensor, and the records are otherwise unchanged",
          arguments: [["--json"], ["--json", "--timeline"], ["--json", "--summary"]])
    func jsonRecords(_ mode: [String]) throws {
        // syn-flood.pcap has alerts besides packet, connection and stats records.
        let file = "Fixtures/pcap/crafted/syn-flood.pcap"
        let plain = Harness.tcpwave(["-r", file] + mode)
        let tagged = Harness.tcpwave(["-r", file, "--sensor", SensorTests.name] + mode)
        #expect(tagged.status == 0)
        let before = SensorTests.jsonObjects(plain.stdout), after = SensorTests.jsonObjects(tagged.stdout)
        #expect(before.count == after.count && !after.isEmpty)
        var types = Set<String>()
        for (a, b) in zip(before, after) {
            types.insert(b["type"] as? String ?? "?")
            #expect(b["sensor"] as? String == SensorTests.name)
            #expect(a["sensor"] == nil)
            var stripped = b
            stripped["sensor"] = nil
            #expect(SensorTests.canonical(stripped) == SensorTests.canonical(a))
        }
        #expect(types.isSuperset(of: ["connection", "alert", "stats"]))
        if mode == ["--json"] { #expect(types.contains("packet")) }
    }

    /// What zeek-cut does: columns chosen by the names in `#fields`.
    static func cut(_ log: String, _ names: [String]) -> [[String]] {
        let lines = log.split(separator: "\n").map(String.init)
        guard let header = lines.first(where: { $0.hasPrefix("#fields\t") }) else { return [] }
        let fields = header.split(separator: "\t").dropFirst().map(String.init)
        let indexes = names.map { fields.firstIndex(of: $0) ?? -1 }
        return lines.filter { !$0.hasPrefix("#") }.map { row in
            let columns = row.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return indexes.map { $0 >= 0 && $0 < columns.count ? columns[$0] : "?" }
        }
    }

    @Test("conn.log declares sensor as a last string column in #fields and #types, fills it on every row, and keeps Zeek's columns")
    func connLogColumn() throws {
        for file in Harness.fixtures {
            let plain = Harness.tcpwave(["-r", file, "--conn-log"])
            let tagged = Harness.tcpwave(["-r", file, "--conn-log", "--sensor", SensorTests.name])
            #expect(tagged.status == plain.status)
            let lines = tagged.stdout.split(separator: "\n").map(String.init)
            let fields = lines.first { $0.hasPrefix("#fields\t") }?.split(separator: "\t").map(String.init) ?? []
            let types = lines.first { $0.hasPrefix("#types\t") }?.split(separator: "\t").map(String.init) ?? []
            #expect(fields.last == "sensor" && types.last == "string")
            #expect(fields.count == types.count)
            let plainLines = plain.stdout.split(separator: "\n").map(String.init)
            let plainFields = plainLines.first { $0.hasPrefix("#fields\t") }?.split(separator: "\t").map(String.init) ?? []
            #expect(Array(fields.dropLast()) == plainFields)
            let rows = lines.filter { !$0.hasPrefix("#") }, plainRows = plainLines.filter { !$0.hasPrefix("#") }
            #expect(rows.count == plainRows.count)
            for (row, plainRow) in zip(rows, plainRows) {
                let columns = row.split(separator: "\t", omittingEmptySubsequences: false)
                #expect(columns.count == fields.count - 1, "\(file): \(row)")
                #expect(columns.last.map(String.init) == SensorTests.name)
                #expect(columns.dropLast().joined(separator: "\t") == plainRow)
            }
            // Read by name, as zeek-cut reads it.
            let picked = SensorTests.cut(tagged.stdout, ["uid", "sensor", "conn_state"])
            #expect(picked.map { $0[0] } == SensorTests.cut(plain.stdout, ["uid"]).map { $0[0] })
            #expect(picked.allSatisfy { $0[1] == SensorTests.name && $0[2] != "?" })
        }
    }

    /// zeek-cut is not packaged by Debian 12; where it is installed, it reads the log itself.
    @Test("zeek-cut reads the sensor column by name",
          .enabled(if: Harness.which("zeek-cut") != nil, "zeek-cut is not installed (Zeek's zeek-aux); conn.log read by its #fields instead"))
    func zeekCut() throws {
        let log = Harness.tcpwave(["-r", "Fixtures/pcap/crafted/port-reuse.pcap", "--conn-log", "--sensor", SensorTests.name])
        let r = Harness.run(Harness.which("zeek-cut")!, ["uid", "sensor"], stdin: Data(log.stdout.utf8))
        #expect(r.status == 0)
        let rows = r.stdout.split(separator: "\n")
        #expect(rows.count == 3 && rows.allSatisfy { $0.hasSuffix("\t" + SensorTests.name) })
    }

    @Test("conn.log's JSON form carries the sensor field")
    func connLogJSON() {
        let tagged = Harness.tcpwave(["-r", "Fixtures/pcap/crafted/port-reuse.pcap", "--conn-log=json", "--sensor", SensorTests.name])
        let rows = SensorTests.jsonObjects(tagged.stdout)
        #expect(rows.count == 3 && rows.allSatisfy { $0["sensor"] as? String == SensorTests.name })
    }

    @Test("a sensor name that would need escaping, or text output, is refused with a one-line reason", arguments: [
        (["--json", "--sensor", "tap 1"], "--sensor 'tap 1'"),
        (["--json", "--sensor", "-"], "--sensor '-'"),
        (["--json", "--sensor", "tap\t1"], "--sensor"),
        (["--json", "--sensor", String(repeating: "a", count: 129)], "at most"),
        (["--sensor", "tap1"], "--sensor names the records of --json and --conn-log"),
        (["--json", "--shard", "0/3"], "--shard 0/3"),
        (["--json", "--shard", "4/3"], "--shard 4/3"),
        (["--json", "--shard", "two/3"], "--shard two/3"),
    ])
    func refused(_ arguments: [String], _ message: String) {
        let r = Harness.tcpwave(["-r", "Fixtures/pcap/crafted/port-reuse.pcap"] + arguments)
        #expect(r.status != 0)
        #expect(r.stderr.contains(message), "\(r.stderr)")
        #expect(r.stdout.isEmpty)
    }
}
