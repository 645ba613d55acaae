#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One line on standard error, prefixed with the program name, written at once.
func diagnose(_ message: String) {
    ProgressLine.erase()
    let line = "tcpwave: " + message + "\n"
    var bytes = Array(line.utf8)
    _ = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
}

/// A note on standard error without the program prefix (tcpdump's "reading from file" line).
func inform(_ message: String) {
    ProgressLine.erase()
    var bytes = Array((message + "\n").utf8)
    _ = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
}
