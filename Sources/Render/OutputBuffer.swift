#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A byte buffer that printers append to and that reaches the file descriptor in large writes.
/// One per output stream, reused for the whole run: the hot path never allocates.
public struct OutputBuffer: ~Copyable {
    public private(set) var bytes: [UInt8]
    public let fileDescriptor: Int32
    /// Flush after every line (tcpdump's `-l`, live captures read by a person).
    public var lineBuffered: Bool
    /// Flush when this many bytes are waiting.
    public let threshold: Int
    /// Set once a write failed (e.g. EPIPE when the reader went away); later writes are dropped.
    public private(set) var failed = false

    public init(fileDescriptor: Int32, threshold: Int = 1 << 16, lineBuffered: Bool = false) {
        self.fileDescriptor = fileDescriptor
        self.threshold = threshold
        self.lineBuffered = lineBuffered
        self.bytes = []
        self.bytes.reserveCapacity(Swift.min(threshold, 1 << 16) + 4096)
    }

    /// An in-memory buffer for tests and for rendering into strings.
    public static func memory() -> OutputBuffer { OutputBuffer(fileDescriptor: -1, threshold: Int.max) }

    @inlinable public var isEmpty: Bool { bytes.isEmpty }

    @inline(__always)
    public mutating func append(_ byte: UInt8) { bytes.append(byte) }

    @inline(__always)
    public mutating func append(_ s: StaticString) {
        s.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    public mutating func append(_ s: String) {
        var s = s
        s.withUTF8 { bytes.append(contentsOf: $0) }
    }

    public mutating func append(bytes other: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: other)
    }

    /// Appends `value` in decimal.
    @inline(__always)
    public mutating func append(decimal value: UInt64) {
        if value < 10 { bytes.append(UInt8(truncatingIfNeeded: value) &+ 48); return }
        var digits: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0) // 32 bytes of scratch
        withUnsafeMutableBytes(of: &digits) { scratch in
            var v = value
            var i = 32
            while v > 0 {
                i -= 1
                scratch[i] = UInt8(truncatingIfNeeded: v % 10) &+ 48
                v /= 10
            }
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: scratch[i...]))
        }
    }

    @inline(__always)
    public mutating func append(decimal value: Int) {
        if value < 0 {
            bytes.append(UInt8(ascii: "-"))
            append(decimal: UInt64(value.magnitude))
        } else {
            append(decimal: UInt64(value))
        }
    }

    @inline(__always)
    public mutating func append(decimal value: UInt32) { append(decimal: UInt64(value)) }

    /// Appends `value` in decimal, left-padded with zeros to `width` digits.
    @inline(__always)
    public mutating func append(decimal value: Int, zeroPadded width: Int) {
        var divisor = 1
        var w = 1
        while w < width { divisor &*= 10; w += 1 }
        var v = value
        while divisor > 1 && v < divisor {
            bytes.append(48)
            divisor /= 10
        }
        if v < 0 { v = 0 }
        append(decimal: UInt64(v))
    }

    /// Appends `value` in decimal, right-aligned in `width` columns (printf `%5u`).
    public mutating func append(decimal value: UInt64, spacePadded width: Int) {
        var digits = 1
        var v = value
        while v >= 10 { v /= 10; digits += 1 }
        var pad = width - digits
        while pad > 0 { bytes.append(32); pad -= 1 }
        append(decimal: value)
    }

    private static let hexDigits: StaticString = "0123456789abcdef"

    /// Appends lower-case hex, at least `minimumDigits` wide (printf `%0Nx`).
    public mutating func append(hex value: UInt64, minimumDigits: Int = 1) {
        var digits = 1
        var v = value >> 4
        while v != 0 { v >>= 4; digits += 1 }
        if digits < minimumDigits { digits = minimumDigits }
        var shift = (digits - 1) * 4
        OutputBuffer.hexDigits.withUTF8Buffer { table in
            while shift >= 0 {
                bytes.append(table[Int((value >> UInt64(shift)) & 0xf)])
                shift -= 4
            }
        }
    }

    /// Writes out and empties the buffer if it is over its threshold (or line-buffered).
    @inline(__always)
    public mutating func endLine() {
        if lineBuffered || bytes.count >= threshold { flush() }
    }

    /// Writes everything buffered to the descriptor.
    public mutating func flush() {
        guard fileDescriptor >= 0, !bytes.isEmpty else { return }
        if failed { bytes.removeAll(keepingCapacity: true); return }
        let fd = fileDescriptor
        let ok = bytes.withUnsafeBytes { raw -> Bool in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += n
            }
            return true
        }
        if !ok { failed = true }
        bytes.removeAll(keepingCapacity: true)
    }

    /// Takes the buffered text out (memory buffers).
    public mutating func takeString() -> String {
        let s = String(decoding: bytes, as: UTF8.self)
        bytes.removeAll(keepingCapacity: true)
        return s
    }

    deinit {
        // A buffer going out of scope must not drop output silently.
        if fileDescriptor >= 0 && !bytes.isEmpty && !failed {
            bytes.withUnsafeBytes { raw in _ = write(fileDescriptor, raw.baseAddress!, raw.count) }
        }
    }
}
