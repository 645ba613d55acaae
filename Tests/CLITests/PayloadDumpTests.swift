import Foundation
import Testing

/// `-x`, `-xx`, `-X`, `-XX`, `-A`, `-AA` against tcpdump's own expected outputs and against
/// Debian's tcpdump. A packet matches when its line agrees as DifferentialTests require (up to
/// `length N`) and its dump is tcpdump's last lines for that packet, byte for byte: tcpdump may
/// print application-layer text between the two, which tcpwave does not decode.
enum DumpComparison {
    static let forms = ["-x", "-xx", "-X", "-XX", "-A", "-AA"]

    /// Packet number → its text, continuation lines joined (blank lines at the end dropped).
    static func packets(_ text: String) -> [Int: String] {
        Differential.packets(text).mapValues { var s = Substring($0); while s.hasSuffix("\n") { s = s.dropLast() }; return String(s) }
    }

    struct Tally {
        var compared = 0
        var identical = 0
        var mismatches: [String] = []
        mutating func add(_ other: Tally) {
            compared += other.compared
            identical += other.identical
            mismatches += other.mismatches
        }
    }

    /// tcpwave with and without the dump, so the dump is what the letters added.
    static func compare(_ file: String, base: [String], dump: String, theirs: String, timezone: String = "UTC") -> Tally {
        let withDump = packets(Harness.run(Harness.tcpwave, ["-#", "-r", file, "--no-annotate"] + base + [dump], timezone: timezone).stdout)
        let plain = packets(Harness.run(Harness.tcpwave, ["-#", "-r", file, "--no-annotate"] + base, timezone: timezone).stdout)
        let expected = packets(theirs)
        var tally = Tally()
        for (n, ours) in withDump.sorted(by: { $0.key < $1.key }) {
            tally.compared += 1
            let line = plain[n] ?? ""
            let other = expected[n] ?? "<tcpdump printed nothing>"
            let dumpText = ours.hasPrefix(line) ? String(ours.dropFirst(line.count)) : "<the dump changed the line>"
            if other.hasSuffix(dumpText), Differential.matches(ours: line, theirs: String(other.dropLast(dumpText.count))) {
                tally.identical += 1
            } else {
                tally.mismatches.append("\(file) [\((base + [dump]).joined(separator: " "))] packet \(n)\n  tcpdump: \(other)\n  tcpwave: \(ours)")
            }
        }
        return tally
    }

    static var corpusFiles: [String] {
        ["tcpdump", "zeek/traces", "other/gopacket"].flatMap { dir -> [String] in
            let path = Harness.corpus.appendingPathComponent(dir).path
            return ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [])
                .filter { $0.hasSuffix(".pcap") || $0.hasSuffix(".pcapng") }
                .sorted().map { "\(path)/\($0)" }
        }
    }
}

struct PayloadDumpTests {
    /// The rows of tcpdump's MANIFEST.tsv whose options ask for a dump: name, capture, expected
    /// output, options.
    static func corpusRows() -> [(name: String, capture: String, expected: String, options: [String])] {
        let manifest = Harness.corpus.appendingPathComponent("tcpdump/MANIFEST.tsv").path
        guard let text = try? String(contentsOfFile: manifest, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").dropFirst().compactMap { line in
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard f.count > 3 else { return nil }
            let options = f[3].split(separator: " ").map(String.init)
            guard options.contains(where: { DumpComparison.forms.contains($0) }) else { return nil }
            return (f[0], f[1], f[2], options)
        }
    }

    @Test("tcpdump's own -x/-xx/-X/-XX/-A/-AA tests: every TCP packet identical to the expected output")
    func tcpdumpCorpusExpectedOutputs() throws {
        guard FileManager.default.fileExists(atPath: Harness.corpus.path) else {
            print("skipped: \(Harness.corpus.path) is absent (the shared conformance corpus)")
            return
        }
        let rows = PayloadDumpTests.corpusRows()
        #expect(rows.count >= 6, "MANIFEST.tsv rows with a dump option")
        var total = DumpComparison.Tally()
        let dir = Harness.corpus.appendingPathComponent("tcpdump").path
        for row in rows {
            let expected = try String(contentsOfFile: "\(dir)/\(row.expected)", encoding: .utf8)
            let dump = row.options.first { DumpComparison.forms.contains($0) }!
            let base = ["-n", "-tttt"] + row.options.filter { $0 != dump }
            let t = DumpComparison.compare("\(dir)/\(row.capture)", base: base, dump: dump, theirs: expected, timezone: "GMT0")
            #expect(t.compared > 0, "\(row.name): tcpwave printed no packets")
            total.add(t)
        }
        print("tcpdump corpus dump tests: \(total.identical)/\(total.compared) TCP packets identical over \(rows.count) tests")
        #expect(total.mismatches.isEmpty, "\(total.mismatches.prefix(5).joined(separator: "\n"))")
    }

    @Test("every TCP packet of every fixture dumps as tcpdump dumps it", arguments: DumpComparison.forms)
    func fixtures(dump: String) throws {
        guard let tcpdump = Harness.which("tcpdump") else {
            print("skipped: tcpdump is not installed (apt-get install tcpdump)")
            return
        }
        var total = DumpComparison.Tally()
        for file in Harness.fixtures {
            let theirs = Harness.run(tcpdump, ["-#", "-nn", "-r", file, dump]).stdout
            total.add(DumpComparison.compare(file, base: ["-nn"], dump: dump, theirs: theirs))
        }
        print("fixtures [\(dump)]: \(total.identical)/\(total.compared) TCP packets identical to tcpdump")
        #expect(total.compared > 1000)
        #expect(total.mismatches.isEmpty, "\(total.mismatches.prefix(5).joined(separator: "\n"))")
    }

    /// With the letter doubled the dump starts at the frame: 100%. From the network header on,
    /// tcpdump dumps the whole frame instead when one of its application-layer printers (SSH,
    /// telnet, OpenFlow, RESP...) stopped at the end of the captured bytes; tcpwave decodes no
    /// application protocols, so those few packets (12 of 6,635 when written) differ.
    @Test("the shared corpus dumps as tcpdump dumps it", arguments: [("-xx", 100.0), ("-XX", 100.0), ("-AA", 100.0), ("-x", 99.7), ("-X", 99.7), ("-A", 99.7)])
    func corpus(dump: String, target: Double) throws {
        guard let tcpdump = Harness.which("tcpdump") else {
            print("skipped: tcpdump is not installed (apt-get install tcpdump)")
            return
        }
        guard FileManager.default.fileExists(atPath: Harness.corpus.path) else {
            print("skipped: \(Harness.corpus.path) is absent (the shared conformance corpus)")
            return
        }
        var total = DumpComparison.Tally()
        for file in DumpComparison.corpusFiles {
            let theirs = Harness.run(tcpdump, ["-#", "-nn", "-r", file, dump]).stdout
            total.add(DumpComparison.compare(file, base: ["-nn"], dump: dump, theirs: theirs))
        }
        let percent = total.compared == 0 ? 0 : Double(total.identical) * 100 / Double(total.compared)
        print("corpus [\(dump)]: \(total.identical)/\(total.compared) TCP packets identical to tcpdump (\(String(format: "%.2f", percent))%)")
        for m in total.mismatches { print("mismatch: \(m.prefix(400))") }
        #expect(total.compared > 5000)
        #expect(percent >= target)
    }

    @Test("the annotation stays on the packet's first line, the dump below it")
    func annotationOnFirstLine() {
        let r = Harness.tcpwave(["-r", TcpdumpHabitsTests.document, "-X", "-c", "1"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.first?.contains("handshake 1/3") == true, "\(r.stdout)")
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix("\t0x") }, "\(r.stdout)")
    }

    @Test("-X wins over -x and -A, run-together letters included", arguments: [["-xX"], ["-AX"], ["-x", "-X"], ["-nXA"]])
    func precedence(letters: [String]) {
        let a = Harness.tcpwave(["-r", TcpdumpHabitsTests.document, "-c", "2"] + letters)
        let b = Harness.tcpwave(["-r", TcpdumpHabitsTests.document, "-c", "2", "-X"])
        #expect(a.status == 0, "\(a.stderr)")
        #expect(a.stdout == b.stdout)
    }

    @Test("-xxx is refused with a message naming the letters")
    func tripled() {
        let r = Harness.tcpwave(["-r", TcpdumpHabitsTests.document, "-xxx"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("-xx"), "\(r.stderr)")
    }
}
