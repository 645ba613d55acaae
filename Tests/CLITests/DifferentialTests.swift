import Foundation
import Testing

/// tcpwave's plain lines against Debian's tcpdump on the same captures, packet by packet.
/// A line must be identical up to and including `length N`; what tcpdump prints after that
/// (application-layer decoding) is out of scope.
enum Differential {
    /// Packet number → its printed text (continuation lines joined with "\n").
    static func packets(_ text: String) -> [Int: String] {
        var result: [Int: String] = [:]
        var current: Int? = nil
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.drop { $0 == " " }
            if line.count >= 7, line.count - trimmed.count <= 4,
               let space = trimmed.firstIndex(of: " "), let n = Int(trimmed[..<space]),
               trimmed[space...].hasPrefix("  "), n > (current ?? 0) {
                current = n
                result[n] = String(trimmed[trimmed.index(space, offsetBy: 2)...])
            } else if let c = current, !line.isEmpty {
                result[c, default: ""] += "\n" + line
            }
        }
        return result
    }

    static func matches(ours: String, theirs: String) -> Bool {
        if ours == theirs { return true }
        guard ours.range(of: #"length \d+$"#, options: .regularExpression) != nil, theirs.hasPrefix(ours) else { return false }
        let next = theirs.dropFirst(ours.count).first
        return next.map { !$0.isNumber } ?? true
    }

    struct Tally {
        var compared = 0
        var identical = 0
        var mismatches: [String] = []
    }

    static func compare(_ file: String, options: [String], tcpdump: String) -> Tally {
        var tally = Tally()
        let theirs = PrintedPackets.tcpdump(tcpdump, file, options)
        let ours = PrintedPackets.tcpwave(file, options)
        for (n, line) in ours.sorted(by: { $0.key < $1.key }) {
            tally.compared += 1
            let other = theirs[n] ?? "<tcpdump printed nothing>"
            if matches(ours: line, theirs: other) {
                tally.identical += 1
            } else {
                tally.mismatches.append("\(file) [\(options.joined(separator: " "))] packet \(n)\n  tcpdump: \(other)\n  tcpwave: \(line)")
            }
        }
        return tally
    }

    /// The tallies of `files`, summed.
    static func compare(_ files: [String], options: [String], tcpdump: String) -> Tally {
        var total = Tally()
        for file in files {
            let t = compare(file, options: options, tcpdump: tcpdump)
            total.compared += t.compared
            total.identical += t.identical
            total.mismatches += t.mismatches
        }
        return total
    }

    static let optionSets: [[String]] = [[], ["-v"], ["-S", "-vv"], ["-ttttt", "--nano"], ["-tttt"], ["-q"]]
}

struct DifferentialTests {
    @Test("every TCP line of every fixture is identical to tcpdump's", arguments: Differential.optionSets)
    func fixtures(options: [String]) throws {
        guard let tcpdump = Harness.which("tcpdump") else {
            print("skipped: tcpdump is not installed (apt-get install tcpdump)")
            return
        }
        let total = Differential.compare(Harness.fixtures, options: options, tcpdump: tcpdump)
        print("fixtures [\(options.joined(separator: " "))]: \(total.identical)/\(total.compared) TCP lines identical to tcpdump")
        #expect(total.compared > 100)
        #expect(total.mismatches.isEmpty, "\(total.mismatches.prefix(20).joined(separator: "\n"))")
    }

    @Test("TCP lines of the shared corpus agree with tcpdump (target 99%)", arguments: [[], ["-v"], ["-S", "-vv"]])
    func corpus(options: [String]) throws {
        guard let tcpdump = Harness.which("tcpdump") else {
            print("skipped: tcpdump is not installed (apt-get install tcpdump)")
            return
        }
        guard FileManager.default.fileExists(atPath: Harness.corpus.path) else {
            print("skipped: \(Harness.corpus.path) is absent (the shared conformance corpus)")
            return
        }
        let files = ["tcpdump", "zeek/traces", "other/gopacket"].flatMap { dir -> [String] in
            let path = Harness.corpus.appendingPathComponent(dir).path
            return ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [])
                .filter { $0.hasSuffix(".pcap") || $0.hasSuffix(".pcapng") }
                .sorted().map { "\(path)/\($0)" }
        }
        let total = Differential.compare(files, options: options, tcpdump: tcpdump)
        let percent = total.compared == 0 ? 0 : Double(total.identical) * 100 / Double(total.compared)
        print("corpus [\(options.joined(separator: " "))]: \(total.identical)/\(total.compared) TCP lines identical to tcpdump (\(String(format: "%.2f", percent))%) over \(files.count) captures")
        for m in total.mismatches { print("mismatch: \(m)") }
        #expect(total.compared > 5000)
        #expect(percent >= 99.0)
    }
}
