import Foundation
import Synchronization
import Testing

/// The differential test seen from tcpdump's side: every TCP packet tcpdump prints (fragments,
/// TSO segments, tunnels and every link type included) must have tcpwave's identical line.
/// `DifferentialTests` compares only the lines tcpwave prints, so a packet tcpwave does not decode
/// is invisible there; here it counts as a miss.
///
/// Which packets are TCP is tshark's call (`tcp`, or IP protocol 6 for fragments tshark does not
/// reassemble here), minus ICMP errors quoting a TCP header and sFlow samples of one (tcpdump
/// prints neither as TCP). A packet tcpdump does not decode as
/// IP (an unknown EtherType printed as hex) has no TCP line to match and is not counted.
enum TcpdumpCoverage {
    static let tcpFilter = "(tcp or ip.proto == 6 or ipv6.nxt == 6 or ipv6.fraghdr.nxt == 6) and not icmp and not icmpv6 and not sflow"

    /// Frame numbers tshark decodes as TCP, per capture, computed once per test process.
    private static let tcpFramesCache = Mutex<[String: [Int]]>([:])

    static func tcpFrames(_ file: String, tshark: String) -> [Int] {
        if let known = tcpFramesCache.withLock({ $0[file] }) { return known }
        let output = Harness.run(tshark, ["-n", "-r", file, "-o", "ip.defragment:FALSE", "-o", "ipv6.defragment:FALSE",
                                          "-Y", tcpFilter, "-T", "fields", "-e", "frame.number"]).stdout
        let frames = output.split(separator: "\n").compactMap { Int($0) }
        tcpFramesCache.withLock { $0[file] = frames }
        return frames
    }

    /// tcpdump decoded the packet as IP (its first line names an IP layer), so a TCP line exists.
    static func printsIP(_ text: Substring) -> Bool {
        let first = text.prefix { $0 != "\n" }
        return first.range(of: #"\bIP6?\b"#, options: .regularExpression) != nil
    }

    struct Tally: Sendable {
        var captures = 0
        var packets = 0
        var identical = 0
        var missing = 0
        var examples: [String] = []

        mutating func add(_ other: Tally) {
            captures += other.captures
            packets += other.packets
            identical += other.identical
            missing += other.missing
            examples += other.examples.prefix(max(0, 40 - examples.count))
        }

        var percent: Double { packets == 0 ? 100 : Double(identical) * 100 / Double(packets) }
    }

    static func compare(_ file: String, options: [String], tcpdump: String, tshark: String) -> Tally {
        var tally = Tally()
        let frames = tcpFrames(file, tshark: tshark)
        guard !frames.isEmpty else { return tally }
        let theirs = PrintedPackets.tcpdump(tcpdump, file, options)
        let ours = PrintedPackets.tcpwave(file, options)
        for n in frames {
            guard let line = theirs[n], printsIP(Substring(line)) else { continue }
            tally.packets += 1
            if let mine = ours[n], Differential.matches(ours: mine, theirs: line) {
                tally.identical += 1
            } else {
                if ours[n] == nil { tally.missing += 1 }
                if tally.examples.count < 3 {
                    tally.examples.append("\(file) [\(options.joined(separator: " "))] packet \(n)\n  tcpdump: \(line.prefix(200))\n  tcpwave: \(ours[n].map { String($0.prefix(200)) } ?? "<nothing>")")
                }
            }
        }
        tally.captures = tally.packets > 0 ? 1 : 0
        return tally
    }

    /// The groups of the table: our fixtures and each part of the shared corpus.
    static func groups() -> [(name: String, files: [String])] {
        var result: [(String, [String])] = [("our fixtures", Harness.fixtures)]
        let corpus = TsharkConformance.corpusCaptures
        for (name, part) in [("tcpdump's tests", "/tcpdump/"), ("Zeek's traces", "/zeek/"), ("gopacket's tests", "/other/"), ("real-world (wild/)", "/wild/")] {
            result.append((name, corpus.filter { $0.contains(part) }))
        }
        return result
    }

    static func tally(_ files: [String], options: [String], tcpdump: String, tshark: String) -> Tally {
        let results = Mutex<[Tally]>([])
        DispatchQueue.concurrentPerform(iterations: files.count) { i in
            let t = compare(files[i], options: options, tcpdump: tcpdump, tshark: tshark)
            results.withLock { $0.append(t) }
        }
        return results.withLock { all in
            var total = Tally()
            for t in all { total.add(t) }
            return total
        }
    }

    /// What has been measured (README, docs/tcpdump-conformance.md); the test fails below it.
    static let floors: [String: Double] = [
        // wild/: 12 packets of dpkt/nb6-http.pcap are IPv6 TCP in L2TP in UDP in PPPoE (not decoded).
        "our fixtures": 100, "tcpdump's tests": 100, "Zeek's traces": 100, "gopacket's tests": 100,
        "real-world (wild/)": 99.98,
    ]
}

struct TcpdumpCoverageTests {
    @Test("every TCP packet tcpdump prints has tcpwave's identical line (fragments, TSO, tunnels, link types)",
          .enabled(if: Harness.which("tcpdump") != nil && Harness.which("tshark") != nil,
                   "tcpdump or tshark is not installed (apt-get install tcpdump tshark)"))
    func everyTCPPacketTcpdumpPrints() throws {
        let tcpdump = try #require(Harness.which("tcpdump")), tshark = try #require(Harness.which("tshark"))
        if !FileManager.default.fileExists(atPath: Harness.corpus.path) {
            print("skipped: \(Harness.corpus.path) is absent (the shared conformance corpus); fixtures only")
        }
        let optionSets: [[String]] = [[], ["-v"], ["-S", "-vv"]]
        var table = "| captures | TCP packets tcpdump prints | identical, default | `-v` | `-S -vv` |\n|---|---|---|---|---|\n"
        var failures: [String] = []
        for group in TcpdumpCoverage.groups() where !group.files.isEmpty {
            var cells: [String] = []
            var packets = 0, captures = 0
            for options in optionSets {
                let t = TcpdumpCoverage.tally(group.files, options: options, tcpdump: tcpdump, tshark: tshark)
                packets = t.packets
                captures = t.captures
                cells.append("\(t.identical) (\(String(format: "%.2f", t.percent))%)")
                for e in t.examples.prefix(8) { print("coverage miss: \(e)") }
                let floor = TcpdumpCoverage.floors[group.name] ?? 100
                if t.percent < floor {
                    failures.append("\(group.name) [\(options.joined(separator: " "))]: \(String(format: "%.2f", t.percent))% < \(floor)% (\(t.missing) packets with no line)")
                }
            }
            table += "| \(group.name) (\(captures) captures with TCP) | \(packets) | " + cells.joined(separator: " | ") + " |\n"
        }
        print("TCP packets tcpdump prints, tcpwave's line identical:\n" + table)
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
    }
}
