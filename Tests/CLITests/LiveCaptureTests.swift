import Foundation
import Testing

/// Live capture for real: a private network namespace, tcpwave on its loopback, and real kernel
/// TCP from Fixtures/scripts/loopback_scenarios.py. Needs root (CI runs as root).
@Suite(.serialized)
struct LiveCaptureTests {
    /// Why the live tests cannot run here, or nil.
    static var unavailable: String? {
        if geteuid() != 0 { return "live capture needs root (CAP_NET_RAW and CAP_NET_ADMIN) to create a network namespace" }
        if Harness.which("ip") == nil { return "iproute2's ip is not installed (apt-get install iproute2)" }
        if Harness.which("python3") == nil { return "python3 is not installed" }
        return nil
    }

    /// A private namespace with loopback up, removed when done.
    final class Namespace {
        let name = "tcpwave-test-\(getpid())-\(Int.random(in: 0..<1_000_000))"
        init() {
            _ = Harness.run(Harness.which("ip")!, ["netns", "add", name])
            _ = Harness.run(Harness.which("ip")!, ["netns", "exec", name, "ip", "link", "set", "lo", "up"])
        }
        deinit { _ = Harness.run(Harness.which("ip")!, ["netns", "del", name]) }

        func run(_ arguments: [String]) -> Harness.Result {
            Harness.run(Harness.which("ip")!, ["netns", "exec", name] + arguments)
        }

        func scenario(_ name: String) -> Harness.Result {
            run(["python3", Harness.packageRoot.appendingPathComponent("Fixtures/scripts/loopback_scenarios.py").path, "run", name])
        }
    }

    /// tcpwave running in the background, its output going to files.
    final class Capture {
        let process = Process()
        let stdoutPath: String
        let stderrPath: String

        init(namespace: Namespace, arguments: [String]) throws {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tcpwave-live-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            stdoutPath = dir.appendingPathComponent("out").path
            stderrPath = dir.appendingPathComponent("err").path
            _ = FileManager.default.createFile(atPath: stdoutPath, contents: nil)
            _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
            process.executableURL = URL(fileURLWithPath: Harness.which("ip")!)
            process.arguments = ["netns", "exec", namespace.name, Harness.tcpwave] + arguments
            var env = ProcessInfo.processInfo.environment
            env["TZ"] = "UTC"
            process.environment = env
            process.currentDirectoryURL = Harness.packageRoot
            process.standardOutput = FileHandle(forWritingAtPath: stdoutPath)
            process.standardError = FileHandle(forWritingAtPath: stderrPath)
            try process.run()
        }

        var stdout: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }
        var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

        /// Waits until tcpwave says it is listening (the filter is set, root is dropped).
        func waitUntilListening() -> Bool {
            for _ in 0..<100 {
                if stderr.contains("listening on") { return true }
                if !process.isRunning { return false }
                usleep(100_000)
            }
            return false
        }

        /// Sends SIGINT, as Ctrl-C does, and waits for the process to end.
        func interrupt() -> Int32 {
            usleep(300_000)
            kill(process.processIdentifier, SIGINT)
            // Never hang the suite: escalate if the capture ignores the request.
            for _ in 0..<100 where process.isRunning { usleep(100_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            return process.terminationStatus
        }
    }

    @Test("a live capture annotates a normal close, a refused connect, a reset and IPv6; the -w file replays the same")
    func liveLoopback() throws {
        if let reason = LiveCaptureTests.unavailable {
            print("skipped: \(reason)")
            return
        }
        let ns = Namespace()
        let saved = FileManager.default.temporaryDirectory.appendingPathComponent("tcpwave-live-\(getpid()).pcap").path
        let capture = try Capture(namespace: ns, arguments: ["-i", "lo", "-l", "-w", saved, "--timeline", "portrange", "18001-18007"])
        #expect(capture.waitUntilListening(), "tcpwave did not start listening: \(capture.stderr)")
        for scenario in ["normal-client-close", "refused", "rst-by-client", "ipv6-normal"] {
            let r = ns.scenario(scenario)
            #expect(r.status == 0, "\(scenario): \(r.stderr)")
        }
        let status = capture.interrupt()
        let out = capture.stdout
        #expect(status == 0, "\(capture.stderr)")

        #expect(out.contains("#1 handshake 1/3 | client CLOSED->SYN_SENT | server CLOSED->LISTEN?"))
        #expect(out.contains("#1 teardown 4/4 (client ACK) | client FIN_WAIT_2->TIME_WAIT | server LAST_ACK->CLOSED"))
        #expect(out.contains("#2 refused: server RST answers the SYN | client SYN_SENT->CLOSED | server LISTEN->CLOSED"))
        #expect(out.contains("#3 reset by client in ESTABLISHED | client ESTABLISHED->CLOSED | server ESTABLISHED->CLOSED"))
        #expect(out.contains("IP6 ::1.41007 > ::1.18007: Flags [S]"))
        #expect(out.contains("#4 summary [::1]:41007 > [::1]:18007: opened 3-way handshake; closed 4-way close by client"))
        #expect(out.contains("#2 summary 127.0.0.1:41003 > 127.0.0.1:18003: opened refused; closed reset by server"))
        let err = capture.stderr
        #expect(err.contains("packets captured"))
        #expect(err.contains("packets received by filter"))
        #expect(err.contains("packets dropped by kernel"))

        let replay = Harness.tcpwave(["-r", saved, "--timeline"])
        #expect(replay.status == 0)
        #expect(replay.stdout == out, "the -w file must replay to the same annotated output")
    }

    @Test("Ctrl-C in the middle flushes open connections and prints the statistics")
    func interruptFlushesOpenConnections() throws {
        if let reason = LiveCaptureTests.unavailable {
            print("skipped: \(reason)")
            return
        }
        let ns = Namespace()
        let capture = try Capture(namespace: ns, arguments: ["-i", "lo", "--summary", "tcp", "port", "8099"])
        #expect(capture.waitUntilListening(), "tcpwave did not start listening: \(capture.stderr)")
        // A connection that is still open when the capture is interrupted.
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: Harness.which("ip")!)
        holder.arguments = ["netns", "exec", ns.name, "python3", "-c", """
            import socket, time
            l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            l.bind(("127.0.0.1", 8099)); l.listen(1)
            c = socket.create_connection(("127.0.0.1", 8099)); s, _ = l.accept()
            c.sendall(b"still open"); s.recv(100); time.sleep(4)
            """]
        try holder.run()
        usleep(1_000_000)
        let status = capture.interrupt()
        holder.waitUntilExit()
        #expect(status == 0)
        #expect(capture.stdout.contains("opened 3-way handshake; closed: still open at end of capture"), "\(capture.stdout)")
        #expect(capture.stdout.contains("final client ESTABLISHED, server ESTABLISHED"))
        #expect(capture.stderr.contains("packets captured"), "\(capture.stderr)")
    }

    @Test("a missing interface and a bad filter give one clear line")
    func liveErrors() {
        if let reason = LiveCaptureTests.unavailable {
            print("skipped: \(reason)")
            return
        }
        let missing = Harness.tcpwave(["-i", "nosuchif0"])
        #expect(missing.status == 1)
        #expect(missing.stderr == "tcpwave: nosuchif0: no such interface (tcpwave -D lists them)\n", "\(missing.stderr)")
        let badFilter = Harness.tcpwave(["-i", "lo", "port", "http-ish"])
        #expect(badFilter.status == 1)
        #expect(badFilter.stderr.hasPrefix("tcpwave: bad filter expression 'port http-ish': "), "\(badFilter.stderr)")
    }

    @Test("-D lists loopback like tcpdump")
    func listInterfaces() {
        let r = Harness.tcpwave(["-D"])
        #expect(r.status == 0)
        #expect(r.stdout.contains(".lo [Up, Running, Loopback]"), "\(r.stdout)")
    }
}
