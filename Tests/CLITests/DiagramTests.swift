import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import PcapCraft
import Testing

/// `--diagram`, `--ladder`, `--flow`, `--explain`, `--lang` as a user runs them: golden SVG
/// diagrams, golden ladder and explanations, every SVG and HTML output well-formed XML, the
/// option checks, and the HTML page rendered by a real browser where Chromium is installed.
/// `RECORD_GOLDEN=1 swift test` rewrites the golden files (and fails, so it is never silent).
struct DiagramTests {
    static let documentExample = "Fixtures/pcap/crafted/document-example.pcap"

    /// The captures whose SVG diagrams are kept as golden files (Fixtures/golden/diagram).
    static let svgGoldens = [
        documentExample,
        "Fixtures/pcap/real/refused.pcap",
        "Fixtures/pcap/real/rst-by-client.pcap",
        "Fixtures/pcap/crafted/simultaneous-close.pcap",
        "Fixtures/pcap/real/keepalive.pcap",
    ]

    static func goldenName(_ fixture: String) -> String {
        fixture.replacingOccurrences(of: "Fixtures/pcap/", with: "").replacingOccurrences(of: "/", with: "-")
    }

    static func temporary(_ name: String) -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tcpwave-diagram-tests-\(getpid())")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent("\(UUID().uuidString)-\(name)").path
    }

    /// Runs tcpwave with `extra` in its environment (COLUMNS for the ladder).
    static func run(_ arguments: [String], environment extra: [String: String] = [:]) -> Harness.Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Harness.tcpwave)
        process.arguments = arguments
        process.currentDirectoryURL = Harness.packageRoot
        var env = ProcessInfo.processInfo.environment
        env["TZ"] = "UTC"
        env["COLUMNS"] = nil
        for (k, v) in extra { env[k] = v }
        process.environment = env
        let out = Pipe()
        let errPath = temporary("stderr")
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: errPath) }
        let err = FileHandle(forWritingAtPath: errPath)!
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch {
            return Harness.Result(status: -1, stdout: "", stderr: "cannot run tcpwave: \(error)")
        }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try? err.close()
        return Harness.Result(status: process.terminationStatus, stdout: String(decoding: data, as: UTF8.self),
                              stderr: String(decoding: FileManager.default.contents(atPath: errPath) ?? Data(), as: UTF8.self))
    }

    /// Compares `text` with Fixtures/golden/`name`, or records it under RECORD_GOLDEN=1.
    static func compareGolden(_ text: String, _ name: String) throws {
        let golden = Harness.packageRoot.appendingPathComponent("Fixtures/golden/\(name)")
        if ProcessInfo.processInfo.environment["RECORD_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(at: golden.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: golden, atomically: true, encoding: .utf8)
            Issue.record("recorded \(name); rerun without RECORD_GOLDEN")
            return
        }
        let expected = try String(contentsOf: golden, encoding: .utf8)
        #expect(text == expected, "\(name) differs; RECORD_GOLDEN=1 rewrites it")
    }

    /// Draws `fixture` into a file of kind `ext` and returns its text.
    static func draw(_ fixture: String, _ ext: String, _ more: [String] = []) -> (Harness.Result, String?) {
        let path = temporary("diagram.\(ext)")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = run(["-r", fixture, "--diagram", path] + more)
        return (result, try? String(contentsOfFile: path, encoding: .utf8))
    }

    /// Parses `text` as XML; the parser's error, or nil when it is well-formed.
    static func xmlError(_ text: String) -> String? {
        let parser = XMLParser(data: Data(text.utf8))
        if parser.parse() { return nil }
        return parser.parserError.map { "\($0) at line \(parser.lineNumber)" } ?? "unknown XML error"
    }

    // MARK: - Golden files

    @Test("SVG diagrams match their golden files", arguments: svgGoldens)
    func svgGolden(_ fixture: String) throws {
        let (result, svg) = DiagramTests.draw(fixture, "svg")
        #expect(result.status == 0, "\(fixture): \(result.stderr)")
        let text = try #require(svg)
        try DiagramTests.compareGolden(text, "diagram/\(DiagramTests.goldenName(fixture)).svg")
    }

    @Test("the ladder and the explanations of the document's example match their golden files", arguments: [
        ("ladder", ["--ladder"]),
        ("explain-en", ["-t", "--explain"]),
        ("explain-zh", ["-t", "--explain", "--lang", "zh"]),
    ])
    func textGolden(_ name: String, _ flags: [String]) throws {
        let result = DiagramTests.run(["-r", DiagramTests.documentExample] + flags, environment: ["COLUMNS": "100"])
        #expect(result.status == 0, "\(result.stderr)")
        try DiagramTests.compareGolden(result.stdout, "diagram/crafted-document-example.pcap.\(name).txt")
    }

    // MARK: - What the diagrams show

    @Test("the document's example: every arrow titled, steps highlighted, states on both sides, TIME_WAIT's end projected")
    func documentDiagram() throws {
        let (_, svg) = DiagramTests.draw(DiagramTests.documentExample, "svg")
        let text = try #require(svg)
        #expect(text.components(separatedBy: "<g class=\"tw-packet\">\n<title>").count - 1 == 11)
        #expect(text.contains("192.168.1.116:3337") && text.contains("192.168.1.123:7788"))
        for label in ["SYN seq=0", "SYN+ACK seq=0 ack=1", "ACK ack=1", "PSH+ACK seq=1 ack=1 len=48", "FIN+ACK seq=49 ack=54", "ACK ack=55"] {
            #expect(text.contains(">\(label)</text>"), "\(label)")
        }
        for step in ["handshake 1/3", "handshake 3/3", "teardown 1/4 (client FIN)", "teardown 4/4 (client ACK)"] {
            #expect(text.contains(">\(step)</text>"), "\(step)")
        }
        #expect(text.contains("class=\"tw-hl-handshake\"") && text.contains("class=\"tw-hl-teardown\""))
        for state in ["SYN_SENT", "SYN_RECEIVED", "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "CLOSE_WAIT", "LAST_ACK", "TIME_WAIT"] {
            #expect(text.contains(">\(state)</text>"), "\(state)")
        }
        #expect(text.contains("class=\"tw-state-inferred\" text-anchor=\"middle\">LISTEN?</text>"))
        #expect(text.contains("class=\"tw-state-projected\" text-anchor=\"middle\">CLOSED</text>"))
        #expect(text.contains(">after 2×MSL = 120 s</text>") && text.contains(">(projected)</text>"))
        #expect(text.components(separatedBy: "class=\"tw-line tw-l-anomaly").count - 1 == 1)  // the legend's
        // Self-contained: no links, scripts or fonts from elsewhere; the one URL is the SVG namespace.
        #expect(text.components(separatedBy: "http").count == 2)
        #expect(!text.contains("<script") && !text.contains("@import") && !text.contains("url("))
    }

    @Test("anomalies are drawn in their own colour: the keepalives, the refusing RST, the reset")
    func anomalies() throws {
        let keepalive = try #require(DiagramTests.draw("Fixtures/pcap/real/keepalive.pcap", "svg").1)
        #expect(keepalive.components(separatedBy: "class=\"tw-line tw-l-anomaly\"").count - 1 == 6)
        let refused = try #require(DiagramTests.draw("Fixtures/pcap/real/refused.pcap", "svg").1)
        #expect(refused.contains(">refused: server RST answers the SYN</text>"))
        #expect(refused.contains("class=\"tw-hl-anomaly\""))
        let reset = try #require(DiagramTests.draw("Fixtures/pcap/real/rst-by-client.pcap", "svg").1)
        #expect(reset.contains(">reset by client in ESTABLISHED</text>"))
    }

    @Test("every capture's SVG and HTML are well-formed XML", arguments: Harness.fixtures)
    func wellFormed(_ fixture: String) throws {
        for ext in ["svg", "html"] {
            let (result, output) = DiagramTests.draw(fixture, ext)
            #expect(result.status == 0, "\(fixture) \(ext): \(result.stderr)")
            let text = try #require(output, "\(fixture): no \(ext) written")
            #expect(DiagramTests.xmlError(text) == nil, "\(fixture) \(ext): \(DiagramTests.xmlError(text) ?? "")")
        }
    }

    /// The JSON object the HTML report embeds for its table.
    static func embeddedRows(_ html: String) throws -> [String: Any] {
        let open = "<script type=\"application/json\" id=\"tw-data\">"
        let start = try #require(html.range(of: open))
        let end = try #require(html.range(of: "</script>", range: start.upperBound..<html.endIndex))
        let object = try JSONSerialization.jsonObject(with: Data(html[start.upperBound..<end.lowerBound].utf8))
        return try #require(object as? [String: Any])
    }

    /// The numbers of one column of the embedded rows (ReportJSON.swift): base-32 numerals in
    /// base-64 digits, a digit of 32 or more saying another follows.
    static func numbers(_ text: String, signed: Bool = false) -> [Int64] {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        var list: [Int64] = [], v: Int64 = 0
        for ch in text {
            guard let x = alphabet.firstIndex(of: ch) else { return [] }
            v = v * 32 + Int64(x & 31)
            if x < 32 {
                list.append(signed ? (v % 2 == 1 ? -(v + 1) / 2 : v / 2) : v)
                v = 0
            }
        }
        return list
    }

    /// Endpoints of nine characters each: IPv4 address and port, or `~` and an index into `extras`.
    static func endpoints(_ text: String, extras: [String]) -> [String] {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        let chars = Array(text)
        var list: [String] = []
        var k = 0
        while k + 9 <= chars.count {
            func value(_ range: Range<Int>) -> Int { range.reduce(0) { $0 * 64 + (alphabet.firstIndex(of: chars[k + $1]) ?? 0) } }
            if chars[k] == "~" {
                list.append(extras[value(1..<9)])
            } else {
                let a = value(0..<6)
                list.append("\(a >> 24 & 255).\(a >> 16 & 255).\(a >> 8 & 255).\(a & 255):\(value(6..<9))")
            }
            k += 9
        }
        return list
    }

    @Test("the HTML page carries every connection in its table data, and the drawings of a bounded set")
    func htmlPage() throws {
        let fixture = "Fixtures/pcap/crafted/busy-server.pcap"
        let (result, html) = DiagramTests.draw(fixture, "html")
        #expect(result.status == 0)
        let text = try #require(html)
        let flows = Harness.tcpwave(["--summary", "-r", fixture]).stdout.split(separator: "\n").filter { $0.hasPrefix("#") }.count
        #expect(flows == 120)
        let data = try DiagramTests.embeddedRows(text)
        #expect(data["count"] as? Int == flows)
        for column in ["s", "t", "d", "p", "b", "v", "a"] {
            #expect(DiagramTests.numbers(data[column] as? String ?? "").count == flows, "column \(column)")
        }
        // The columns decode to what the summary lines say of each connection.
        let clients = DiagramTests.endpoints(data["c"] as? String ?? "", extras: data["cx"] as? [String] ?? [])
        let servers = DiagramTests.endpoints(data["sv"] as? String ?? "", extras: data["svx"] as? [String] ?? [])
        let serverIndexes = DiagramTests.numbers(data["s"] as? String ?? "")
        let packets = DiagramTests.numbers(data["p"] as? String ?? "")
        let summaries = Harness.tcpwave(["--summary", "-r", fixture]).stdout.split(separator: "\n").filter { $0.hasPrefix("#") }
        #expect(clients.count == flows && servers.count == 1)
        for (i, line) in summaries.enumerated() where i < clients.count {
            let pair = "\(clients[i]) > \(servers[Int(serverIndexes[i])]):"
            #expect(line.contains(" summary \(pair)"), "row \(i + 1): \(pair) / \(line)")
        }
        // SYN, SYN-ACK, ACK, FIN, FIN, ACK.
        #expect(packets.allSatisfy { $0 == 6 })
        // Numbers 1...N are implied; every drawn connection has its template.
        #expect(data["n"] == nil)
        let drawn = try #require(data["l"] as? [Int])
        #expect(drawn == Array(1...flows))
        for n in drawn { #expect(text.contains("<template id=\"flow-\(n)\">")) }
        // The first page of rows is in the document for a browser without scripts.
        for n in 1...100 { #expect(text.contains("<a href=\"#flow-\(n)\">#\(n)</a>")) }
        for column in ["start", "duration (s)", "bytes", "verdict", "ladder"] {
            #expect(text.contains(">\(column)</th>"))
        }
        #expect(text.contains("Connections by state over time") && text.contains("class=\"tw-chart\""))
        #expect(text.contains("class=\"tw-seq\"") && text.contains("data-mode=\"seq\""))
        // Self-contained: nothing fetched from elsewhere; the only URLs are the SVG namespace.
        #expect(!text.contains("src=") && !text.contains("<link") && !text.contains("@import") && !text.contains("url("))
        #expect(text.components(separatedBy: "http").count - 1 == text.components(separatedBy: "http://www.w3.org/2000/svg").count - 1)
    }

    @Test("the page draws at most ladderLimit connections, anomalous ones first, and lists all of them")
    func boundedDrawings() throws {
        let path = DiagramTests.temporary("traffic.pcap")
        defer { try? FileManager.default.removeItem(atPath: path) }
        var traffic = SyntheticTraffic()
        var mix = SyntheticTraffic.Mix()
        mix.concurrent = 300
        traffic.connections(packets: 20_000, mix: mix)
        try Data(traffic.bytes).write(to: URL(fileURLWithPath: path))
        let (result, html) = DiagramTests.draw(path, "html")
        #expect(result.status == 0)
        let text = try #require(html)
        let data = try DiagramTests.embeddedRows(text)
        let count = try #require(data["count"] as? Int)
        let summary = Harness.tcpwave(["--summary", "-r", path]).stdout.split(separator: "\n").filter { $0.hasPrefix("#") }.count
        #expect(count == summary && count > 1000)
        let drawn = try #require(data["l"] as? [Int])
        #expect(drawn.count == 200)
        #expect(text.components(separatedBy: "<template id=").count - 1 == 200)
        // Every reset connection among those recorded (the first 1,000) is drawn.
        let anomalies = DiagramTests.numbers(try #require(data["a"] as? String))
        let verdicts = try #require(data["vv"] as? [String]), verdict = DiagramTests.numbers(try #require(data["v"] as? String)).map { Int($0) }
        #expect(anomalies.count == count && verdict.count == count)
        let interesting = (0..<1000).filter { anomalies[$0] > 0 || verdicts[verdict[$0]].contains("reset") }.map { $0 + 1 }
        #expect(Set(interesting.prefix(200)).isSubset(of: Set(drawn)))
    }

    @Test("--flow draws one connection; an unknown one is an error that leaves no file")
    func flowSelection() throws {
        let fixture = "Fixtures/pcap/crafted/port-reuse.pcap"
        let (one, svg) = DiagramTests.draw(fixture, "svg", ["--flow", "2"])
        #expect(one.status == 0)
        let text = try #require(svg)
        #expect(text.contains(">#2  ") && !text.contains(">#1  "))
        let ladder = DiagramTests.run(["-r", fixture, "--ladder", "--flow", "2"])
        #expect(ladder.stdout.hasPrefix("#2 "))
        let path = DiagramTests.temporary("missing.svg")
        let missing = DiagramTests.run(["-r", fixture, "--diagram", path, "--flow", "99"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("--flow 99: no connection #99"))
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test("the ladder fits the terminal: COLUMNS from 70 to 200, never a longer line")
    func ladderWidth() {
        for columns in [70, 80, 100, 132, 200] {
            for fixture in ["Fixtures/pcap/crafted/troubles.pcap", "Fixtures/pcap/real/loss-reorder.pcap", "Fixtures/pcap/real/ipv6-normal.pcap"] {
                let result = DiagramTests.run(["-r", fixture, "--ladder"], environment: ["COLUMNS": "\(columns)"])
                #expect(result.status == 0)
                let lines = result.stdout.split(separator: "\n").map(String.init)
                let long = lines.filter { $0.count > columns }
                #expect(long.isEmpty, "\(fixture) at \(columns): \(long.first ?? "")")
                let cut = lines.filter { $0.contains("~") }
                #expect(cut.isEmpty, "\(fixture) at \(columns): \(cut.first ?? "")")
            }
        }
    }

    @Test("the ladder at 80 columns cuts no number on the real-world corpus",
          .enabled(if: FileManager.default.fileExists(atPath: Harness.corpus.appendingPathComponent("wild/captures").path),
                   "../shared/corpus/wild is missing; skipped"))
    func ladderWidthWild() throws {
        let root = Harness.corpus.appendingPathComponent("wild/captures")
        let files = try #require(FileManager.default.enumerator(atPath: root.path)).compactMap { $0 as? String }
            .filter { $0.hasSuffix(".pcap") || $0.hasSuffix(".pcapng") || $0.hasSuffix(".cap") }.sorted()
        #expect(files.count > 100)
        for file in files {
            let result = DiagramTests.run(["-r", root.appendingPathComponent(file).path, "--ladder"], environment: ["COLUMNS": "80"])
            // ALERT lines are records printed beside the ladder, whole, as in every output mode.
            let lines = result.stdout.split(separator: "\n").filter { !$0.hasPrefix("ALERT ") }
            #expect(lines.allSatisfy { $0.count <= 80 }, "\(file): \(lines.first { $0.count > 80 } ?? "")")
            let cut = lines.first { $0.contains("~") }
            #expect(cut == nil, "\(file): \(cut ?? "")")
        }
    }

    @Test("--ladder replaces the packet lines; --explain adds sentences after them")
    func modes() {
        let ladder = DiagramTests.run(["-r", DiagramTests.documentExample, "--ladder"])
        #expect(!ladder.stdout.contains("IP 192.168.1.116"))
        #expect(ladder.stdout.contains("handshake 1/3"))
        let explained = DiagramTests.run(["-r", DiagramTests.documentExample, "--explain"])
        let lines = explained.stdout.split(separator: "\n")
        #expect(lines.filter { $0.hasPrefix("    # ") }.count == 11)
        #expect(lines.count == 22)
        #expect(explained.stdout.contains("TIME_WAIT for 2×MSL (120 s here)"))
        let msl = DiagramTests.run(["-r", DiagramTests.documentExample, "--explain", "--msl", "30"])
        #expect(msl.stdout.contains("TIME_WAIT for 2×MSL (60 s here)"))
    }

    @Test("bad combinations are refused with a message naming the flag", arguments: [
        (["--diagram", "out.png"], "--diagram writes FILE.svg or FILE.html"),
        (["--flow", "1"], "--flow selects the connection for --diagram or --ladder"),
        (["--ladder", "--flow", "0"], "--flow 0: needs a connection number"),
        (["--lang", "zh"], "--lang chooses the language of --explain"),
        (["--explain", "--lang", "fr"], "--lang must be en or zh"),
        (["--explain", "--json"], "--explain follows the annotated packet lines; it does not combine with --json"),
        (["--explain", "--no-annotate"], "it does not combine with --no-annotate"),
        (["--explain", "--ladder"], "it does not combine with --ladder"),
        (["--ladder", "--summary"], "--ladder prints the text ladder instead of the packet lines; it does not combine with --summary"),
        (["--ladder", "--conn-log"], "it does not combine with --conn-log"),
    ])
    func validation(_ flags: [String], _ message: String) {
        let result = DiagramTests.run(["-r", DiagramTests.documentExample] + flags)
        #expect(result.status != 0)
        #expect(result.stderr.contains(message), "\(flags): \(result.stderr)")
    }

    @Test("a diagram file that cannot be written is an error before any packet is read")
    func unwritable() {
        let result = DiagramTests.run(["-r", DiagramTests.documentExample, "--diagram", "/nonexistent-directory/x.svg"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("--diagram: cannot write /nonexistent-directory/x.svg"))
        #expect(result.stdout.isEmpty)
    }

    // MARK: - A real browser

    /// Renders the document example's HTML page with headless Chromium and checks that a real
    /// screenshot came out. Skipped (with a printed reason) where Chromium is not installed;
    /// `Fixtures/scripts/report-screenshots.sh` makes the README's pictures (docs/*.png) the same way.
    @Test("headless Chromium renders the HTML page")
    func browser() throws {
        guard let chromium = ["chromium", "chromium-browser", "google-chrome"].lazy.compactMap({ Harness.which($0) }).first else {
            print("skipped: chromium not installed (apt-get install chromium)")
            return
        }
        let html = DiagramTests.temporary("page.html")
        let png = DiagramTests.temporary("page.png")
        defer {
            try? FileManager.default.removeItem(atPath: html)
            try? FileManager.default.removeItem(atPath: png)
        }
        let drawn = DiagramTests.run(["-r", DiagramTests.documentExample, "--diagram", html])
        #expect(drawn.status == 0)
        let profile = DiagramTests.temporary("chromium-profile")
        defer { try? FileManager.default.removeItem(atPath: profile) }
        var arguments = ["--headless", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
                         "--user-data-dir=\(profile)", "--window-size=1000,1200", "--screenshot=\(png)",
                         URL(fileURLWithPath: html).absoluteString]
        if getuid() == 0 { arguments.insert("--no-sandbox", at: 0) }
        // A hung browser must not hang the suite.
        let result = Harness.which("timeout").map { Harness.run($0, ["120", chromium] + arguments) } ?? Harness.run(chromium, arguments)
        let bytes = FileManager.default.contents(atPath: png) ?? Data()
        #expect(bytes.count > 10_000, "chromium wrote no screenshot: \(result.stderr.suffix(500))")
        #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]), "not a PNG")

        // In the browser: two clicks on "duration" sort all rows longest first; a search for a
        // port finds its connections; opening one clones its drawings; no script error.
        let many = DiagramTests.temporary("busy.html")
        defer { try? FileManager.default.removeItem(atPath: many) }
        #expect(DiagramTests.run(["-r", "Fixtures/pcap/crafted/busy-server.pcap", "--diagram", many]).status == 0)
        let page = try String(contentsOfFile: many, encoding: .utf8)
        func dom(_ script: String) throws -> (dom: String, log: String) {
            let path = DiagramTests.temporary("driven.html")
            defer { try? FileManager.default.removeItem(atPath: path) }
            try page.replacingOccurrences(of: "</body>", with: "<script>\(script)</script></body>")
                .write(toFile: path, atomically: true, encoding: .utf8)
            var dump = ["--headless", "--disable-gpu", "--no-first-run", "--user-data-dir=\(profile)",
                        "--enable-logging=stderr", "--v=0", "--dump-dom", URL(fileURLWithPath: path).absoluteString]
            if getuid() == 0 { dump.insert("--no-sandbox", at: 0) }
            let r = Harness.which("timeout").map { Harness.run($0, ["120", chromium] + dump) } ?? Harness.run(chromium, dump)
            return (r.stdout, r.stderr)
        }
        let sorted = try dom("var th = document.querySelectorAll('th'); th[4].click(); th[4].click();")
        #expect(!sorted.log.contains("Uncaught"), "script error: \(sorted.log.components(separatedBy: "\n").first { $0.contains("Uncaught") } ?? "")")
        guard let body = sorted.dom.range(of: "<tbody>"), let end = sorted.dom.range(of: "</tbody>") else {
            Issue.record("no table in the rendered page")
            return
        }
        let durations: [Double] = sorted.dom[body.upperBound..<end.lowerBound].components(separatedBy: "<tr ").dropFirst().compactMap { row in
            let cells = row.components(separatedBy: "<td")
            guard cells.count > 5, let close = cells[5].firstIndex(of: ">") else { return nil }
            return Double(cells[5][cells[5].index(after: close)...].prefix { $0 != "<" })
        }
        #expect(durations.count == 100)
        #expect(durations == durations.sorted(by: >), "rows not sorted by duration")
        #expect(sorted.dom.contains("aria-sort=\"descending\""))
        let searched = try dom("document.getElementById('tw-search').value = ':33007'; tcpwave.refresh(false); location.hash = '#flow-8'; tcpwave.open(8, false);")
        #expect(searched.dom.contains("1\u{2013}1 of 1 (of 120)"))
        #expect(searched.dom.contains("<td>192.0.2.107:33007</td>"))
        #expect(searched.dom.contains("Connection #8: 192.0.2.107:33007"))
        #expect(searched.dom.contains("class=\"tw-pane tw-pane-seq\""))
        #expect(!searched.log.contains("Uncaught"))
    }
}
