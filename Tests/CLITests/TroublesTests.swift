import Foundation
import Testing

/// The troubles as the command line shows them: ALERT lines and JSON alert records, the
/// thresholds, `--note-names`, and the half-open count at the end.
struct TroublesTests {
    static let flood = "Fixtures/pcap/crafted/syn-flood.pcap"
    static let busy = "Fixtures/pcap/crafted/busy-server.pcap"

    @Test("a SYN flood prints start, ongoing and end ALERT lines; a busy healthy server none")
    func alertLines() {
        let flood = Harness.tcpwave(["-r", TroublesTests.flood])
        let alerts = flood.stdout.split(separator: "\n").filter { $0.hasPrefix("ALERT ") }
        #expect(alerts.count == 3)
        #expect(alerts.first?.hasPrefix("ALERT syn-flood start 10.9.0.1:80 at ") == true)
        #expect(alerts.first?.contains("101 half-open of 128 attempts in the 5.000000 s window") == true)
        #expect(alerts.first?.contains("top sources 198.51.100.7 x20") == true)
        #expect(alerts.dropFirst().first?.hasPrefix("ALERT syn-flood ongoing") == true)
        #expect(alerts.last?.hasPrefix("ALERT syn-flood end") == true)
        #expect(flood.stderr.contains("270 half-open at end"))
        let busy = Harness.tcpwave(["-r", TroublesTests.busy])
        #expect(busy.status == 0)
        #expect(!busy.stdout.contains("ALERT"))
        #expect(!busy.stderr.contains("half-open"))
    }

    @Test("thresholds are options: a higher threshold or 0 silences the alert, a shorter window changes it")
    func thresholds() {
        #expect(!Harness.tcpwave(["-r", TroublesTests.flood, "--syn-flood-threshold", "0"]).stdout.contains("ALERT"))
        #expect(!Harness.tcpwave(["-r", TroublesTests.flood, "--syn-flood-threshold", "1000"]).stdout.contains("ALERT"))
        let short = Harness.tcpwave(["-r", TroublesTests.flood, "--syn-flood-threshold", "20", "--syn-flood-window", "1"])
        #expect(short.stdout.contains("in the 1.000000 s window"))
        #expect(Harness.tcpwave(["-r", TroublesTests.flood, "--syn-flood-window", "0"]).status != 0)
        #expect(Harness.tcpwave(["-r", TroublesTests.flood, "--syn-flood-threshold", "-1"]).status != 0)
    }

    @Test("--json carries the alert records and the anomalies of each packet")
    func json() throws {
        let result = Harness.tcpwave(["--json", "-r", TroublesTests.flood])
        var alerts: [[String: Any]] = []
        for line in result.stdout.split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            if object["type"] as? String == "alert" { alerts.append(object) }
        }
        #expect(alerts.map { $0["state"] as? String } == ["start", "ongoing", "end"])
        let start = try #require(alerts.first)
        #expect(start["alert"] as? String == "syn_flood")
        #expect(start["target"] as? String == "10.9.0.1:80")
        #expect(start["half_open"] as? Int == 101)
        #expect(start["threshold"] as? Int == 100)
        let top = try #require(start["top_sources"] as? [[String: Any]])
        #expect(top.first?["src"] as? String == "198.51.100.7")
        #expect(top.first?["attempts"] as? Int == 20)

        let troubles = Harness.tcpwave(["--json", "-r", "Fixtures/pcap/crafted/troubles.pcap"]).stdout
        #expect(troubles.contains("\"anomalies\":[\"keepalive\"]"))
        #expect(troubles.contains("\"anomalies\":[\"retransmission\",\"fast_retransmission\"]"))
        #expect(troubles.contains("\"anomalies\":[\"rst_out_of_window\"]"))
    }

    @Test("--note-names prints every TCP packet's notes by machine name")
    func noteNames() {
        let lines = Harness.tcpwave(["--note-names", "-r", "Fixtures/pcap/real/keepalive.pcap"]).stdout
            .split(separator: "\n").map(String.init)
        #expect(lines.count == 17)
        #expect(lines.allSatisfy { $0.split(separator: "\t").count == 3 })
        #expect(lines.filter { $0.hasSuffix("\tkeepalive") }.count == 3)
        #expect(lines.filter { $0.hasSuffix("\tkeepalive_ack") }.count == 3)
        #expect(!lines.contains { $0.contains("retransmission") && $0.contains("keepalive") })
    }

    @Test("the text annotation shows the words after the step")
    func words() {
        let text = Harness.tcpwave(["-t", "-r", "Fixtures/pcap/crafted/troubles.pcap"]).stdout
        for phrase in ["previous segment not captured", "duplicate ack #2", "fast retransmission 1", "out-of-order",
                       "zero window probe ack, zero window", "window update", "spurious retransmission 1",
                       "| #1 keepalive |", "| #1 keepalive ack |",
                       "| #1 RST outside the receiver's window (a receiver drops it; injection?) | client ESTABLISHED | server ESTABLISHED"] {
            #expect(text.contains(phrase), "\(phrase)")
        }
    }
}
