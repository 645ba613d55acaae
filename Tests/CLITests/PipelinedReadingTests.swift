import Foundation
import Testing

/// A file is read and decoded, and the tcpdump part of each line written, on a second thread
/// (OfflineRun.runPipelined) unless an output needs the packet bytes on the tracking side. That
/// path must print exactly what the one-thread path prints, on both streams, with the same exit
/// status: including damaged files (diagnostics in order, everything before the damage
/// reported), -c, filters and -w.
struct PipelinedReadingTests {
    static var captures: [String] {
        let root = Harness.packageRoot
        var files: [String] = []
        for dir in ["Fixtures/malformed", "Fixtures/regressions", "Fixtures/pcap/crafted", "Fixtures/pcap/real"] {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(dir).path)) ?? []
            files += names.filter { $0.hasSuffix(".pcap") || $0.hasSuffix(".pcapng") }.sorted().map { "\(dir)/\($0)" }
        }
        return files
    }

    static let modes: [[String]] = [
        [], ["-v"], ["-vv", "-S"], ["--timeline", "-ttt"], ["-q", "-#", "-tttt"], ["--no-annotate", "-c", "5"],
        ["--summary"], ["--conn-log"], ["--json", "--summary"], ["--summary", "-c", "3"], ["--summary", "tcp", "port", "80"],
    ]

    /// conn.log's #open and #close lines carry the wall-clock time of the run.
    private static func stable(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("#open") && !$0.hasPrefix("#close") }.joined(separator: "\n")
    }

    @Test("the two-thread path prints what the one-thread path prints", arguments: PipelinedReadingTests.captures)
    func sameOutput(_ capture: String) {
        #expect(PipelinedReadingTests.captures.count > 40)
        for mode in PipelinedReadingTests.modes {
            let two = Harness.tcpwave(["-r", capture] + mode)
            let one = Harness.tcpwave(["-r", capture, "--single-thread"] + mode)
            #expect(two.status == one.status, "\(capture) \(mode): exit \(two.status) vs \(one.status)")
            #expect(PipelinedReadingTests.stable(two.stdout) == PipelinedReadingTests.stable(one.stdout), "\(capture) \(mode): stdout differs")
            #expect(two.stderr == one.stderr, "\(capture) \(mode): stderr differs")
        }
    }

    @Test("-w on the two-thread path writes the packets it read")
    func writesCopy() throws {
        let copy = Harness.temporaryFile("pipelined-copy.pcap", [])
        let r = Harness.tcpwave(["-r", "Fixtures/pcap/crafted/port-reuse.pcap", "--summary", "-w", copy])
        #expect(r.status == 0)
        let again = Harness.tcpwave(["-r", copy, "--summary", "--single-thread"])
        #expect(again.stdout == r.stdout)
    }
}
