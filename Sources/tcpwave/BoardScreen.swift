#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Render

/// Where the `--top` board goes. On a terminal: the alternate screen, no echo, keys read one at
/// a time, the cursor hidden, and all of it undone by `close()`. Otherwise: each board printed
/// as plain lines followed by an empty one.
struct BoardScreen {
    enum Key { case quit, next, previous }

    let interactive: Bool
    private var saved = termios()
    private var opened = false
    private var size: (Int, Int) = (100, 40)

    init(interactive: Bool) {
        self.interactive = interactive
    }

    var width: Int { interactive ? size.0 : 160 }
    var height: Int { interactive ? size.1 : 60 }

    mutating func open() {
        guard interactive, !opened else { return }
        tcgetattr(0, &saved)
        var raw = saved
        raw.c_lflag &= ~tcflag_t(ICANON | ECHO)
        withUnsafeMutableBytes(of: &raw.c_cc) { cc in
            cc[Int(VMIN)] = 0
            cc[Int(VTIME)] = 0
        }
        tcsetattr(0, TCSANOW, &raw)
        opened = true
        _ = resized()
        write("\u{1B}[?1049h\u{1B}[?25l\u{1B}[H\u{1B}[2J")
    }

    /// Restores the terminal as it was; safe to call twice.
    mutating func close() {
        guard opened else { return }
        write("\u{1B}[?25h\u{1B}[?1049l")
        tcsetattr(0, TCSANOW, &saved)
        opened = false
    }

    /// Reads the terminal size; true when it changed.
    mutating func resized() -> Bool {
        var w = winsize()
        guard ioctl(1, UInt(TIOCGWINSZ), &w) == 0, w.ws_col > 0, w.ws_row > 0 else { return false }
        let new = (Int(w.ws_col), Int(w.ws_row))
        defer { size = new }
        return new != size
    }

    mutating func draw(_ lines: [String]) {
        if interactive {
            _ = resized()
            var text = "\u{1B}[H"
            for (i, line) in lines.prefix(size.1).enumerated() {
                text += String(line.prefix(size.0)) + "\u{1B}[K"
                if i < Swift.min(lines.count, size.1) - 1 { text += "\r\n" }
            }
            text += "\u{1B}[J"
            write(text)
        } else {
            write(lines.map { String($0.reversed().drop { $0 == " " }.reversed()) }.joined(separator: "\n") + "\n\n")
        }
    }

    /// Whether a key is waiting, without waiting.
    func pollKeys() -> Bool { waitForKey(seconds: 0) }

    /// Waits up to `seconds` for a key (or a signal); true when one is waiting.
    func waitForKey(seconds: Double) -> Bool {
        var fds = [pollfd(fd: 0, events: Int16(POLLIN), revents: 0), pollfd(fd: Signals.wakeDescriptor, events: Int16(POLLIN), revents: 0)]
        let n = poll(&fds, Signals.wakeDescriptor >= 0 ? 2 : 1, Int32(Swift.max(0, seconds * 1000).rounded(.up)))
        return n > 0 && fds[0].revents & Int16(POLLIN) != 0
    }

    func readKeys() -> [Key] {
        var buffer = [UInt8](repeating: 0, count: 64)
        let n = buffer.withUnsafeMutableBytes { Glibc.read(0, $0.baseAddress, 64) }
        guard n > 0 else { return [] }
        var keys: [Key] = []
        var i = 0
        while i < n {
            switch buffer[i] {
            case UInt8(ascii: "q"), UInt8(ascii: "Q"), 3: keys.append(.quit)
            case UInt8(ascii: "s"), UInt8(ascii: ">"): keys.append(.next)
            case UInt8(ascii: "<"): keys.append(.previous)
            case 0x1B where i + 2 < n && buffer[i + 1] == UInt8(ascii: "["):
                if buffer[i + 2] == UInt8(ascii: "C") || buffer[i + 2] == UInt8(ascii: "B") { keys.append(.next) }
                if buffer[i + 2] == UInt8(ascii: "D") || buffer[i + 2] == UInt8(ascii: "A") { keys.append(.previous) }
                i += 2
            default: break
            }
            i += 1
        }
        return keys
    }

    private func write(_ s: String) {
        var bytes = Array(s.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.write(1, $0.baseAddress! + offset, $0.count - offset) }
            if n <= 0 { if errno == EINTR { continue }; return }
            offset += n
        }
    }
}
