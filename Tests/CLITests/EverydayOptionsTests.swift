import Foundation
import Testing

/// `-K`, `-N`, `--count`, `--time-stamp-precision` against tcpdump.
struct EverydayOptionsTests {
    static let document = TcpdumpHabitsTests.document

    @Test("-K: with -v no checksum is verified or printed, every TCP line of every fixture as tcpdump's", arguments: [["-v", "-K"], ["-vv", "-K"]])
    func noChecksumsOnFixtures(options: [String]) throws {
        guard let tcpdump = Harness.which("tcpdump") else {
            print("skipped: tcpdump is not installed (apt-get install tcpdump)")
            return
        }
        let total = Differential.compare(Harness.fixtures, options: options, tcpdump: tcpdump)
        print("fixtures [\(options.joined(separator: " "))]: \(total.identical)/\(total.compared) TCP lines identical to tcpdump")
        #expect(total.compared > 1000)
        #expect(total.mismatches.isEmpty, "\(total.mismatches.prefix(10).joined(separator: "\n"))")
    }

    @Test("-K on the tcpdump corpus: the lines agree with tcpdump -v -K as often as -v's with tcpdump -v")
    func noChecksumsOnCorpus() throws {
        guard let tcpdump = Harness.which("tcpdump") else {
            print("skipped: tcpdump is not installed (apt-get install tcpdump)")
            return
        }
        let dir = Harness.corpus.appendingPathComponent("tcpdump").path
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else {
            print("skipped: \(dir) is absent (the shared conformance corpus)")
            return
        }
        var k = Differential.Tally(), v = Differential.Tally()
        for name in names.sorted() where name.hasSuffix(".pcap") || name.hasSuffix(".pcapng") {
            let a = Differential.compare("\(dir)/\(name)", options: ["-v", "-K"], tcpdump: tcpdump)
            let b = Differential.compare("\(dir)/\(name)", options: ["-v"], tcpdump: tcpdump)
            k.compared += a.compared; k.identical += a.identical; k.mismatches += a.mismatches
            v.compared += b.compared; v.identical += b.identical
        }
        print("tcpdump corpus: -v -K \(k.identical)/\(k.compared), -v \(v.identical)/\(v.compared) TCP lines identical")
        #expect(k.compared > 1000)
        #expect(k.identical >= v.identical, "\(k.mismatches.prefix(5).joined(separator: "\n"))")
        let plain = Harness.tcpwave(["-v", "-K", "-r", EverydayOptionsTests.document])
        #expect(!plain.stdout.contains("cksum"), "\(plain.stdout)")
    }

    @Test("-K also means --ignore-checksums for the Zeek columns")
    func noChecksumsForZeek() {
        let offloaded = "Fixtures/pcap/kernel/normal-close.pcap"
        let k = Harness.tcpwave(["-r", offloaded, "--conn-log=json", "-K"])
        let ignore = Harness.tcpwave(["-r", offloaded, "--conn-log=json", "--ignore-checksums"])
        #expect(k.status == 0, "\(k.stderr)")
        #expect(k.stdout == ignore.stdout)
    }

    @Test("--count prints tcpdump's count: packets the filter passes, -c honoured, across -V files", arguments: [
        [String](), ["tcp"], ["udp"], ["-c", "3"], ["tcp[13] & 2 != 0"],
    ])
    func count(extra: [String]) throws {
        guard let tcpdump = Harness.which("tcpdump") else {
            print("skipped: tcpdump is not installed (apt-get install tcpdump)")
            return
        }
        for file in Harness.fixtures.prefix(20) {
            let theirs = Harness.run(tcpdump, ["--count", "-r", file] + extra)
            let ours = Harness.tcpwave(["--count", "-r", file] + extra)
            #expect(ours.stdout == theirs.stdout, "\(file) \(extra)")
            #expect(ours.status == theirs.status)
        }
    }

    @Test("-N is accepted as tcpdump takes it, alone and among other letters; --time-stamp-precision=nano is --nano")
    func acceptedForHabit() {
        let plain = Harness.tcpwave(["-r", EverydayOptionsTests.document])
        #expect(Harness.tcpwave(["-N", "-r", EverydayOptionsTests.document]).stdout == plain.stdout)
        #expect(Harness.tcpwave(["-nNr", EverydayOptionsTests.document]).stdout == plain.stdout)
        let nano = Harness.tcpwave(["--nano", "-r", EverydayOptionsTests.document])
        #expect(Harness.tcpwave(["--time-stamp-precision=nano", "-r", EverydayOptionsTests.document]).stdout == nano.stdout)
        #expect(Harness.tcpwave(["--time-stamp-precision", "nano", "-r", EverydayOptionsTests.document]).stdout == nano.stdout)
        #expect(Harness.tcpwave(["--time-stamp-precision=micro", "-r", EverydayOptionsTests.document]).stdout == plain.stdout)
        let bad = Harness.tcpwave(["--time-stamp-precision=pico", "-r", EverydayOptionsTests.document])
        #expect(bad.status != 0 && bad.stderr.contains("micro or nano"), "\(bad.stderr)")
    }
}
