#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// tcpdump's rotation of the `-w` file: `-C` (size), `-G` (time), `-W` (how many files), `-z`
/// (a command run on each file closed by a rotation). A long capture keeps a bounded number of
/// bounded files: with `-C` and `-W` the names go round and the oldest file is overwritten.
public struct FileRotation: Sendable {
    /// `-C`: a new file once the current one is larger than this many bytes.
    public var maxBytes: Int?
    /// `-G`: a new file every this many seconds (of the wall clock, checked as packets come).
    public var seconds: Int?
    /// `-W`: with `-C`, the number of file names used in turn; with `-G` alone, the number of
    /// files made before the capture ends.
    public var fileCount: Int?
    /// `-z`: run as `command file` for each file a rotation closes (not waited for).
    public var postRotateCommand: String?
    /// Called when `-G` with `-W` made its last file (tcpdump then exits with status 0).
    public var onLimit: (@Sendable (Int) -> Void)?
    /// Called once when a new file cannot be opened.
    public var onError: (@Sendable (String) -> Void)?

    public init(maxBytes: Int? = nil, seconds: Int? = nil, fileCount: Int? = nil, postRotateCommand: String? = nil) {
        self.maxBytes = maxBytes
        self.seconds = seconds
        self.fileCount = fileCount
        self.postRotateCommand = postRotateCommand
    }

    /// tcpdump's zero padding with `-W N`: enough digits for N-1.
    public static func digits(forFileCount count: Int) -> Int {
        var x = count - 1, digits = 0
        while x > 0 { digits += 1; x /= 10 }
        return digits
    }
}

/// Where a rotation stands: the current window, the `-C` counter, the commands started.
struct RotationState {
    var policy: FileRotation
    var windowStart: Int
    var count = 0
    var filesOpened = 0
    var finished = false
    var children: [pid_t] = []

    init(policy: FileRotation, start: time_t) {
        self.policy = policy
        self.windowStart = Int(start)
    }

    /// tcpdump's MakeFilename: the name through strftime (with `-G`) at the window's start,
    /// then the `-C` count, zero-padded to `-W`'s digits; the first file of a plain `-C`
    /// rotation carries no number.
    func fileName(template: String) -> String {
        var base = template
        if policy.seconds != nil {
            var t = time_t(windowStart)
            var parts = tm()
            localtime_r(&t, &parts)
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let n = strftime(&buffer, buffer.count, template, &parts)
            if n > 0 { base = String(decoding: buffer.prefix(n).map { UInt8(bitPattern: $0) }, as: UTF8.self) }
        }
        guard policy.maxBytes != nil else { return base }
        let width = policy.fileCount.map(FileRotation.digits(forFileCount:)) ?? 0
        if count == 0 && width == 0 { return base }
        let digits = String(count)
        return base + String(repeating: "0", count: Swift.max(0, width - digits.count)) + digits
    }

    /// A file is complete: start `-z`'s command on it, and reap commands that have ended.
    mutating func closed(_ path: String) {
        children.removeAll { waitpid($0, nil, WNOHANG) != 0 }
        guard let command = policy.postRotateCommand else { return }
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup(command), strdup(path), nil]
        defer { for p in argv { free(p) } }
        let rc = posix_spawnp(&pid, command, nil, nil, argv, environ)
        if rc == 0 {
            children.append(pid)
        } else {
            policy.onError?("-z \(command): \(String(cString: strerror(rc)))")
        }
    }

    /// At the end of the capture, the commands still running are waited for, so that a script
    /// running tcpwave finds every file processed.
    func waitForCommands() {
        for pid in children {
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        }
    }
}
