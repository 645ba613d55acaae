import Foundation
import Testing

/// tcpwave's Zeek columns against Zeek's own baselines (../shared/corpus/zeek: traces, the
/// conn.log or event output Zeek 9.1-dev wrote for them, MANIFEST.tsv saying how).
///
/// Each trace runs through tcpwave configured like the Zeek run (`--ignore-checksums` for
/// `-C`, `--likely-server-ports` for the scripts loaded). tcpwave's connections are joined to
/// Zeek's rows by 5-tuple: both endpoints, preferring a row with the same originator, then the
/// same start time when the baseline kept it (btest masks most). Zeek rows with no tcpwave
/// connection are listed with the reason (docs/records.md, "Conformance with Zeek").
enum ZeekConformance {
    static var root: URL { Harness.corpus.appendingPathComponent("zeek") }

    /// Baselines made with options that change TCP analysis or connection lifetime: reported,
    /// not part of the target (default or bare scripts only).
    static let notTarget: [String: String] = [
        "retransmit-timeout.conn.log": "btest script schedules dummy timers; max_timer_expires=0",
        "retransmit-timeout.conn-limited.conn.log": "btest script starves Zeek's timers (no inactivity split)",
        "get.conn.log": "redef dpd_reassemble_first_packets=F",
        "miss_end_data.conn.log": "redef report_gaps_for_partial=T",
        "bigtransfer.conn.log": "redef tcp_excessive_data_without_further_acks=0",
        "globus-url-copy.conn.log": "GridFTP script calls skip_further_processing on the data channel",
        "localhost-bad-chksum.conn-worked.conn.log": "ignore_checksums_nets (run with --ignore-checksums)",
        "pppoe-over-qinq.conn.log": "233 s of silence after the client's FIN: tcpwave's tracker expires FIN_WAIT_1 after 120 s (conntrack), Zeek's inactivity timeout is 300 s",
    ]

    static let httpPorts = "80,81,631,1080,3128,8000,8080,8888"

    /// Zeek's likely_server_ports for the scripts a baseline's run loaded.
    static func likelyPorts(scriptMode: String, scripts: String) -> String {
        if scriptMode == "default" { return "default" }
        var ports: [String] = []
        let byScript: [(String, String)] = [
            ("http", httpPorts), ("ftp", "21,2811"), ("smtp", "25,587"), ("ssh", "22"), ("imap", "143"),
            ("ssl", "443,563,585,614,636,989,990,992,993,995,5223"), ("mysql", "1434,3306"),
        ]
        for (name, list) in byScript where scripts.contains(name) { ports.append(list) }
        return ports.isEmpty ? "none" : ports.joined(separator: ",")
    }

    struct Row {
        var fields: [String: String]
        subscript(_ k: String) -> String? { fields[k] }
        /// Both endpoints, order-free.
        var pair: String? {
            guard let oh = fields["id.orig_h"], let op = fields["id.orig_p"], let rh = fields["id.resp_h"],
                  let rp = fields["id.resp_p"] else { return nil }
            return [oh + "|" + op, rh + "|" + rp].sorted().joined(separator: "~")
        }
        var originator: String? { fields["id.orig_h"].map { $0 + "|" + (fields["id.orig_p"] ?? "") } }
    }

    /// A Zeek ASCII log (`#fields`) or `zeek-cut -m` output (one header line).
    static func parseLog(_ text: String, cut: Bool) -> [Row] {
        var fields: [String]? = nil
        var rows: [Row] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if line.hasPrefix("### BTest") { continue }
            if line.hasPrefix("#fields") {
                fields = line.split(separator: "\t", omittingEmptySubsequences: false).dropFirst().map(String.init)
                continue
            }
            if line.hasPrefix("#") { continue }
            let values = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard let f = fields else {
                if cut { fields = values }
                continue
            }
            rows.append(Row(fields: Dictionary(zip(f, values), uniquingKeysWith: { a, _ in a })))
        }
        return rows
    }

    struct Tally {
        var rows = 0, matched = 0
        var stateCompared = 0, stateSame = 0
        var historyCompared = 0, historySame = 0
        var bytesCompared = 0, bytesSame = 0
        var packetsCompared = 0, packetsSame = 0
        var unmatched: [String] = []
        var differences: [String] = []
        /// Baselines with a byte or packet count difference.
        var countDifferences: Set<String> = []

        mutating func add(_ o: Tally) {
            rows += o.rows; matched += o.matched
            stateCompared += o.stateCompared; stateSame += o.stateSame
            historyCompared += o.historyCompared; historySame += o.historySame
            bytesCompared += o.bytesCompared; bytesSame += o.bytesSame
            packetsCompared += o.packetsCompared; packetsSame += o.packetsSame
            unmatched += o.unmatched; differences += o.differences
            countDifferences.formUnion(o.countDifferences)
        }

        static func pct(_ a: Int, _ b: Int) -> String { b == 0 ? "-" : String(format: "%.1f%%", Double(a) * 100 / Double(b)) }

        var line: String {
            "rows \(rows), matched \(matched), conn_state \(stateSame)/\(stateCompared), history \(historySame)/\(historyCompared), "
                + "bytes \(bytesSame)/\(bytesCompared), packets \(packetsSame)/\(packetsCompared)"
        }
    }

    /// Compares one Zeek row with tcpwave's.
    static func compare(_ z: Row, _ m: Row, _ name: String, into t: inout Tally) {
        t.matched += 1
        let label = "\(name) \(z["id.orig_h"] ?? "")/\(z["id.orig_p"] ?? "")"
        func field(_ k: String) -> Bool? {
            guard let zv = z[k] else { return nil }
            let same = zv == m[k]
            if !same { t.differences.append("\(label): \(k) zeek \(zv) tcpwave \(m[k] ?? "(none)")") }
            return same
        }
        if let same = field("conn_state") { t.stateCompared += 1; if same { t.stateSame += 1 } }
        if let same = field("history") { t.historyCompared += 1; if same { t.historySame += 1 } }
        let bytes = ["orig_bytes", "resp_bytes"].compactMap(field)
        if !bytes.isEmpty { t.bytesCompared += 1; if !bytes.contains(false) { t.bytesSame += 1 } }
        let packets = ["orig_pkts", "resp_pkts", "orig_ip_bytes", "resp_ip_bytes"].compactMap(field)
        if !packets.isEmpty { t.packetsCompared += 1; if !packets.contains(false) { t.packetsSame += 1 } }
        if bytes.contains(false) || packets.contains(false) { t.countDifferences.insert(name) }
        for k in ["duration", "missed_bytes", "orig_state", "resp_state"] { _ = field(k) }
    }

    /// Pairs Zeek's rows with tcpwave's: same endpoints and the same originator first, then
    /// the same endpoints either way round; among several, the same start time when the
    /// baseline kept it (btest masks most), else the first. Rows without endpoints (zeek-cut of
    /// uid and a few columns) pair in order.
    static func join(zeek: [Row], ours: [Row], name: String) -> Tally {
        var t = Tally()
        var used = Array(repeating: false, count: ours.count)
        var pairing = Array<Int?>(repeating: nil, count: zeek.count)
        func pick(_ z: Row, directed: Bool) -> Int? {
            let candidates = ours.indices.filter {
                !used[$0] && ours[$0].pair == z.pair && (!directed || ours[$0].originator == z.originator)
            }
            if let ts = z["ts"], !ts.hasPrefix("X"), let same = candidates.first(where: { ours[$0]["ts"] == ts }) { return same }
            return candidates.first
        }
        for directed in [true, false] {
            for (k, z) in zeek.enumerated() where pairing[k] == nil && z.pair != nil {
                if let i = pick(z, directed: directed) { pairing[k] = i; used[i] = true }
            }
        }
        for (k, z) in zeek.enumerated() where z.pair == nil {
            if let i = used.firstIndex(of: false) { pairing[k] = i; used[i] = true }
        }
        for (k, z) in zeek.enumerated() {
            t.rows += 1
            if let i = pairing[k] {
                compare(z, ours[i], name, into: &t)
            } else {
                t.unmatched.append("\(name): \(z["id.orig_h"] ?? "?"):\(z["id.orig_p"] ?? "?") > \(z["id.resp_h"] ?? "?"):\(z["id.resp_p"] ?? "?") \(z["conn_state"] ?? "") \(z["history"] ?? "")")
            }
        }
        return t
    }

    struct Manifest {
        var trace: String, baseline: String, command: String, scripts: String, mode: String, format: String, selector: String
    }

    static func manifest() -> [Manifest] {
        guard let text = try? String(contentsOf: root.appendingPathComponent("MANIFEST.tsv"), encoding: .utf8) else { return [] }
        var lines = text.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        guard !lines.isEmpty else { return [] }
        let header = lines.removeFirst()
        func col(_ row: [String], _ name: String) -> String {
            guard let i = header.firstIndex(of: name), i < row.count else { return "" }
            return row[i]
        }
        return lines.map {
            Manifest(trace: col($0, "trace_file"), baseline: col($0, "baseline_file"), command: col($0, "zeek_command"),
                     scripts: col($0, "extra_scripts_or_options"), mode: col($0, "script_mode"),
                     format: col($0, "baseline_format"), selector: col($0, "baseline_selector"))
        }
    }

    /// tcpwave over a trace, configured like the Zeek run; gzip traces go through zcat.
    static func run(_ m: Manifest, _ output: [String]) -> Harness.Result {
        var options = output + ["--likely-server-ports", likelyPorts(scriptMode: m.mode, scripts: m.scripts)]
        if m.command.contains(" -C ") || m.scripts.contains("ignore_checksums_nets") { options.append("--ignore-checksums") }
        let path = root.appendingPathComponent(m.trace).path
        if path.hasSuffix(".gz") {
            let quoted = ([Harness.tcpwave] + options + ["-r", "-"]).map { "'" + $0 + "'" }.joined(separator: " ")
            return Harness.run("/bin/sh", ["-c", "zcat '\(path)' | \(quoted)"])
        }
        return Harness.tcpwave(options + ["-r", path])
    }

    /// Zeek's verdicts from a btest's event output, as rows: `history, conn_state` lines, the
    /// history of `connection_state_remove`/`REMOVE` lines, or the endpoint records
    /// (`state`, `size`, `num_pkts`, `num_bytes_ip`).
    static func eventRows(_ m: Manifest, _ text: String) -> [Row] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if m.selector.hasPrefix("line "), let n = Int(m.selector.dropFirst(5)), n - 1 < lines.count {
            let parts = lines[n - 1].components(separatedBy: ", ")
            guard parts.count == 2 else { return [] }
            return [Row(fields: ["history": parts[0], "conn_state": parts[1]])]
        }
        if let last = lines.last(where: { $0.contains("connection_state_remove") || $0.hasPrefix("REMOVE:") }) {
            var f: [String: String] = [:]
            if let h = last.components(separatedBy: "], ").last?.components(separatedBy: ", ").first { f["history"] = h }
            for (key, pattern) in [("id.orig_h", "orig_h="), ("id.orig_p", "orig_p="), ("id.resp_h", "resp_h="), ("id.resp_p", "resp_p=")] {
                if let r = last.range(of: pattern) {
                    f[key] = String(last[r.upperBound...].prefix { $0 != "," && $0 != "/" })
                }
            }
            return [Row(fields: f)]
        }
        // Endpoint records: orig then resp.
        let records = lines.filter { $0.contains("[size=") }
        guard records.count == 2 else { return [] }
        func value(_ line: String, _ key: String) -> String? {
            guard let r = line.range(of: key + "=") else { return nil }
            return String(line[r.upperBound...].prefix { $0 != "," && $0 != "]" })
        }
        let states = ["INACTIVE", "SYN_SENT", "SYN_ACK_SENT", "PARTIAL", "ESTABLISHED", "CLOSED", "RESET"]
        var f: [String: String] = [:]
        for (side, line) in zip(["orig", "resp"], records) {
            f["\(side)_bytes"] = value(line, "size")
            f["\(side)_pkts"] = value(line, "num_pkts")
            f["\(side)_ip_bytes"] = value(line, "num_bytes_ip")
            if let s = value(line, "state").flatMap(Int.init), s < states.count { f["\(side)_state"] = states[s] }
        }
        return [Row(fields: f)]
    }

    /// tcpwave's connection records (`--json --summary`) in conn.log's terms.
    static func jsonRows(_ text: String) -> [Row] {
        text.split(separator: "\n").compactMap { line -> Row? in
            guard let data = line.data(using: .utf8),
                  let o = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                  o["type"] as? String == "connection", let z = o["zeek"] as? [String: Any] else { return nil }
            var f: [String: String] = [:]
            f["conn_state"] = o["conn_state"] as? String
            f["history"] = o["history"] as? String
            for k in ["orig_bytes", "resp_bytes", "orig_pkts", "resp_pkts", "orig_ip_bytes", "resp_ip_bytes"] {
                if let n = z[k] as? NSNumber { f[k] = n.stringValue }
            }
            f["orig_state"] = z["orig_state"] as? String
            f["resp_state"] = z["resp_state"] as? String
            for (side, key) in [("orig", "orig"), ("resp", "resp")] {
                guard let ep = z[key] as? String, let colon = ep.lastIndex(of: ":") else { continue }
                var host = String(ep[..<colon])
                if host.hasPrefix("[") { host = String(host.dropFirst().dropLast()) }
                f["id.\(side)_h"] = host
                f["id.\(side)_p"] = String(ep[ep.index(after: colon)...])
            }
            return Row(fields: f)
        }
    }
}

struct ZeekConformanceTests {
    @Test("Zeek conn_state, history, bytes and packets over the Zeek corpus")
    func zeekCorpus() throws {
        guard FileManager.default.fileExists(atPath: ZeekConformance.root.appendingPathComponent("MANIFEST.tsv").path) else {
            print("skipped: \(ZeekConformance.root.path) is absent (the shared Zeek conformance corpus)")
            return
        }
        var target = ZeekConformance.Tally(), others = ZeekConformance.Tally()
        for m in ZeekConformance.manifest() {
            let name = (m.baseline as NSString).lastPathComponent
            guard let baseline = try? String(contentsOf: ZeekConformance.root.appendingPathComponent(m.baseline), encoding: .utf8) else {
                Issue.record("cannot read \(m.baseline)")
                continue
            }
            if m.trace.hasSuffix(".gz") && Harness.which("zcat") == nil {
                print("skipped \(name): zcat is not installed")
                continue
            }
            let tally: ZeekConformance.Tally
            let label: String
            if m.format.hasPrefix("events") {
                let result = ZeekConformance.run(m, ["--json", "--summary"])
                #expect(result.status == 0, "\(m.trace): \(result.stderr)")
                let zeek = ZeekConformance.eventRows(m, baseline)
                #expect(!zeek.isEmpty, "\(name) [\(m.selector)]: no verdict found in the event output")
                tally = ZeekConformance.join(zeek: zeek, ours: ZeekConformance.jsonRows(result.stdout), name: "\(m.trace) events")
                label = "\(m.trace) (\(name)\(m.selector.isEmpty ? "" : " " + m.selector))"
            } else {
                let result = ZeekConformance.run(m, ["--conn-log"])
                #expect(result.status == 0, "\(m.trace): \(result.stderr)")
                let zeek = ZeekConformance.parseLog(baseline, cut: m.format.hasPrefix("cut"))
                    .filter { ($0["proto"] ?? "tcp") == "tcp" }
                tally = ZeekConformance.join(zeek: zeek, ours: ZeekConformance.parseLog(result.stdout, cut: false), name: name)
                label = name
            }
            if let reason = ZeekConformance.notTarget[name] {
                print("zeek conformance: \(label) [not target: \(reason)]: \(tally.line)")
                others.add(tally)
            } else {
                print("zeek conformance: \(label) [\(m.mode)]: \(tally.line)")
                target.add(tally)
            }
        }
        var all = target
        all.add(others)
        typealias T = ZeekConformance.Tally
        print("zeek conformance total, default/bare-script traces: \(target.line); conn_state \(T.pct(target.stateSame, target.stateCompared)) of matched, "
              + "history \(T.pct(target.historySame, target.historyCompared)) of matched, \(T.pct(target.matched, target.rows)) of Zeek's TCP rows matched")
        print("zeek conformance total, all baselines: \(all.line)")
        for u in all.unmatched { print("zeek row without a tcpwave connection: \(u)") }
        for d in all.differences { print("zeek difference: \(d)") }

        // Targets (docs/records.md: measured numbers and the reasons for every remaining difference).
        #expect(target.rows > 100, "the corpus should hold over 100 Zeek TCP rows on target traces")
        #expect(target.stateSame == target.stateCompared, "conn_state must equal Zeek's on every matched connection")
        #expect(Double(target.historySame) >= 0.95 * Double(target.historyCompared), "history must equal Zeek's on at least 95% of matched connections")
        // Byte and packet counts differ only where Zeek decodes packets tcpwave cannot (Cisco
        // FabricPath copies of each SYN; tcpdump does not decode them either).
        #expect(target.countDifferences.isSubset(of: ["cisco-fabric-path.conn.log"]),
                "byte or packet counts differ from Zeek's on \(target.countDifferences.sorted())")
        // Zeek rows tcpwave has no connection for: Zeek's timers and same-ISN SYNs after a reset
        // split connections tcpwave keeps whole; MPLS and PPPoE are link layers tcpwave does not
        // decode; a connection whose first SYN had a bad checksum. Each is listed in docs/records.md.
        let explained = ["ssh.client-side-half-duplex.conn.log", "pop3.conn.log", "mpls-in-vlan.conn.log",
                         "mixed-vlan-mpls.conn.log", "pppoe-over-qinq.conn.log", "localhost-bad-chksum.conn.log"]
        let unexplained = target.unmatched.filter { row in !explained.contains { row.hasPrefix($0 + ":") } }
        #expect(unexplained.isEmpty, "Zeek rows without a tcpwave connection: \(unexplained)")
        #expect(target.rows - target.matched <= 14, "more Zeek rows without a tcpwave connection than the 14 explained: \(target.unmatched)")
    }
}
