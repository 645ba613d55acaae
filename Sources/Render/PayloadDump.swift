/// tcpdump's packet dumps (`-x`, `-xx`, `-X`, `-XX`, `-A`, `-AA`), byte for byte as 4.99's
/// print-ascii.c lays them out: after the packet's line (and tcpwave's annotation), the captured
/// bytes from the network header on, or from the start of the frame with the letter doubled.
public struct PayloadDump: Sendable, Equatable {
    public enum Form: Sendable, Equatable {
        /// `-x`: `\n\t0x0000:  4500 003c ...`, 16 bytes a line.
        case hex
        /// `-X`: the hex lines with the printable bytes beside them.
        case hexAndASCII
        /// `-A`: the bytes as text, unprintable ones as `.`, CRs at line ends dropped.
        case ascii
    }

    public var form: Form
    /// `-xx`, `-XX`, `-AA`: from the first byte of the frame, link-layer header included.
    public var includesLinkHeader: Bool

    public init(form: Form, includesLinkHeader: Bool) {
        self.form = form
        self.includesLinkHeader = includesLinkHeader
    }

    /// The dump tcpdump's letters ask for: `-X` wins over `-x`, and both over `-A`, as in
    /// tcpdump; nil when none is given.
    public init?(x: Int, X: Int, A: Int) {
        if X > 0 {
            self.init(form: .hexAndASCII, includesLinkHeader: X > 1)
        } else if x > 0 {
            self.init(form: .hex, includesLinkHeader: x > 1)
        } else if A > 0 {
            self.init(form: .ascii, includesLinkHeader: A > 1)
        } else {
            return nil
        }
    }

    /// Writes the dump of `frame` (the captured bytes) whose link-layer header is
    /// `linkHeaderLength` bytes long; the caller ends the packet with a newline. When tcpdump
    /// would have nothing past the link-layer header it prints nothing, and so does this.
    public func write(_ frame: UnsafeRawBufferPointer, linkHeaderLength: Int, into out: inout OutputBuffer) {
        let start = includesLinkHeader ? 0 : Swift.max(0, linkHeaderLength)
        guard frame.count > start else { return }
        let bytes = UnsafeRawBufferPointer(rebasing: frame[start...])
        switch form {
        case .hex: PayloadDump.writeHex(bytes, into: &out)
        case .hexAndASCII: PayloadDump.writeHexAndASCII(bytes, into: &out)
        case .ascii: PayloadDump.writeASCII(bytes, into: &out)
        }
    }

    /// A byte printed as itself in the `-X` column: graphic ASCII (not space).
    @inline(__always) static func isGraphic(_ c: UInt8) -> Bool { c > 0x20 && c < 0x7f }

    @inline(__always) static func hexDigit(_ v: UInt8) -> UInt8 { v < 10 ? 0x30 &+ v : 0x57 &+ v }

    @inline(__always) static func appendHexByte(_ b: UInt8, _ out: inout OutputBuffer) {
        out.append(hexDigit(b >> 4))
        out.append(hexDigit(b & 0xf))
    }

    /// `\n\t0x0010: ` — the line's offset, at least four hex digits.
    @inline(__always) static func appendOffset(_ offset: Int, _ out: inout OutputBuffer) {
        out.append("\n\t0x")
        out.append(hex: UInt64(offset), minimumDigits: 4)
        out.append(": ")
    }

    /// `-x`: groups of two bytes, eight groups a line; an odd last byte stands alone.
    static func writeHex(_ p: UnsafeRawBufferPointer, into out: inout OutputBuffer) {
        var i = 0
        while i < p.count {
            if i % 16 == 0 { appendOffset(i, &out) }
            out.append(32)
            appendHexByte(p[i], &out)
            if i + 1 < p.count { appendHexByte(p[i + 1], &out) }
            i += 2
        }
    }

    /// `-X`: the hex part padded to 40 columns, two spaces, then the bytes as characters.
    static func writeHexAndASCII(_ p: UnsafeRawBufferPointer, into out: inout OutputBuffer) {
        var line = 0
        while line < p.count {
            let end = Swift.min(p.count, line + 16)
            appendOffset(line, &out)
            var width = 0
            var i = line
            while i < end {
                out.append(32)
                appendHexByte(p[i], &out)
                width += 3
                if i + 1 < end {
                    appendHexByte(p[i + 1], &out)
                    width += 2
                }
                i += 2
            }
            for _ in width..<42 { out.append(32) }
            for j in line..<end { out.append(isGraphic(p[j]) ? p[j] : UInt8(ascii: ".")) }
            line = end
        }
    }

    /// `-A`: printable characters, tabs, spaces and newlines as they are, anything else as `.`.
    /// A CR is dropped when a newline follows it, and (as tcpdump does) when it is one of the
    /// last two bytes.
    static func writeASCII(_ p: UnsafeRawBufferPointer, into out: inout OutputBuffer) {
        out.append(UInt8(ascii: "\n"))
        var i = 0
        while i < p.count {
            let c = p[i]
            i += 1
            let remaining = p.count - i
            if c == 0x0d {
                if remaining > 1 && p[i] != 0x0a { out.append(UInt8(ascii: ".")) }
            } else if isGraphic(c) || c == 0x09 || c == 0x20 || c == 0x0a {
                out.append(c)
            } else {
                out.append(UInt8(ascii: "."))
            }
        }
    }
}
