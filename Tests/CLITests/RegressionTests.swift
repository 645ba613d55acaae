import Foundation
import Testing

/// Inputs from our fuzzers (Fixtures/regressions, converted to pcap by Fuzz/to-pcap.py): every
/// crash ever found goes here before it is fixed, with a sample of the fuzzers' corpus. Each
/// must run to the end in every output mode without a crash.
struct RegressionTests {
    static var files: [String] {
        let dir = Harness.packageRoot.appendingPathComponent("Fixtures/regressions").path
        return ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [])
            .filter { $0.hasSuffix(".pcap") }.sorted().map { "Fixtures/regressions/\($0)" }
    }

    @Test("fuzzer inputs run to the end in every output mode", arguments: RegressionTests.files)
    func survives(_ file: String) {
        for mode in [[], ["-v", "-S"], ["--timeline"], ["--json"], ["--conn-log"], ["--summary", "-vv"]] {
            let r = Harness.tcpwave(["-r", file] + mode)
            #expect(r.status == 0 || r.status == 1, "\(file) \(mode): exit \(r.status)\n\(r.stderr.suffix(2000))")
            #expect(!r.stderr.contains("Fatal error") && !r.stderr.contains("Program crashed"), "\(file) \(mode)")
        }
    }

    @Test("the regression set is there")
    func present() {
        #expect(RegressionTests.files.count >= 10)
    }
}
