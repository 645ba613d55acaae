import Foundation
import Testing

/// The printed formats of every fixture, against the files in Fixtures/golden.
/// `RECORD_GOLDEN=1 swift test` rewrites them and fails, so a re-record is never silent.
struct GoldenTests {
    static let variants: [(String, [String])] = [
        ("lines", []),
        ("timeline", ["-t", "--timeline"]),
        ("summary", ["--summary"]),
    ]

    static var cases: [String] {
        Harness.fixtures.flatMap { fixture in variants.map { "\(fixture)|\($0.0)" } }
    }

    @Test("printed output matches the golden file", arguments: cases)
    func golden(_ key: String) throws {
        let parts = key.split(separator: "|").map(String.init)
        let fixture = parts[0], variant = parts[1]
        let flags = GoldenTests.variants.first { $0.0 == variant }!.1
        let result = Harness.tcpwave(["-r", fixture] + flags)
        #expect(result.status == 0, "\(fixture): \(result.stderr)")
        let name = fixture.replacingOccurrences(of: "Fixtures/pcap/", with: "")
            .replacingOccurrences(of: "/", with: "-") + ".\(variant).txt"
        let golden = Harness.packageRoot.appendingPathComponent("Fixtures/golden/\(name)")
        if ProcessInfo.processInfo.environment["RECORD_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(at: golden.deletingLastPathComponent(), withIntermediateDirectories: true)
            try result.stdout.write(to: golden, atomically: true, encoding: .utf8)
            Issue.record("recorded \(name); rerun without RECORD_GOLDEN")
            return
        }
        let expected = try String(contentsOf: golden, encoding: .utf8)
        #expect(result.stdout == expected, "\(name) differs; RECORD_GOLDEN=1 rewrites it")
    }

    /// Machine-readable output (--json, --conn-log) of a few fixtures. The loopback captures
    /// carry offloaded (wrong) TCP checksums, so they run with --ignore-checksums as `zeek -C`
    /// would. conn.log's #open/#close wall-clock times are masked as btest masks them.
    static let machineVariants: [(String, [String])] = [
        ("json", ["--json"]),
        ("json-summary", ["--json", "--summary"]),
        ("json-timeline", ["--json", "--timeline"]),
        ("conn-log", ["--conn-log"]),
        ("conn-log-json", ["--conn-log=json"]),
    ]
    static let machineFixtures: [(String, [String])] = [
        ("Fixtures/pcap/crafted/document-example.pcap", []),
        ("Fixtures/pcap/crafted/midstream.pcap", []),
        ("Fixtures/pcap/crafted/port-reuse.pcap", []),
        ("Fixtures/pcap/crafted/handshake-ack-mismatch.pcap", []),
        ("Fixtures/pcap/real/ipv6-normal.pcap", ["--ignore-checksums"]),
        ("Fixtures/pcap/real/rst-by-server.pcap", ["--ignore-checksums", "--nano"]),
        ("Fixtures/pcap/fragments/ipv4-out-of-order.pcap", []),
        ("Fixtures/pcap/fragments/ipv4-tso-bad-len-0.pcap", []),
    ]

    static var machineCases: [String] {
        machineFixtures.flatMap { fixture in machineVariants.map { "\(fixture.0)|\($0.0)" } }
    }

    @Test("--json and --conn-log output matches the golden file", arguments: machineCases)
    func machineGolden(_ key: String) throws {
        let parts = key.split(separator: "|").map(String.init)
        let fixture = parts[0], variant = parts[1]
        let flags = GoldenTests.machineVariants.first { $0.0 == variant }!.1 + GoldenTests.machineFixtures.first { $0.0 == fixture }!.1
        let result = Harness.tcpwave(["-r", fixture] + flags)
        #expect(result.status == 0, "\(fixture): \(result.stderr)")
        let output = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            line.hasPrefix("#open\t") ? "#open\tXXXX-XX-XX-XX-XX-XX" : (line.hasPrefix("#close\t") ? "#close\tXXXX-XX-XX-XX-XX-XX" : String(line))
        }.joined(separator: "\n")
        let name = fixture.replacingOccurrences(of: "Fixtures/pcap/", with: "")
            .replacingOccurrences(of: "/", with: "-") + ".\(variant).txt"
        let golden = Harness.packageRoot.appendingPathComponent("Fixtures/golden/\(name)")
        if ProcessInfo.processInfo.environment["RECORD_GOLDEN"] == "1" {
            try output.write(to: golden, atomically: true, encoding: .utf8)
            Issue.record("recorded \(name); rerun without RECORD_GOLDEN")
            return
        }
        let expected = try String(contentsOf: golden, encoding: .utf8)
        #expect(output == expected, "\(name) differs; RECORD_GOLDEN=1 rewrites it")
    }

    @Test("the document's example prints the document's table")
    func documentTable() {
        let lines = Harness.tcpwave(["-t", "-r", "Fixtures/pcap/crafted/document-example.pcap"]).stdout
            .split(separator: "\n").map { $0.components(separatedBy: " | ").dropFirst().joined(separator: " | ") }
        let expected = [
            (0, "#1 handshake 1/3 | client CLOSED->SYN_SENT | server CLOSED->LISTEN?"),
            (1, "#1 handshake 2/3 | client SYN_SENT | server LISTEN->SYN_RECEIVED"),
            (2, "#1 handshake 3/3 | client SYN_SENT->ESTABLISHED | server SYN_RECEIVED->ESTABLISHED"),
            (7, "#1 teardown 1/4 (client FIN) | client ESTABLISHED->FIN_WAIT_1 | server ESTABLISHED"),
            (8, "#1 teardown 2/4 (server ACK) | client FIN_WAIT_1->FIN_WAIT_2 | server ESTABLISHED->CLOSE_WAIT"),
            (9, "#1 teardown 3/4 (server FIN) | client FIN_WAIT_2 | server CLOSE_WAIT->LAST_ACK"),
            (10, "#1 teardown 4/4 (client ACK) | client FIN_WAIT_2->TIME_WAIT | server LAST_ACK->CLOSED"),
        ]
        #expect(lines.count == 11)
        for (index, annotation) in expected where index < lines.count {
            #expect(lines[index] == annotation)
        }
    }
}
