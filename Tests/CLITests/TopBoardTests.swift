import Foundation
import Testing

/// `tcpwave --top` driven as a person would: in tmux (a real terminal), on a fixture and on a
/// live capture in a network namespace. The board's numbers are the `states` records'.
@Suite(.serialized)
struct TopBoardTests {
    static let fixture = "Fixtures/pcap/crafted/close-wait-stuck.pcap"

    /// A tmux server of our own (its own socket), killed when done.
    final class Tmux {
        let socket = "tcpwave-top-\(getpid())-\(Int.random(in: 0..<1_000_000))"
        let tmux = Harness.which("tmux")!

        @discardableResult
        func run(_ arguments: [String]) -> Harness.Result { Harness.run(tmux, ["-L", socket] + arguments) }

        /// Starts the session. Not through Harness.run: the tmux server it forks keeps the
        /// output pipe open, so reading it to its end would never return.
        /// Not through Foundation's Process either: its waitUntilExit never returned for this
        /// client (seen in CI: the test hung there with the board on screen), so posix_spawn and
        /// waitpid; if the child was reaped elsewhere waitpid returns at once and waitFor waits.
        func start(_ command: String, width: Int = 150, height: Int = 50) {
            let arguments = [tmux, "-L", socket, "new-session", "-d", "-s", "top", "-x", "\(width)", "-y", "\(height)", command]
            var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
            defer { for a in argv { free(a) } }
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
            var pid: pid_t = 0
            guard posix_spawn(&pid, tmux, &actions, nil, &argv, environ) == 0 else { return }
            var status: Int32 = 0
            _ = waitpid(pid, &status, 0)
        }

        func pane() -> String { run(["capture-pane", "-p", "-t", "top"]).stdout }

        /// Waits until the pane shows `text`; the pane then.
        func waitFor(_ text: String, seconds: Double = 60) -> String? {
            let end = Date().addingTimeInterval(seconds)
            while Date() < end {
                let p = pane()
                if p.contains(text) { return p }
                Thread.sleep(forTimeInterval: 0.2)
            }
            return nil
        }

        deinit { run(["kill-server"]) }
    }

    /// The counts a board shows: connections, and client/server per state.
    static func boardCounts(_ pane: String) -> (connections: Int?, states: [String: (Int, Int)]) {
        var states: [String: (Int, Int)] = [:]
        var connections: Int? = nil
        for line in pane.split(separator: "\n") {
            let words = line.split(separator: " ", omittingEmptySubsequences: true)
            if words.first == "connections", words.count > 1 { connections = Int(words[1]) }
            if words.count >= 3, let c = Int(words[1]), let s = Int(words[2]),
               words[0].allSatisfy({ $0.isUppercase || $0 == "_" || $0.isNumber }) {
                states[String(words[0])] = (c, s)
            }
        }
        return (connections, states)
    }

    /// The final `states` record of a file.
    static func finalStates(_ file: String) throws -> [String: Any] {
        let result = Harness.tcpwave(["-r", file, "--json", "--state-interval", "1"])
        let records = result.stdout.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }.filter { $0["type"] as? String == "states" }
        return try #require(records.last)
    }

    static func expectSame(_ pane: String, _ record: [String: Any]) throws {
        let board = boardCounts(pane)
        #expect(board.connections == record["connections"] as? Int)
        let client = try #require(record["client_states"] as? [String: Int])
        let server = try #require(record["server_states"] as? [String: Int])
        #expect(board.states.count == 10, "\(pane)")
        for (state, (c, s)) in board.states {
            #expect(client[state] == c, "\(state) client")
            #expect(server[state] == s, "\(state) server")
        }
    }

    static var unavailable: String? {
        Harness.which("tmux") == nil ? "tmux is not installed (apt-get install tmux)" : nil
    }

    @Test("on a fixture in tmux: the final board equals the last states record, s sorts, q exits and restores the terminal")
    func fixtureInTmux() throws {
        if let why = TopBoardTests.unavailable { print("skipped: \(why)"); return }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tcpwave-top-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let status = dir.appendingPathComponent("status").path, stty = dir.appendingPathComponent("stty").path
        try? FileManager.default.removeItem(atPath: status)
        let tmux = Tmux()
        tmux.start("cd \(Harness.packageRoot.path) && \(Harness.tcpwave) --top -r \(TopBoardTests.fixture) --speed 20; echo $? > \(status); stty -a > \(stty); sleep 60")
        let board = try #require(tmux.waitFor("end of capture"), "no final board: \(tmux.pane())")
        #expect(board.contains("STATE"))
        #expect(board.contains("10.20.0.1:8080"))
        #expect(board.contains("close-wait-stuck 10.20.0.1:8080: 3 in CLOSE_WAIT"))
        #expect(board.contains("sort: connections"))
        try TopBoardTests.expectSame(board, try TopBoardTests.finalStates(TopBoardTests.fixture))
        tmux.run(["send-keys", "-t", "top", "s"])
        #expect(tmux.waitFor("sort: new/s", seconds: 10) != nil)
        tmux.run(["send-keys", "-t", "top", "q"])
        let end = Date().addingTimeInterval(10)
        while !FileManager.default.fileExists(atPath: status) && Date() < end { Thread.sleep(forTimeInterval: 0.1) }
        Thread.sleep(forTimeInterval: 0.3)
        let code = try String(contentsOfFile: status, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(code == "0")
        // Restored: the terminal echoes and reads lines again, and the board left with the
        // alternate screen.
        let settings = try String(contentsOfFile: stty, encoding: .utf8)
        #expect(settings.contains(" icanon") && !settings.contains("-icanon"))
        #expect(settings.contains(" echo ") && !settings.contains("-echo "))
        #expect(!tmux.pane().contains("LAST MINUTE"))
    }

    @Test("standard output not a terminal: a board per second of capture time, the last one the final states record")
    func printedBoards() throws {
        let result = Harness.tcpwave(["--top", "-r", TopBoardTests.fixture, "--speed", "max"])
        #expect(result.status == 0, "\(result.stderr)")
        let boards = result.stdout.components(separatedBy: "tcpwave --top ").dropFirst()
        // One board per second of capture time that has packets: the fixture's 154 packets fall
        // in a few dozen seconds of its 150.
        let seconds = Set(Harness.tcpwave(["-r", TopBoardTests.fixture, "-tt", "--no-annotate"]).stdout
            .split(separator: "\n").compactMap { $0.split(separator: ".").first.flatMap { Int($0) } })
        #expect(boards.count >= seconds.count - 1 && boards.count <= seconds.count + 1, "\(boards.count) boards, \(seconds.count) seconds with packets")
        let last = try #require(boards.last)
        #expect(last.contains("end of capture"))
        try TopBoardTests.expectSame(last, try TopBoardTests.finalStates(TopBoardTests.fixture))
        #expect(Harness.tcpwave(["--top", "-r", TopBoardTests.fixture, "--json"]).status != 0)
        #expect(Harness.tcpwave(["-r", TopBoardTests.fixture, "--speed", "2"]).status != 0)
        #expect(Harness.tcpwave(["--top", "-r", TopBoardTests.fixture, "--speed", "0"]).status != 0)
    }

    @Test("live in a network namespace: the board follows real connections, its counts are those of the same packets read back, q exits")
    func liveInTmux() throws {
        if let why = LiveCaptureTests.unavailable ?? TopBoardTests.unavailable { print("skipped: \(why)"); return }
        let ns = LiveCaptureTests.Namespace()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tcpwave-top-live-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let status = dir.appendingPathComponent("status").path, pcap = dir.appendingPathComponent("same.pcap").path
        try? FileManager.default.removeItem(atPath: status)
        let dump = try ns.start([Harness.which("tcpdump")!, "-i", "lo", "-U", "-w", pcap, "tcp"])
        let server = try ns.server(port: 8099)
        defer { server.terminate(); server.waitUntilExit() }
        let tmux = Tmux()
        tmux.start("\(Harness.which("ip")!) netns exec \(ns.name) \(Harness.tcpwave) --top -i lo tcp; echo $? > \(status); sleep 60")
        #expect(tmux.waitFor("LAST MINUTE", seconds: 20) != nil)
        Thread.sleep(forTimeInterval: 1)
        let clients = try ns.clients(port: 8099, count: 30, perSecond: 20)
        clients.waitUntilExit()
        // Two board refreshes after the last packet.
        Thread.sleep(forTimeInterval: 2.5)
        let pane = try #require(tmux.waitFor("127.0.0.1:8099", seconds: 10), "\(tmux.pane())")
        dump.interrupt()
        dump.waitUntilExit()
        let board = TopBoardTests.boardCounts(pane)
        #expect(board.connections == 30, "\(pane)")
        try TopBoardTests.expectSame(pane, try TopBoardTests.finalStates(pcap))
        tmux.run(["send-keys", "-t", "top", "q"])
        let end = Date().addingTimeInterval(10)
        while !FileManager.default.fileExists(atPath: status) && Date() < end { Thread.sleep(forTimeInterval: 0.1) }
        Thread.sleep(forTimeInterval: 0.3)
        #expect((try? String(contentsOfFile: status, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
    }
}
