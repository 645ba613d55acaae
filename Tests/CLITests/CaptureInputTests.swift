import Foundation
import PcapCraft
import Testing

/// Reading paths: stdin, pcapng, nanosecond files, filters, -c.
struct CaptureInputTests {
    static let documentLines = Harness.tcpwave(["-r", "Fixtures/pcap/crafted/document-example.pcap"]).stdout

    @Test("reading standard input with -r - gives the same lines as the file")
    func standardInput() {
        let bytes = Scenarios.documentExample().pcap().bytes
        let r = Harness.tcpwave(["-r", "-"], stdin: Data(bytes))
        #expect(r.status == 0)
        #expect(r.stdout == CaptureInputTests.documentLines)
        #expect(r.stderr.hasPrefix("reading from file -, link-type EN10MB (Ethernet), snapshot length 262144\n"))
    }

    @Test("a nanosecond file prints microseconds by default and nanoseconds with --nano")
    func nanosecondFile() {
        var capture = Scenarios.documentExample()
        capture.records[0].nanos = 123_456_789
        let path = Harness.temporaryFile("nano.pcap", capture.pcap(nanosecond: true).bytes)
        #expect(Harness.tcpwave(["-r", path, "-c", "1"]).stdout.hasPrefix("09:00:00.123456 IP "))
        #expect(Harness.tcpwave(["-r", path, "-c", "1", "--nano"]).stdout.hasPrefix("09:00:00.123456789 IP "))
    }

    @Test("a trailing filter expression selects packets as tcpdump's does")
    func filter() {
        let r = Harness.tcpwave(["-r", "Fixtures/pcap/crafted/document-example.pcap", "tcp", "and", "src", "port", "7788"])
        #expect(r.status == 0)
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.count == 5)
        #expect(lines.allSatisfy { $0.contains("192.168.1.123.7788 > ") })
    }

    @Test("-c stops after that many packets")
    func count() {
        let r = Harness.tcpwave(["-r", "Fixtures/pcap/crafted/document-example.pcap", "-c", "3"])
        #expect(r.stdout.split(separator: "\n").count == 3)
        #expect(r.stderr.contains("3 packets read"))
    }

    @Test("--summary prints one line per connection and no packet lines")
    func summary() {
        let r = Harness.tcpwave(["-r", "Fixtures/pcap/crafted/port-reuse.pcap", "--summary"])
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines.allSatisfy { $0.hasPrefix("#") && $0.contains(" summary ") })
    }

    @Test("a contradictory option is refused before any work, naming the flags")
    func badOptions() {
        let r = Harness.tcpwave(["-r", "x.pcap", "--summary", "--timeline"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("--summary and --timeline"))
        let t = Harness.tcpwave(["-r", "x.pcap", "-tttttt"])
        #expect(t.stderr.contains("only -t, -tt, -ttt, -tttt and -ttttt are supported"))
    }
}
