import Foundation
import PcapCraft
import Testing

/// The SYN floods the detector once missed (Fixtures/floods, written by `tcpwave-craft floods`):
/// golden ALERT lines, and the committed captures are the ones tcpwave-craft writes.
struct SynFloodFixtureTests {
    static let names = ["flood-after-quiet-servers", "short-flood-at-end"]

    @Test("golden ALERT lines: a flood after 1,100 quiet servers, a flood shorter than the grace period at the end", arguments: names)
    func golden(_ name: String) throws {
        let result = Harness.tcpwave(["-r", "Fixtures/floods/\(name).pcap", "--summary"])
        #expect(result.status == 0, "\(name): \(result.stderr)")
        let lines = result.stdout.split(separator: "\n").filter { $0.hasPrefix("ALERT ") }.map { $0 + "\n" }.joined()
        #expect(lines.contains("ALERT syn-flood start"), "\(name): no SYN flood alert")
        let golden = Harness.packageRoot.appendingPathComponent("Fixtures/golden/floods-\(name).pcap.alerts.txt")
        if ProcessInfo.processInfo.environment["RECORD_GOLDEN"] == "1" {
            try lines.write(to: golden, atomically: true, encoding: .utf8)
            Issue.record("recorded floods-\(name); rerun without RECORD_GOLDEN")
            return
        }
        #expect(lines == (try String(contentsOf: golden, encoding: .utf8)), "floods-\(name) differs; RECORD_GOLDEN=1 rewrites it")
    }

    @Test("the committed flood fixtures are the ones tcpwave-craft writes")
    func fixturesAreCurrent() {
        let written = Scenarios.floods()
        #expect(written.map(\.name) == SynFloodFixtureTests.names)
        for capture in written {
            let path = Harness.packageRoot.appendingPathComponent("Fixtures/floods/\(capture.name).pcap").path
            #expect(FileManager.default.contents(atPath: path) == Data(capture.pcap().bytes),
                    "\(capture.name) differs; run tcpwave-craft floods Fixtures/floods")
        }
    }
}
