import Foundation
import Testing

/// Stuck-state and pile-up alerts on the crafted captures made for them: golden ALERT lines,
/// the same records in --json, the thresholds as options, and silence where nothing is stuck.
struct StuckStateAlertTests {
    static let cases: [(String, [String])] = [
        ("Fixtures/pcap/crafted/close-wait-stuck.pcap", []),
        ("Fixtures/pcap/crafted/fin-wait-2-stuck.pcap", []),
        ("Fixtures/pcap/crafted/last-ack-stuck.pcap", []),
        ("Fixtures/pcap/crafted/time-wait-pileup.pcap", ["--ephemeral-ports", "500", "--msl", "10"]),
        ("Fixtures/pcap/crafted/syn-flood.pcap", ["--half-open-threshold", "40"]),
    ]

    static func alertLines(_ fixture: String, _ flags: [String]) -> String {
        let result = Harness.tcpwave(["-r", fixture, "--summary"] + flags)
        return result.stdout.split(separator: "\n").filter { $0.hasPrefix("ALERT ") && !$0.hasPrefix("ALERT syn-flood") }
            .map { $0 + "\n" }.joined()
    }

    @Test("golden ALERT lines for each stuck state and pile-up", arguments: cases.map(\.0))
    func golden(_ fixture: String) throws {
        let flags = StuckStateAlertTests.cases.first { $0.0 == fixture }!.1
        let lines = StuckStateAlertTests.alertLines(fixture, flags)
        #expect(!lines.isEmpty, "\(fixture): no alert")
        let name = fixture.replacingOccurrences(of: "Fixtures/pcap/", with: "").replacingOccurrences(of: "/", with: "-") + ".alerts.txt"
        let golden = Harness.packageRoot.appendingPathComponent("Fixtures/golden/\(name)")
        if ProcessInfo.processInfo.environment["RECORD_GOLDEN"] == "1" {
            try lines.write(to: golden, atomically: true, encoding: .utf8)
            Issue.record("recorded \(name); rerun without RECORD_GOLDEN")
            return
        }
        #expect(lines == (try String(contentsOf: golden, encoding: .utf8)), "\(name) differs; RECORD_GOLDEN=1 rewrites it")
    }

    @Test("nothing stuck, nothing piled up: no state alert on any other fixture")
    func silentElsewhere() {
        let mine = Set(StuckStateAlertTests.cases.map(\.0))
        for fixture in Harness.fixtures where !mine.contains(fixture) {
            #expect(StuckStateAlertTests.alertLines(fixture, []).isEmpty, "\(fixture)")
        }
        #expect(StuckStateAlertTests.alertLines("Fixtures/pcap/crafted/syn-flood.pcap", []).isEmpty)
    }

    @Test("--conn-log keeps standard output conn.log and writes the stuck-state alerts on standard error")
    func connLogAlertsOnStandardError() {
        let fixture = "Fixtures/pcap/crafted/close-wait-stuck.pcap"
        let result = Harness.tcpwave(["-r", fixture, "--conn-log"])
        let onError = result.stderr.split(separator: "\n").filter { $0.hasPrefix("ALERT ") }.map { $0 + "\n" }.joined()
        #expect(!onError.isEmpty)
        #expect(onError == StuckStateAlertTests.alertLines(fixture, []))
        #expect(!result.stdout.contains("ALERT"))
    }

    @Test("--json carries the same alerts as records; each start has its end")
    func json() throws {
        let result = Harness.tcpwave(["-r", "Fixtures/pcap/crafted/close-wait-stuck.pcap", "--json", "--summary"])
        let alerts = result.stdout.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }.filter { $0["type"] as? String == "alert" }
        #expect(alerts.map { $0["state"] as? String } == ["start", "ongoing", "end"])
        let start = try #require(alerts.first)
        #expect(start["alert"] as? String == "close_wait_stuck")
        #expect(start["target"] as? String == "10.20.0.1:8080")
        #expect(start["tcp_state"] as? String == "CLOSE_WAIT")
        #expect(start["count"] as? Int == 4)
        #expect(start["stuck_after"] as? Double == 60)
        #expect((start["oldest_since"] as? Double).map { abs($0 - 1_764_320_400.0085) < 1e-6 } == true)
        #expect(alerts.last?["end_of_input"] as? Bool == true)
        #expect(alerts.last?["peak"] as? Int == 4)
        let pileup = Harness.tcpwave(["-r", "Fixtures/pcap/crafted/time-wait-pileup.pcap", "--json", "--summary", "--ephemeral-ports", "500", "--msl", "10"])
        let records = pileup.stdout.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }.filter { $0["type"] as? String == "alert" }
        #expect(records.first?["alert"] as? String == "time_wait_pileup")
        #expect(records.first?["target"] as? String == "10.30.0.5")
        #expect(records.first?["ephemeral_ports"] as? Int == 500)
        #expect(records.first?["threshold"] as? Int == 375)
    }

    @Test("the limits are options: a longer --stuck-after or 0 silences the stuck alerts")
    func options() {
        let closeWait = "Fixtures/pcap/crafted/close-wait-stuck.pcap"
        #expect(StuckStateAlertTests.alertLines(closeWait, ["--stuck-after", "0"]).isEmpty)
        #expect(StuckStateAlertTests.alertLines(closeWait, ["--stuck-after", "200"]).isEmpty)
        #expect(StuckStateAlertTests.alertLines(closeWait, ["--stuck-after", "30"]).contains("longer than 30.000000 s"))
        // The default port range: 600 connections are far from a pile-up.
        #expect(StuckStateAlertTests.alertLines("Fixtures/pcap/crafted/time-wait-pileup.pcap", []).isEmpty)
        #expect(Harness.tcpwave(["-r", closeWait, "--stuck-after", "-1"]).status != 0)
        #expect(Harness.tcpwave(["-r", closeWait, "--ephemeral-ports", "70000"]).status != 0)
    }
}
