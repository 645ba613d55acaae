import Foundation
import Synchronization
import Testing

/// Runs the built `tcpwave` (and peers like tcpdump) as a user would, from the package root.
enum Harness {
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The `tcpwave` built beside this test bundle.
    static let tcpwave: String = {
        let here = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var dir = here.deletingLastPathComponent()
        // On Linux the runner is …/debug/tcpwavePackageTests.xctest; on Darwin it is a bundle.
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("tcpwave").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return packageRoot.appendingPathComponent(".build/debug/tcpwave").path
    }()

    static let corpus = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus")

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `executable` with `arguments` under TZ=UTC (timestamps are local time, like tcpdump's).
    static func run(_ executable: String, _ arguments: [String], stdin: Data? = nil, timezone: String = "UTC") -> Result {
        let started = ContinuousClock.now
        defer { RunLog.record(executable, arguments, since: started) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = packageRoot
        var env = ProcessInfo.processInfo.environment
        env["TZ"] = timezone
        process.environment = env
        // Standard error goes to a file, so neither stream can block the other without threads.
        let errPath = FileManager.default.temporaryDirectory.appendingPathComponent("tcpwave-stderr-\(UUID().uuidString)").path
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: errPath) }
        let out = Pipe(), input = Pipe()
        let err = FileHandle(forWritingAtPath: errPath)!
        process.standardOutput = out
        process.standardError = err
        process.standardInput = stdin == nil ? FileHandle.nullDevice : input
        do { try process.run() } catch {
            return Result(status: -1, stdout: "", stderr: "cannot run \(executable): \(error)")
        }
        if let stdin {
            input.fileHandleForWriting.write(stdin)
            try? input.fileHandleForWriting.close()
        }
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try? err.close()
        let stderrData = FileManager.default.contents(atPath: errPath) ?? Data()
        return Result(status: process.terminationStatus,
                      stdout: String(decoding: stdoutData, as: UTF8.self),
                      stderr: String(decoding: stderrData, as: UTF8.self))
    }

    static func tcpwave(_ arguments: [String], stdin: Data? = nil) -> Result { run(tcpwave, arguments, stdin: stdin) }

    /// A program on PATH, or nil.
    static func which(_ name: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/usr/sbin").split(separator: ":") {
            let path = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        for dir in ["/usr/sbin", "/usr/bin", "/sbin"] where FileManager.default.isExecutableFile(atPath: "\(dir)/\(name)") {
            return "\(dir)/\(name)"
        }
        return nil
    }

    /// Every capture in Fixtures/pcap, relative to the package root, sorted.
    static var fixtures: [String] {
        let base = packageRoot.appendingPathComponent("Fixtures/pcap")
        guard let walker = FileManager.default.enumerator(atPath: base.path) else { return [] }
        return walker.compactMap { $0 as? String }
            .filter { $0.hasSuffix(".pcap") || $0.hasSuffix(".pcapng") }
            .map { "Fixtures/pcap/\($0)" }
            .sorted()
    }

    static func temporaryFile(_ name: String, _ bytes: [UInt8]) -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tcpwave-tests-\(getpid())")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent(name).path
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }
}

/// With TCPWAVE_TEST_RUN_LOG=FILE, every program a test runs is appended to FILE with its wall time
/// and the test that ran it: where the suite's time goes (CI must stay under 30 minutes).
enum RunLog {
    private static let path = ProcessInfo.processInfo.environment["TCPWAVE_TEST_RUN_LOG"]
    private static let lock = Mutex<Void>(())

    static func record(_ executable: String, _ arguments: [String], since started: ContinuousClock.Instant) {
        guard let path else { return }
        let elapsed = started.duration(to: .now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let test = Test.current?.name ?? "?"
        let program = URL(fileURLWithPath: executable).lastPathComponent
        let line = String(format: "%.3f", seconds) + "\t\(test)\t\(program) \(arguments.prefix(8).joined(separator: " "))\n"
        lock.withLock { _ in
            guard let handle = FileHandle(forWritingAtPath: path) ?? {
                _ = FileManager.default.createFile(atPath: path, contents: nil)
                return FileHandle(forWritingAtPath: path)
            }() else { return }
            handle.seekToEndOfFile()
            handle.write(Data(line.utf8))
            try? handle.close()
        }
    }
}
