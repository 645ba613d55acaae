import Foundation
import PcapCraft
import Testing

/// Damaged captures (Fixtures/malformed, written by `tcpwave-craft malformed`): each has a golden
/// record of what tcpwave prints on both streams and its exit status. Nothing may crash, every
/// rejected input is named with the file and packet, and what precedes the damage is printed.
struct MalformedCaptureTests {
    static var files: [String] {
        let dir = Harness.packageRoot.appendingPathComponent("Fixtures/malformed").path
        return ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [])
            .filter { $0.hasSuffix(".pcap") }.sorted().map { "Fixtures/malformed/\($0)" }
    }

    @Test("the committed malformed fixtures are the ones tcpwave-craft writes")
    func fixturesAreCurrent() throws {
        let written = MalformedCaptures.all()
        #expect(Set(written.map { "Fixtures/malformed/\($0.name).pcap" }) == Set(MalformedCaptureTests.files))
        for (name, bytes) in written {
            let path = Harness.packageRoot.appendingPathComponent("Fixtures/malformed/\(name).pcap").path
            #expect(FileManager.default.contents(atPath: path) == Data(bytes), "\(name) differs; run tcpwave-craft malformed Fixtures/malformed")
        }
    }

    @Test("each malformed capture prints its golden output and exit status", arguments: MalformedCaptureTests.files)
    func golden(_ file: String) throws {
        let r = Harness.tcpwave(["-r", file])
        #expect(r.status == 0 || r.status == 1, "\(file): exit \(r.status) (a crash?)")
        for line in r.stderr.split(separator: "\n") where line.hasPrefix("tcpwave: ") && !line.contains(" packets read") && !line.contains(" packet read") {
            #expect(line.contains(file), "an error line must name the file: \(line)")
        }
        let record = "exit \(r.status)\n--- stdout\n\(r.stdout)--- stderr\n\(r.stderr)"
        let name = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
        let golden = Harness.packageRoot.appendingPathComponent("Fixtures/golden/malformed-\(name).txt")
        if ProcessInfo.processInfo.environment["RECORD_GOLDEN"] == "1" {
            try record.write(to: golden, atomically: true, encoding: .utf8)
            Issue.record("recorded \(golden.lastPathComponent); rerun without RECORD_GOLDEN")
            return
        }
        #expect(record == (try String(contentsOf: golden, encoding: .utf8)), "\(name) differs; RECORD_GOLDEN=1 rewrites it")
    }

    @Test("tcpdump's own malformed-input captures: no crash, and the TCP lines agree with tcpdump")
    func tcpdumpMalformedCorpus() throws {
        let dir = Harness.corpus.appendingPathComponent("tcpdump")
        guard let manifest = try? String(contentsOf: dir.appendingPathComponent("MANIFEST.tsv"), encoding: .utf8) else {
            print("skipped: \(dir.path) is absent (the shared conformance corpus)")
            return
        }
        let rows = manifest.split(separator: "\n").dropFirst().map { $0.split(separator: "\t", omittingEmptySubsequences: false) }
        let captures = Set(rows.filter { $0.count > 9 && $0[9] == "malformed" }.map { String($0[1]) })
        #expect(captures.count > 10)
        let tcpdump = Harness.which("tcpdump")
        var compared = 0, identical = 0
        for capture in captures.sorted() {
            let path = dir.appendingPathComponent(capture).path
            let r = Harness.tcpwave(["-r", path, "-v"])
            #expect(r.status == 0 || r.status == 1, "\(capture): exit \(r.status)")
            if let tcpdump {
                let t = Differential.compare(path, options: ["-v"], tcpdump: tcpdump)
                compared += t.compared
                identical += t.identical
                for m in t.mismatches { print("mismatch: \(m)") }
            }
        }
        if tcpdump == nil {
            print("tcpdump absent: checked only that tcpwave survives \(captures.count) malformed captures")
        } else {
            print("tcpdump's malformed captures: \(identical)/\(compared) TCP lines identical to tcpdump -v over \(captures.count) captures")
            #expect(identical == compared)
        }
    }
}
