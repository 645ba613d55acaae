import Foundation
import PcapCraft
import Testing

/// The progress line on standard error for long file reads: drawn only on a terminal that is not
/// also standard output, erased at the end. TCPWAVE_PROGRESS_DELAY=0 draws from the start, so a
/// small capture is enough.
struct ProgressLineTests {
    static let capture: String = {
        var traffic = SyntheticTraffic()
        var mix = SyntheticTraffic.Mix()
        mix.concurrent = 200
        traffic.connections(packets: 60_000, mix: mix)
        return Harness.temporaryFile("progress.pcap", traffic.bytes)
    }()

    /// Runs tcpwave with standard error on a pseudo-terminal (and standard output on the same one
    /// when `sharedTerminal`, else /dev/null); returns what the terminal received.
    static func onTerminal(_ arguments: [String], sharedTerminal: Bool, stdin: String? = nil) -> String? {
        guard let python = Harness.which("python3") else { return nil }
        let script = """
        import os, pty, subprocess, sys
        master, slave = pty.openpty()
        env = dict(os.environ, TCPWAVE_PROGRESS_DELAY="0")
        out = slave if sys.argv[1] == "shared" else subprocess.DEVNULL
        inp = open(sys.argv[1][6:], "rb") if sys.argv[1].startswith("stdin:") else subprocess.DEVNULL
        p = subprocess.Popen(sys.argv[2:], stdout=out, stderr=slave, stdin=inp, env=env)
        os.close(slave)
        got = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            got += chunk
        p.wait()
        sys.stdout.buffer.write(got)
        """
        let r = Harness.run(python, ["-c", script, stdin.map { "stdin:" + $0 } ?? (sharedTerminal ? "shared" : "own"), Harness.tcpwave] + arguments)
        return r.stdout
    }

    @Test("on a terminal: bytes, packets, packets/s, share and time left, erased before the counts line", arguments: [
        ["--summary"], ["--summary", "--single-thread"], ["-nn"],
    ])
    func drawnAndErased(_ flags: [String]) throws {
        guard let seen = ProgressLineTests.onTerminal(["-r", ProgressLineTests.capture] + flags, sharedTerminal: false) else {
            print("skipped: python3 is not installed")
            return
        }
        let path = ProgressLineTests.capture
        #expect(seen.contains("\r\u{1b}[Kreading \(path): "), "\(seen.prefix(400))")
        let pattern = #"reading [^:]+: [0-9.]+ (KiB|MiB) of [0-9.]+ MiB \([0-9]+%\), [0-9,]+ packets, [0-9,]+ packets/s"#
        #expect(seen.range(of: pattern, options: .regularExpression) != nil, "\(seen.prefix(400))")
        // The last thing before the counts line erases the progress line.
        let counts = try #require(seen.range(of: "tcpwave: 61217 packets read"))
        #expect(seen[..<counts.lowerBound].hasSuffix("packets/s\r\u{1b}[K") || seen[..<counts.lowerBound].hasSuffix(" left\r\u{1b}[K"),
                "\(seen.suffix(300))")
    }

    @Test("nothing when standard error is not a terminal, or when standard output is the same terminal")
    func notDrawn() {
        let piped = Harness.run("/usr/bin/env", ["TCPWAVE_PROGRESS_DELAY=0", Harness.tcpwave, "-r", ProgressLineTests.capture, "--summary"])
        #expect(piped.status == 0)
        #expect(!piped.stderr.contains("\r"), "\(piped.stderr.prefix(300))")
        #expect(!piped.stderr.contains("packets/s"))
        guard let shared = ProgressLineTests.onTerminal(["-r", ProgressLineTests.capture, "--summary"], sharedTerminal: true) else { return }
        #expect(shared.contains("61217 packets read"))
        #expect(!shared.contains("packets/s"), "\(shared.prefix(300))")
    }

    @Test("nothing for standard input")
    func notForStandardInput() throws {
        guard let seen = ProgressLineTests.onTerminal(["-r", "-", "--summary"], sharedTerminal: false,
                                                      stdin: ProgressLineTests.capture) else { return }
        #expect(seen.contains("61217 packets read"), "\(seen.prefix(300))")
        #expect(!seen.contains("packets/s"))
    }
}
