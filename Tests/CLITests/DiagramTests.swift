import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
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

    @Test("the HTML page lists every connection in a sortable table linking to its diagram")
    func htmlPage() throws {
        let (result, html) = DiagramTests.draw("Fixtures/pcap/crafted/port-reuse.pcap", "html")
        #expect(result.status == 0)
        let text = try #require(html)
        let flows = Harness.tcpwave(["--summary", "-r", "Fixtures/pcap/crafted/port-reuse.pcap"]).stdout
            .split(separator: "\n").count
        #expect(flows >= 2)
        for n in 1...flows {
            #expect(text.contains("<a href=\"#flow-\(n)\">#\(n)</a>"))
            #expect(text.contains("<section id=\"flow-\(n)\""))
        }
        for column in ["start", "duration (s)", "bytes", "verdict"] {
            #expect(text.contains(">\(column)</th>"))
        }
        #expect(text.contains("addEventListener('click'"))
        #expect(!text.contains("src=") && !text.contains("<link"))
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
                let long: [String] = result.stdout.split(separator: "\n").map(String.init).filter { $0.count > columns }
                #expect(long.isEmpty, "\(fixture) at \(columns): \(long.first ?? "")")
            }
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
    /// `Fixtures/scripts/diagram-screenshot.sh` makes the README's picture (docs/document-example.png) the same way.
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

        // The table sorts in the browser: two clicks on "duration" order the rows longest first.
        let many = DiagramTests.temporary("busy.html")
        defer { try? FileManager.default.removeItem(atPath: many) }
        #expect(DiagramTests.run(["-r", "Fixtures/pcap/crafted/busy-server.pcap", "--diagram", many]).status == 0)
        let page = try String(contentsOfFile: many, encoding: .utf8)
        let clicking = page.replacingOccurrences(of: "</body>", with:
            "<script>var th = document.querySelectorAll('th'); th[4].click(); th[4].click();</script></body>")
        try clicking.write(toFile: many, atomically: true, encoding: .utf8)
        var dump = ["--headless", "--disable-gpu", "--no-first-run", "--user-data-dir=\(profile)", "--dump-dom",
                    URL(fileURLWithPath: many).absoluteString]
        if getuid() == 0 { dump.insert("--no-sandbox", at: 0) }
        let dom = (Harness.which("timeout").map { Harness.run($0, ["120", chromium] + dump) } ?? Harness.run(chromium, dump)).stdout
        guard let body = dom.range(of: "<tbody>"), let end = dom.range(of: "</tbody>") else {
            Issue.record("no table in the rendered page")
            return
        }
        let durations: [Int] = dom[body.upperBound..<end.lowerBound].components(separatedBy: "<tr>").dropFirst().compactMap { row in
            let values = row.components(separatedBy: "data-v=\"").dropFirst().map { $0.prefix { $0 != "\"" } }
            return values.count > 4 ? Int(values[values.startIndex + 4]) : nil
        }
        #expect(durations.count > 100)
        #expect(durations == durations.sorted(by: >), "rows not sorted by duration")
        #expect(dom.contains("aria-sort=\"descending\""))
    }
}
