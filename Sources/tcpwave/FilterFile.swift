#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `-F FILE`: the filter expression read from a file, as tcpdump reads it. A `#` starts a comment
/// that runs to the end of its line; line breaks are spaces.
enum FilterFile {
    struct ReadError: Error, CustomStringConvertible {
        let description: String
    }

    /// The expression in `path`, its words joined by single spaces (so a message quoting it
    /// stays on one line); nil when the file holds no expression (every packet passes).
    static func expression(at path: String) throws(ReadError) -> String? {
        expression(in: try text(at: path, option: "-F"))
    }

    /// A small text file given to `option`, or an error naming both.
    static func text(at path: String, option: String) throws(ReadError) -> String {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw ReadError(description: "\(option) \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw ReadError(description: "\(option) \(path): \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            bytes += chunk[0..<n]
            // A filter is a line or two; a file this large is not one (or is a device).
            if bytes.count > 1 << 20 { throw ReadError(description: "\(option) \(path): too large (over 1 MiB) to be what \(option) reads") }
        }
        guard let text = String(validating: bytes, as: UTF8.self), !bytes.contains(0) else {
            throw ReadError(description: "\(option) \(path): not a text file")
        }
        return text
    }

    static func expression(in text: String) -> String? {
        var words: [Substring] = []
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let code = line.prefix { $0 != "#" }
            words += code.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
        }
        return words.isEmpty ? nil : words.joined(separator: " ")
    }
}
