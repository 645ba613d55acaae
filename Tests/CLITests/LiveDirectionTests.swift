import Foundation
import Testing

/// `-Q in|out|inout` on a live capture in a network namespace, beside tcpdump `-Q` on the same
/// traffic.
@Suite(.serialized)
struct LiveDirectionTests {
    typealias Live = LiveCaptureTests

    @Test("-Q in, out and inout keep the packets tcpdump -Q keeps (on loopback every packet is received)", arguments: ["in", "out", "inout"])
    func directionAsTcpdump(direction: String) throws {
        if let reason = Live.unavailable { print("skipped: \(reason)"); return }
        guard let tcpdump = Harness.which("tcpdump") else { print("skipped: tcpdump is not installed"); return }
        let ns = Live.Namespace()
        let theirsPath = FileManager.default.temporaryDirectory.appendingPathComponent("tcpwave-q-\(UUID().uuidString)").path
        _ = FileManager.default.createFile(atPath: theirsPath, contents: nil)
        let theirsFile = FileHandle(forWritingAtPath: theirsPath)!
        let theirs = try ns.start([tcpdump, "-nn", "-l", "-i", "lo", "-Q", direction, "tcp port 9"], stdout: theirsFile)
        let ours = try Live.Capture(namespace: ns, arguments: ["-i", "lo", "-Q", direction, "--no-annotate", "tcp port 9"])
        #expect(ours.waitUntilListening(), "\(ours.stderr)")
        usleep(500_000)
        // Connections refused on port 9: SYN and RST, both received on loopback.
        _ = ns.run(["python3", "-c", """
            import socket
            for i in range(5):
                try: socket.create_connection(("127.0.0.1", 9), timeout=1)
                except OSError: pass
            """])
        let status = ours.interrupt()
        Live.end(theirs, with: SIGINT)
        try? theirsFile.close()
        #expect(status == 0, "\(ours.stderr)")
        let ourLines = ours.stdout.split(separator: "\n").map { String($0) }
        let theirLines = ((try? String(contentsOfFile: theirsPath, encoding: .utf8)) ?? "").split(separator: "\n").map { String($0) }
        // The same packets: endpoints and flags in the same order (the sequence numbers of a
        // refused connection's RST are compared by DifferentialTests, not here).
        let shape = { (line: String) in line.split(separator: " ").dropFirst().prefix(6).joined(separator: " ") }
        #expect(ourLines.map(shape) == theirLines.map(shape))
        #expect(ourLines.count == (direction == "out" ? 0 : 10), "\(ourLines)")
    }

    @Test("--nano on a live capture prints the kernel's nanoseconds, as tcpdump --nano beside it")
    func liveNanoseconds() throws {
        if let reason = Live.unavailable { print("skipped: \(reason)"); return }
        guard let tcpdump = Harness.which("tcpdump") else { print("skipped: tcpdump is not installed"); return }
        let ns = Live.Namespace()
        let theirsPath = FileManager.default.temporaryDirectory.appendingPathComponent("tcpwave-nano-\(UUID().uuidString)").path
        _ = FileManager.default.createFile(atPath: theirsPath, contents: nil)
        let theirsFile = FileHandle(forWritingAtPath: theirsPath)!
        let theirs = try ns.start([tcpdump, "-nn", "-l", "--nano", "-i", "lo", "tcp port 9"], stdout: theirsFile)
        let ours = try Live.Capture(namespace: ns, arguments: ["-i", "lo", "--nano", "--no-annotate", "tcp port 9"])
        #expect(ours.waitUntilListening(), "\(ours.stderr)")
        usleep(500_000)
        _ = ns.run(["python3", "-c", "import socket\ntry: socket.create_connection(('127.0.0.1', 9), timeout=1)\nexcept OSError: pass"])
        _ = ours.interrupt()
        Live.end(theirs, with: SIGINT)
        try? theirsFile.close()
        // Seconds of the day from "HH:MM:SS.nnnnnnnnn".
        func seconds(_ line: Substring) -> Double? {
            let parts = line.prefix(18).split(separator: ":")
            guard parts.count == 3, let h = Double(parts[0]), let m = Double(parts[1]), let s = Double(parts[2]) else { return nil }
            return h * 3600 + m * 60 + s
        }
        let a = ours.stdout.split(separator: "\n"), b = ((try? String(contentsOfFile: theirsPath, encoding: .utf8)) ?? "").split(separator: "\n")
        #expect(a.count == 2 && b.count == 2, "\(a) \(b)")
        for (x, y) in zip(a, b) {
            #expect(x.prefix(18).count == 18 && x.dropFirst(18).hasPrefix(" IP "), "nine decimals: \(x)")
            if let p = seconds(x), let q = seconds(y) { #expect(abs(p - q) < 0.001, "\(x)\n\(y)") }
        }
    }

    @Test("-Q with a file, or a direction tcpdump does not know, is refused")
    func misuse() {
        let file = Harness.tcpwave(["-r", TcpdumpHabitsTests.document, "-Q", "in"])
        #expect(file.status != 0 && file.stderr.contains("-Q applies to live capture"), "\(file.stderr)")
        let bad = Harness.tcpwave(["-i", "lo", "-Q", "up"])
        #expect(bad.status != 0 && bad.stderr.contains("give in, out or inout"), "\(bad.stderr)")
    }
}
