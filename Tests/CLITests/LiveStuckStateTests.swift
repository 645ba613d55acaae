import Foundation
import Testing

/// Stuck states in a live capture age with the clock, not with packets: an endpoint stuck after
/// its connection's last packet is reported while the interface stays quiet. Needs root (a
/// network namespace), as LiveCaptureTests.
struct LiveStuckStateTests {
    @Test("live: a server left in CLOSE_WAIT after the last packet is reported as the clock passes --stuck-after, no packet after")
    func closeWaitStuckOnQuietInterface() throws {
        if let reason = LiveCaptureTests.unavailable {
            print("skipped: \(reason)")
            return
        }
        let ns = LiveCaptureTests.Namespace()
        let capture = try LiveCaptureTests.Capture(namespace: ns, arguments: ["-i", "lo", "--summary", "--stuck-after", "1", "--duration", "8", "tcp"])
        #expect(capture.waitUntilListening(), "\(capture.stderr)")
        // The server accepts and never closes; the client closes at once: the server's endpoint
        // is in CLOSE_WAIT, the client's (orphaned) in FIN_WAIT_2, and nothing more is sent.
        let server = try ns.start(["python3", "-c", """
            import socket, time
            l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            l.bind(("127.0.0.1", 8077)); l.listen(1)
            c, _ = l.accept()
            time.sleep(30)
            """])
        defer { server.terminate(); server.waitUntilExit() }
        Thread.sleep(forTimeInterval: 0.5)
        let client = ns.run(["python3", "-c", """
            import socket, time
            s = socket.create_connection(("127.0.0.1", 8077)); time.sleep(0.2); s.close()
            """])
        #expect(client.status == 0, "\(client.stderr)")
        let deadline = Date().addingTimeInterval(20)
        while capture.process.isRunning && Date() < deadline { usleep(50_000) }
        if capture.process.isRunning { kill(capture.process.processIdentifier, SIGKILL) }
        capture.process.waitUntilExit()
        let lines = capture.stdout.split(separator: "\n").filter { $0.hasPrefix("ALERT close-wait-stuck") }
        #expect(lines.first?.hasPrefix("ALERT close-wait-stuck start 127.0.0.1:8077 at ") == true, "\(capture.stdout)\n\(capture.stderr)")
        #expect(lines.last?.hasPrefix("ALERT close-wait-stuck end 127.0.0.1:8077") == true, "\(capture.stdout)")
        // 5 packets: handshake, FIN, its ACK; the start came without a later one.
        #expect(capture.stderr.contains("5 packets captured"), "\(capture.stderr)")
    }
}
