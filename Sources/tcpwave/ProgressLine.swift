#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A line on standard error while a long file is read: bytes and packets read, packets per
/// second, the share of the file and the time left, redrawn a few times a second and erased
/// at the end. Only when standard error is a terminal that standard output is not also writing
/// lines to (the two would overwrite each other); only after the first second, so a short read
/// shows nothing. Lives on the thread that prints (diagnostics erase it first).
struct ProgressLine {
    /// The line is on the terminal now: `diagnose` erases it before writing.
    nonisolated(unsafe) static var shown = false

    private let name: String
    private let totalBytes: Int
    private let start: Double
    /// Nothing is drawn before this much time has passed (TCPWAVE_PROGRESS_DELAY, default 1 s).
    private let delay: Double
    private var lastDraw = 0.0

    /// How often the caller should offer an update: every this many packets.
    static let packetStride = 1024

    /// A progress line for reading `path`, or nil when none should be shown.
    init?(path: String) {
        guard path != "-", isatty(2) != 0, !ProgressLine.sameTerminal() else { return nil }
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_size > 0 else { return nil }
        name = path
        totalBytes = Int(info.st_size)
        start = ProgressLine.now()
        let given = getenv("TCPWAVE_PROGRESS_DELAY").flatMap { Double(String(cString: $0)) }
        delay = given.map { Swift.max(0, $0) } ?? 1
    }

    /// Standard output is the same terminal as standard error.
    static func sameTerminal() -> Bool {
        guard isatty(1) != 0 else { return false }
        var out = stat(), err = stat()
        guard fstat(1, &out) == 0, fstat(2, &err) == 0 else { return true }
        return out.st_rdev == err.st_rdev
    }

    /// Redraws the line if a quarter of a second has passed since the last time.
    mutating func update(bytes: Int?, packets: Int) {
        let now = ProgressLine.now()
        let elapsed = now - start
        guard elapsed >= delay, now - lastDraw >= 0.25 else { return }
        lastDraw = now
        var line = "\r\u{1b}[K" + "reading \(name): "
        let rate = elapsed > 0 ? Double(packets) / elapsed : 0
        if let bytes {
            let done = Swift.min(bytes, totalBytes)
            let share = Double(done) / Double(totalBytes)
            line += "\(ProgressLine.size(done)) of \(ProgressLine.size(totalBytes)) (\(Int(share * 100))%), "
            line += "\(ProgressLine.grouped(packets)) packets, \(ProgressLine.grouped(Int(rate))) packets/s"
            if done > 0 && done < totalBytes {
                let left = elapsed * Double(totalBytes - done) / Double(done)
                line += ", \(ProgressLine.duration(left)) left"
            }
        } else {
            line += "\(ProgressLine.grouped(packets)) packets, \(ProgressLine.grouped(Int(rate))) packets/s"
        }
        ProgressLine.put(line)
        ProgressLine.shown = true
    }

    /// Removes the line from the terminal, if it is there.
    static func erase() {
        guard shown else { return }
        put("\r\u{1b}[K")
        shown = false
    }

    private static func put(_ text: String) {
        var bytes = Array(text.utf8)
        _ = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// `512.0 MiB`.
    static func size(_ bytes: Int) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var v = Double(bytes), u = 0
        while v >= 1024 && u < units.count - 1 { v /= 1024; u += 1 }
        if u == 0 { return "\(bytes) B" }
        return "\((v * 10).rounded() / 10) \(units[u])"
    }

    /// `1,234,567`.
    static func grouped(_ n: Int) -> String {
        let digits = String(n)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return out
    }

    /// `0:45`, `1:02:03`.
    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded(.up))
        let two = { (n: Int) in n < 10 ? "0\(n)" : "\(n)" }
        return s >= 3600 ? "\(s / 3600):\(two(s / 60 % 60)):\(two(s % 60))" : "\(s / 60):\(two(s % 60))"
    }
}
