import Foundation
import PcapCraft
import Testing

/// tcpdump's habits on the command line: option values attached to their letter, letters run
/// together, `--version`, messages for bad numbers, and `-c` counting the packets printed.
struct TcpdumpHabitsTests {
    static let document = "Fixtures/pcap/crafted/document-example.pcap"

    /// Three UDP packets (the document example's first frames with the IP protocol set to 17),
    /// then the document example's 10 TCP packets.
    static func udpThenTCP() -> String {
        let capture = Scenarios.documentExample()
        var writer = PcapFileWriter()
        for r in capture.records.prefix(3) {
            var frame = r.frame
            frame[14 + 9] = 17
            writer.append(seconds: r.seconds, nanoseconds: r.nanos, frame: frame)
        }
        for r in capture.records { writer.append(seconds: r.seconds, nanoseconds: r.nanos, frame: r.frame) }
        return Harness.temporaryFile("udp-then-tcp.pcap", writer.bytes)
    }

    @Test("attached values and run-together letters print what the spelled-out options print", arguments: [
        (["-c2", "-r\(document)"], ["-c", "2", "-r", document]),
        (["-nnr", document, "-c", "3"], ["-n", "-n", "-r", document, "-c", "3"]),
        (["-nnc3", "-r", document], ["-c", "3", "-r", document]),
        (["-vvv", "-c1", "-r", document], ["-v", "-v", "-v", "-c", "1", "-r", document]),
        (["-#Sttc4", "-r", document], ["-#", "-S", "-tt", "-c", "4", "-r", document]),
        (["-s0", "-r", document], ["-r", document]),
        (["-lnnc3", "-r", document], ["-l", "-c", "3", "-r", document]),
        (["-r", document, "--conn-log", "-c2"], ["-r", document, "--conn-log=tsv", "-c", "2"]),
    ])
    func attachedValues(attached: [String], spelled: [String]) {
        let a = Harness.tcpwave(attached), b = Harness.tcpwave(spelled)
        #expect(a.status == 0, "\(attached): \(a.stderr)")
        #expect(b.status == 0, "\(spelled): \(b.stderr)")
        let mask = { (s: String) in s.split(separator: "\n").filter { !$0.hasPrefix("#open") && !$0.hasPrefix("#close") } }
        #expect(mask(a.stdout) == mask(b.stdout), "\(attached)")
        #expect(!a.stdout.isEmpty)
    }

    @Test("-wFILE and -UwFILE save the packets, as -w FILE does", arguments: ["-w", "-Uw"])
    func attachedWriteFile(_ letters: String) throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tcpwave-attached-\(getpid())\(letters).pcap").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let r = Harness.tcpwave(["\(letters)\(path)", "-c3", "-r", TcpdumpHabitsTests.document])
        #expect(r.status == 0, "\(r.stderr)")
        let again = Harness.tcpwave(["-r", path])
        #expect(again.stdout.split(separator: "\n").count == 3)
    }

    @Test("--version names tcpwave's version and libpcap's, as tcpdump does")
    func version() {
        let r = Harness.tcpwave(["--version"])
        #expect(r.status == 0)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 2, "\(r.stdout)")
        #expect(lines.first == "tcpwave version 0.9.0")
        #expect(lines.last?.hasPrefix("libpcap version ") == true, "\(r.stdout)")
        if let tcpdump = Harness.which("tcpdump") {
            // The same libpcap line as tcpdump's (both link the system's libpcap).
            let theirs = Harness.run(tcpdump, ["--version"])
            #expect(theirs.stdout.split(separator: "\n").map(String.init).contains(lines.last ?? ""), "\(theirs.stdout)")
        }
    }

    @Test("a negative or malformed number is named with what is wrong with it", arguments: [
        (["-c", "-5"], "Error: -c -5: the packet count must be positive"),
        (["-c-5"], "Error: -c -5: the packet count must be positive"),
        (["-c", "0"], "Error: -c 0: the packet count must be positive"),
        (["-c", "abc"], "Error: The value 'abc' is invalid for '-c <count>': not a number"),
        (["-c", "1.5"], "Error: The value '1.5' is invalid for '-c <count>': not a whole number"),
        (["-c", "99999999999999999999"], "Error: The value '99999999999999999999' is invalid for '-c <count>': too large"),
        (["-s", "-1"], "Error: -s -1: the snapshot length must be between 0"),
        (["-s", "300000"], "Error: -s 300000: the snapshot length must be between 0"),
        (["--msl", "-5"], "Error: --msl -5.0: must be more than 0"),
        (["--msl", "ten"], "Error: The value 'ten' is invalid for '--msl <seconds>': not a number of seconds"),
        (["--idle-timeout", "inf"], "Error: The value 'inf' is invalid for '--idle-timeout <seconds>': not a finite number"),
        (["--max-flows", "-1"], "Error: --max-flows -1: must be positive"),
        (["--syn-flood-threshold", "-2"], "Error: --syn-flood-threshold -2: must be 0 (off) or positive"),
    ])
    func badNumbers(arguments: [String], message: String) {
        let r = Harness.tcpwave(["-r", TcpdumpHabitsTests.document] + arguments)
        #expect(r.status == 64, "\(arguments): \(r.stderr)")
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.hasPrefix(message), "\(arguments): \(r.stderr)")
        #expect(!r.stderr.contains("Missing value"))
    }

    @Test("-c N stops after N printed (TCP) packets, on both reading paths and with -r -", arguments: [
        [], ["--single-thread"], ["--summary"],
    ])
    func countPrinted(extra: [String]) throws {
        let path = TcpdumpHabitsTests.udpThenTCP()
        let r = Harness.tcpwave(["-nn", "-c", "4", "-r", path] + extra)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("tcpwave: 7 packets read: 4 TCP, 3 other, 0 malformed"), "\(r.stderr)")
        if extra.isEmpty || extra == ["--single-thread"] {
            #expect(r.stdout.split(separator: "\n").count == 4, "\(r.stdout)")
        }
        let piped = Harness.tcpwave(["-nn", "-c", "4", "-r", "-"] + extra, stdin: try Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(piped.stdout == r.stdout)
    }
}
