import Foundation
import Testing

/// Output that streams, stops and fails as tcpdump's does, proved with real processes: a pty for
/// standard output, a capture fed packet by packet on standard input, /dev/full, a pipe nobody
/// reads, and real signals. Every wait is bounded.
@Suite(.serialized)
struct StreamingTests {
    /// tcpwave started in the background: standard input a pipe the test writes (or a file),
    /// standard output whatever the test gives, standard error a file.
    final class Running {
        let process = Process()
        let input = Pipe()
        let stderrPath: String

        init(_ arguments: [String], stdout: FileHandle, stdin: FileHandle? = nil) throws {
            stderrPath = FileManager.default.temporaryDirectory
                .appendingPathComponent("tcpwave-streaming-\(UUID().uuidString)").path
            _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
            process.executableURL = URL(fileURLWithPath: Harness.tcpwave)
            process.arguments = arguments
            process.currentDirectoryURL = Harness.packageRoot
            var env = ProcessInfo.processInfo.environment
            env["TZ"] = "UTC"
            process.environment = env
            process.standardInput = stdin ?? input
            process.standardOutput = stdout
            process.standardError = FileHandle(forWritingAtPath: stderrPath)
            try process.run()
        }

        deinit {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            try? FileManager.default.removeItem(atPath: stderrPath)
        }

        var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

        func send(_ data: Data) { input.fileHandleForWriting.write(data) }
        func closeInput() { try? input.fileHandleForWriting.close() }
        func signal(_ number: Int32) { kill(process.processIdentifier, number) }

        /// The exit status, or nil if the process is still running after `seconds` (then killed).
        func exitStatus(within seconds: Double) -> Int32? {
            let deadline = Date().addingTimeInterval(seconds)
            while process.isRunning && Date() < deadline { usleep(20_000) }
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                return nil
            }
            return process.terminationStatus
        }

        /// Waits until standard error contains `text`.
        func waitForStderr(_ text: String, seconds: Double = 10) -> Bool {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if stderr.contains(text) { return true }
                usleep(20_000)
            }
            return false
        }
    }

    /// A pcap file's global header and its records, to feed one by one.
    static func records(_ fixture: String) -> (header: Data, records: [Data]) {
        let data = FileManager.default.contents(atPath: Harness.packageRoot.appendingPathComponent(fixture).path)!
        var records: [Data] = []
        var offset = 24
        while offset + 16 <= data.count {
            let b = data.startIndex + offset
            let length = Int(data[b + 8]) | Int(data[b + 9]) << 8 | Int(data[b + 10]) << 16 | Int(data[b + 11]) << 24
            records.append(data.subdata(in: b..<(b + 16 + length)))
            offset += 16 + length
        }
        return (data.prefix(24), records)
    }

    /// Reads from `fd` for `seconds`, or until what was read contains `until`.
    static func read(_ fd: Int32, seconds: Double, until: String? = nil) -> String {
        var text = [UInt8]()
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let until, String(decoding: text, as: UTF8.self).contains(until) { break }
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, 20) > 0 else { continue }
            var chunk = [UInt8](repeating: 0, count: 65_536)
            let n = Glibc.read(fd, &chunk, chunk.count)
            if n <= 0 { break }
            text += chunk.prefix(n)
        }
        return String(decoding: text, as: UTF8.self)
    }

    @Test("a write to a full device ends the run with tcpdump's message and status 1")
    func devFull() throws {
        let full = try #require(FileHandle(forWritingAtPath: "/dev/full"))
        let run = try Running(["-r", "Fixtures/pcap/crafted/busy-server.pcap"], stdout: full)
        #expect(run.exitStatus(within: 20) == 1)
        #expect(run.stderr.contains("tcpwave: Unable to write output: No space left on device\n"), "\(run.stderr)")
        // Said once.
        #expect(run.stderr.components(separatedBy: "Unable to write output").count == 2, "\(run.stderr)")
    }

    @Test("with SIGPIPE ignored, a reader that went away ends the run with 'Broken pipe' and status 1")
    func brokenPipeWithSigpipeIgnored() throws {
        let script = "trap '' PIPE; '\(Harness.tcpwave)' -nn -r Fixtures/pcap/crafted/busy-server.pcap --timeline | head -1 > /dev/null; echo \"status ${PIPESTATUS[0]}\""
        let r = Harness.run("/bin/bash", ["-c", script])
        #expect(r.stdout == "status 1\n", "\(r.stdout) \(r.stderr)")
        #expect(r.stderr.contains("tcpwave: Unable to write output: Broken pipe\n"), "\(r.stderr)")
    }

    @Test("standard output on a terminal gets each line as its packet arrives on standard input")
    func terminalIsLineBuffered() throws {
        var master: Int32 = -1, slave: Int32 = -1
        try #require(openpty(&master, &slave, nil, nil, nil) == 0)
        defer { close(master) }
        let tty = FileHandle(fileDescriptor: slave, closeOnDealloc: true)
        let (header, records) = StreamingTests.records("Fixtures/pcap/crafted/busy-server.pcap")
        let run = try Running(["-nn", "-r", "-"], stdout: tty)
        try? tty.close()
        run.send(header + records[0])
        let first = StreamingTests.read(master, seconds: 2, until: "\n")
        #expect(first.contains("Flags [S]") && first.contains("#1 handshake 1/3"), "no line within 2 s: '\(first)'")
        run.send(records[1])
        let second = StreamingTests.read(master, seconds: 2, until: "\n")
        #expect(second.contains("Flags [S.]"), "no second line within 2 s: '\(second)'")
        run.closeInput()
        #expect(run.exitStatus(within: 10) == 0)
    }

    @Test("reading standard input into a pipe, the lines printed are written before tcpwave waits for more input")
    func pipeGetsLinesBeforeInputWaits() throws {
        let out = Pipe()
        let (header, records) = StreamingTests.records("Fixtures/pcap/crafted/busy-server.pcap")
        let run = try Running(["-nn", "-r", "-"], stdout: out.fileHandleForWriting)
        try? out.fileHandleForWriting.close()
        run.send(header + records.prefix(3).reduce(Data(), +))
        let fd = out.fileHandleForReading.fileDescriptor
        let text = StreamingTests.read(fd, seconds: 2, until: "#1 handshake 3/3")
        #expect(text.split(separator: "\n").count == 3, "not the 3 lines within 2 s: '\(text)'")
        run.closeInput()
        #expect(run.exitStatus(within: 10) == 0)
    }

    @Test("-U: the -w file holds every packet read while standard input waits for more")
    func packetBufferedWriteFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tcpwave-U-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let saved = dir.appendingPathComponent("saved.pcap").path
        let out = Pipe()
        let (header, records) = StreamingTests.records("Fixtures/pcap/crafted/busy-server.pcap")
        let run = try Running(["-nn", "-U", "-r", "-", "-w", saved], stdout: out.fileHandleForWriting)
        try? out.fileHandleForWriting.close()
        run.send(header + records.prefix(3).reduce(Data(), +))
        _ = StreamingTests.read(out.fileHandleForReading.fileDescriptor, seconds: 2, until: "#1 handshake 3/3")
        let expected = 24 + records.prefix(3).reduce(0) { $0 + $1.count }
        #expect(FileManager.default.contents(atPath: saved)?.count == expected, "the -w file is not complete while tcpwave runs")
        #expect(run.process.isRunning)
        run.closeInput()
        #expect(run.exitStatus(within: 10) == 0)
    }

    @Test("Ctrl-C while reading standard input ends like a live capture: open connections summarised, diagram written, counts printed")
    func interruptWhileReadingInput() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tcpwave-interrupt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let diagram = dir.appendingPathComponent("d.svg").path
        let outPath = dir.appendingPathComponent("out").path
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        let (header, records) = StreamingTests.records("Fixtures/pcap/crafted/busy-server.pcap")
        let run = try Running(["-nn", "-r", "-", "--summary", "--diagram", diagram],
                              stdout: try #require(FileHandle(forWritingAtPath: outPath)))
        // The first 40 packets, then nothing: tcpwave waits for more.
        run.send(header + records.prefix(40).reduce(Data(), +))
        #expect(run.waitForStderr("reading from file -"))
        usleep(500_000)
        run.signal(SIGINT)
        let status = run.exitStatus(within: 5)
        run.closeInput()
        #expect(status == 0, "\(run.stderr)")
        let out = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        #expect(out.contains("open at end of capture"), "\(out)")
        #expect(run.stderr.contains("tcpwave: 40 packets read: 40 TCP"), "\(run.stderr)")
        let svg = (try? String(contentsOfFile: diagram, encoding: .utf8)) ?? ""
        #expect(svg.hasPrefix("<svg") || svg.hasPrefix("<?xml"), "diagram not written")
        #expect(svg.hasSuffix("</svg>\n"), "diagram incomplete")
    }

    @Test("SIGTERM ends a run blocked writing to a pipe nobody reads, with its counts")
    func terminateWhileBlockedOnOutput() throws {
        let pipe = Pipe() // never read
        let run = try Running(["-nn", "-r", "Fixtures/pcap/crafted/busy-server.pcap", "--timeline"],
                              stdout: pipe.fileHandleForWriting)
        try? pipe.fileHandleForWriting.close()
        usleep(1_000_000) // 297 KB of output: the pipe is full, tcpwave blocked in write()
        #expect(run.process.isRunning, "tcpwave should be blocked on the full pipe")
        let start = Date()
        run.signal(SIGTERM)
        let status = run.exitStatus(within: 5)
        #expect(status == 0, "still running 5 s after SIGTERM: \(run.stderr)")
        #expect(Date().timeIntervalSince(start) < 1.0, "SIGTERM must interrupt the blocked write at once")
        #expect(run.stderr.contains("packets read"), "\(run.stderr)")
        _ = pipe.fileHandleForReading
    }

    @Test("SIGUSR1 prints the counts so far and open connections; the run goes on")
    func usr1PrintsCountsAndContinues() throws {
        let (header, records) = StreamingTests.records("Fixtures/pcap/crafted/busy-server.pcap")
        let devNull = try #require(FileHandle(forWritingAtPath: "/dev/null"))
        let run = try Running(["-nn", "-r", "-"], stdout: devNull)
        run.send(header + records.prefix(10).reduce(Data(), +))
        #expect(run.waitForStderr("reading from file -"))
        usleep(300_000)
        run.signal(SIGUSR1)
        // The report comes after the next packet read (the reader is blocked in read(), which
        // SIGUSR1 restarts).
        run.send(records[10])
        #expect(run.waitForStderr("packets read:", seconds: 5), "\(run.stderr)")
        #expect(run.process.isRunning, "SIGUSR1 must not end the run")
        #expect(run.stderr.contains("tcpwave: 11 packets read: 11 TCP, 0 other, 0 malformed; "), "\(run.stderr)")
        #expect(run.stderr.contains(" open, 0 alerts\n"), "\(run.stderr)")
        run.send(records.dropFirst(11).reduce(Data(), +))
        run.closeInput()
        #expect(run.exitStatus(within: 10) == 0)
        #expect(run.stderr.contains("tcpwave: 720 packets read"), "\(run.stderr)")
    }

    @Test("--diagram replaces the file only when complete: a bad filter, a non-capture file or a killed run leave the old one")
    func diagramReplacedOnlyWhenComplete() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tcpwave-diagram-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let diagram = dir.appendingPathComponent("ladder.svg").path
        let old = Data("the old diagram\n".utf8)
        _ = FileManager.default.createFile(atPath: diagram, contents: old)

        let badFilter = Harness.tcpwave(["-r", "Fixtures/pcap/crafted/refused.pcap", "--diagram", diagram, "port", "nonsense-port"])
        #expect(badFilter.status == 1)
        let notCapture = Harness.tcpwave(["-r", "Package.swift", "--diagram", diagram])
        #expect(notCapture.status == 1)
        #expect(FileManager.default.contents(atPath: diagram) == old)

        let run = try Running(["-r", "-", "--diagram", diagram], stdout: try #require(FileHandle(forWritingAtPath: "/dev/null")))
        usleep(500_000)
        // Killed before any packet: the old file stays whole.
        run.signal(SIGKILL)
        _ = run.exitStatus(within: 5)
        #expect(FileManager.default.contents(atPath: diagram) == old)

        let good = Harness.tcpwave(["-r", "Fixtures/pcap/crafted/refused.pcap", "--diagram", diagram])
        #expect(good.status == 0)
        let svg = String(decoding: FileManager.default.contents(atPath: diagram) ?? Data(), as: UTF8.self)
        #expect(svg.hasSuffix("</svg>\n"))
        let mode = (try? FileManager.default.attributesOfItem(atPath: diagram)[.posixPermissions] as? Int) ?? 0
        #expect(mode & 0o044 == 0o044 || umaskValue() & 0o044 != 0, "a replaced diagram is readable as a newly created one")
        // No temporary file left beside it.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["ladder.svg"])
    }

    private func umaskValue() -> Int {
        let m = umask(0)
        umask(m)
        return Int(m)
    }
}
