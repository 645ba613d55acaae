import Foundation
import PcapCraft
import Testing

/// The small truths of issue 14: `-tt` past 2^31 − 1 seconds as tcpdump prints it (D1), what a
/// summary says of a half-closed connection that was idle-expired or evicted (D2), negative
/// offsets (D8), `1 pkt`, `closed: still open at end of capture`, `LISTEN?` in summaries, and a path
/// named once. The captures in Fixtures/reliability are written by its make_pcaps.py (the same
/// script as the shared reproductions).
struct SmallTruthsTests {
    static let dir = "Fixtures/reliability"

    /// Golden text: the expected output, exactly.
    static let goldens: [(name: String, arguments: [String], stdout: String)] = [
        ("D1 -tt at 2^31 - 1 and 2^31 seconds", ["-nn", "-tt", "--no-annotate", "-r", "\(dir)/tt-2038.pcap"], """
        2147483647.000000 IP 10.201.9.1.41002 > 10.201.9.2.80: Flags [S], seq 1000, win 64240, length 0
        [Error converting time] IP 10.201.9.1.41003 > 10.201.9.2.80: Flags [S], seq 1000, win 64240, length 0

        """),
        ("D1 -tt with if_tsoffset 2^62 s: seconds cut to 32 bits", ["-nn", "-tt", "--no-annotate", "-r", "\(dir)/tsoffset-huge.pcapng"], """
        1700000000.000000 IP 10.201.9.1.47000 > 10.201.9.2.80: Flags [S], seq 1000, win 64240, length 0
        1700000000.000001 IP 10.201.9.2.80 > 10.201.9.1.47000: Flags [S.], seq 5000, ack 1001, win 64240, length 0
        1700000000.000002 IP 10.201.9.1.47000 > 10.201.9.2.80: Flags [.], ack 1, win 64240, length 0

        """),
        ("D1 -tttt with if_tsoffset 2^62 s: no calendar date", ["-nn", "-tttt", "--no-annotate", "-c", "1", "-r", "\(dir)/tsoffset-huge.pcapng"], """
        [Error converting time] IP 10.201.9.1.47000 > 10.201.9.2.80: Flags [S], seq 1000, win 64240, length 0

        """),
        ("D2 half-closed, then idle-expired", ["--summary", "-r", "\(dir)/half-closed-then-idle.pcap"], """
        #1 summary 10.201.9.1:45000 > 10.201.9.2:80: opened 3-way handshake; closed half-closed by client, never fully (idle timeout); handshake RTT 0.002000 s; duration 0.005000 s; client 4 pkts 7 B, server 2 pkts 10 B; final client FIN_WAIT_1, server ESTABLISHED
        #2 summary 10.201.9.1:45001 > 10.201.9.2:80: opened 3-way handshake; closed: still open at end of capture; handshake RTT 0.002000 s; duration 0.002000 s; client 2 pkts 0 B, server 1 pkt 0 B; final client ESTABLISHED, server ESTABLISHED

        """),
        ("D2 half-closed, then evicted", ["--summary", "--max-flows", "1", "-r", "\(dir)/half-closed-two.pcap"], """
        #1 summary 10.201.9.1:45000 > 10.201.9.2:80: opened 3-way handshake; closed half-closed by client, never fully (evicted: flow table full); handshake RTT 0.002000 s; duration 0.005000 s; client 4 pkts 7 B, server 2 pkts 10 B; final client FIN_WAIT_1, server ESTABLISHED
        #2 summary 10.201.9.1:45001 > 10.201.9.2:80: opened 3-way handshake; closed: still open at end of capture; handshake RTT 0.002000 s; duration 0.002000 s; client 2 pkts 0 B, server 1 pkt 0 B; final client ESTABLISHED, server ESTABLISHED

        """),
        ("half-closed at the end of the capture", ["--summary", "-c", "6", "-r", "\(dir)/half-closed-two.pcap"], """
        #1 summary 10.201.9.1:45000 > 10.201.9.2:80: opened 3-way handshake; closed half-closed by client, still open at end of capture; handshake RTT 0.002000 s; duration 0.005000 s; client 4 pkts 7 B, server 2 pkts 10 B; final client FIN_WAIT_1, server ESTABLISHED

        """),
        ("LISTEN? in a summary as on the line", ["--summary", "-c", "1", "-r", "Fixtures/pcap/crafted/document-example.pcap"], """
        #1 summary 192.168.1.116:3337 > 192.168.1.123:7788: opened unanswered SYN; closed: still open at end of capture; duration 0.000000 s; client 1 pkt 0 B, server 0 pkts 0 B; final client SYN_SENT, server LISTEN?; half-open (no SYN-ACK) at end of capture, age 0.000000 s

        """),
    ]

    @Test("summaries, timelines and -tt print the golden text", arguments: goldens.map(\.name))
    func golden(_ name: String) {
        let g = SmallTruthsTests.goldens.first { $0.name == name }!
        let r = Harness.tcpwave(g.arguments)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == g.stdout, "\(name):\n\(r.stdout)")
    }

    @Test("the captures in Fixtures/reliability are the ones its make_pcaps.py writes")
    func capturesAreCurrent() throws {
        guard let python = Harness.which("python3") else {
            print("skipped: python3 is not installed")
            return
        }
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("tcpwave-reliability-\(getpid())")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: out) }
        let r = Harness.run(python, ["\(SmallTruthsTests.dir)/make_pcaps.py", out.path])
        #expect(r.status == 0, "\(r.stderr)")
        for name in ["tt-2038.pcap", "tsoffset-huge.pcapng", "half-closed-then-idle.pcap", "half-closed-two.pcap", "ts-backwards-1conn.pcap"] {
            let committed = FileManager.default.contents(atPath: Harness.packageRoot.appendingPathComponent("\(SmallTruthsTests.dir)/\(name)").path)
            #expect(committed != nil && committed == FileManager.default.contents(atPath: out.appendingPathComponent(name).path), "\(name)")
        }
    }

    @Test("D8: with time running backwards, offsets count from the earliest packet, negative times print as -0.001000, the duration stays positive")
    func negativeOffsets() {
        let r = Harness.tcpwave(["--timeline", "-r", "\(SmallTruthsTests.dir)/ts-backwards-1conn.pcap"])
        #expect(r.status == 0)
        #expect(!r.stdout.contains("+-"))
        #expect(r.stdout.contains("\n  +0.007000     server    LISTEN -> SYN_RECEIVED              2       -0.001000 s\n"), "\(r.stdout)")
        #expect(r.stdout.contains("\n  +0.008000     server    CLOSED -> LISTEN (inferred)         1       -\n"))
        #expect(r.stdout.contains("; duration 0.008000 s;"))
        let ladder = Harness.tcpwave(["--ladder", "-r", "\(SmallTruthsTests.dir)/ts-backwards-1conn.pcap"])
        #expect(!ladder.stdout.contains("+-"), "\(ladder.stdout)")
        #expect(ladder.stdout.contains("-0.001000"))
    }

    @Test("-tt, -tttt and the default clock print what tcpdump prints for out-of-range seconds", arguments: [
        "-tt", "-tttt", "-ttt", "-ttttt", "",
    ])
    func tcpdumpTimestamps(_ flag: String) throws {
        guard let tcpdump = Harness.which("tcpdump") else {
            print("skipped: tcpdump is not installed")
            return
        }
        // The shared capture, and one whose if_tsoffset (2^40 s) gives a year past 9999.
        let huge = try Data(contentsOf: Harness.packageRoot.appendingPathComponent("\(SmallTruthsTests.dir)/tsoffset-huge.pcapng"))
        var bytes = [UInt8](huge)
        let offset62: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0x40], offset40: [UInt8] = [0, 0, 0, 0, 0, 1, 0, 0]
        let at = try #require((0...(bytes.count - 8)).first { Array(bytes[$0..<($0 + 8)]) == offset62 })
        bytes.replaceSubrange(at..<(at + 8), with: offset40)
        let longYear = Harness.temporaryFile("tsoffset-2e40.pcapng", bytes)
        for path in ["\(SmallTruthsTests.dir)/tt-2038.pcap", "\(SmallTruthsTests.dir)/tsoffset-huge.pcapng", longYear] {
            let flags = flag.isEmpty ? ["-nn"] : ["-nn", flag]
            let theirs = Harness.run(tcpdump, flags + ["-r", path])
            let ours = Harness.tcpwave(flags + ["--no-annotate", "-r", path])
            #expect(ours.stdout == theirs.stdout, "\(flag) \(path)")
        }
    }

    @Test("a capture that cannot be written is named once")
    func writeErrorNamesPathOnce() {
        let r = Harness.tcpwave(["-r", "Fixtures/pcap/crafted/document-example.pcap", "-w", "/nonexistent-dir/x.pcap"])
        #expect(r.status == 1)
        #expect(r.stderr == "tcpwave: /nonexistent-dir/x.pcap: cannot write capture: No such file or directory\n")
    }

    static let offloadWarning = "tcpwave: warning: 11 of 11 TCP packets (100.0%) have bad TCP checksums, most likely from checksum offloading on the capturing host; the Zeek columns leave them out as Zeek does (history 'C', conn_state often OTH). --ignore-checksums (Zeek's -C) counts them.\n"

    @Test("bad checksums (offload) are warned about once, at the end, with their share and --ignore-checksums", arguments: [
        ["--conn-log"], ["--json"], ["--json", "--summary"], ["--conn-log=json", "--single-thread"],
    ])
    func offloadWarning(_ flags: [String]) {
        let r = Harness.tcpwave(["-r", "Fixtures/pcap/real/ipv6-normal.pcap"] + flags)
        #expect(r.status == 0)
        #expect(r.stderr.hasSuffix(SmallTruthsTests.offloadWarning), "\(r.stderr)")
        #expect(r.stderr.components(separatedBy: "warning:").count == 2)
        let ignored = Harness.tcpwave(["-r", "Fixtures/pcap/real/ipv6-normal.pcap", "--ignore-checksums"] + flags)
        #expect(!ignored.stderr.contains("warning"), "\(ignored.stderr)")
    }

    @Test("no checksum warning for text output, for good checksums, or at Zeek's 5% threshold and below")
    func noOffloadWarning() {
        #expect(!Harness.tcpwave(["-r", "Fixtures/pcap/real/ipv6-normal.pcap"]).stderr.contains("warning"))
        #expect(!Harness.tcpwave(["-r", "Fixtures/pcap/crafted/document-example.pcap", "--conn-log"]).stderr.contains("warning"))
        // One bad TCP checksum among the document example's 11 packets is 9.1%: warned.
        let capture = Scenarios.documentExample()
        var one = PcapFileWriter()
        for (i, r) in capture.records.enumerated() {
            var frame = r.frame
            if i == 3 { frame[14 + 20 + 16] ^= 0xff }
            one.append(seconds: r.seconds, nanoseconds: r.nanos, frame: frame)
        }
        let path = Harness.temporaryFile("one-bad-checksum.pcap", one.bytes)
        let r = Harness.tcpwave(["-r", path, "--conn-log"])
        #expect(r.stderr.contains("tcpwave: warning: 1 of 11 TCP packets (9.1%) have bad TCP checksums"), "\(r.stderr)")
        // The same packet in a capture of 22: 4.5%, under Zeek's threshold.
        var many = PcapFileWriter()
        for r in capture.records { many.append(seconds: r.seconds, nanoseconds: r.nanos, frame: r.frame) }
        many.appendRaw(Array(one.bytes.dropFirst(24)))
        let quiet = Harness.tcpwave(["-r", Harness.temporaryFile("one-in-22.pcap", many.bytes), "--conn-log"])
        #expect(quiet.status == 0)
        #expect(!quiet.stderr.contains("warning"), "\(quiet.stderr)")
    }
}
