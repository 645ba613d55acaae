#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A byte buffer that printers append to and that reaches the file descriptor in large writes.
/// One per output stream, reused for the whole run: appending copies bytes into storage the
/// buffer owns, with no per-append uniqueness checks or allocation.
public struct OutputBuffer: ~Copyable {
    private var storage: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// Bytes waiting to be written.
    public private(set) var count = 0
    public let fileDescriptor: Int32
    /// Flush after every line (tcpdump's `-l`, live captures read by a person).
    public var lineBuffered: Bool
    /// Flush when this many bytes are waiting.
    public let threshold: Int
    /// Set once a write failed (e.g. EPIPE when the reader went away) or was given up after a
    /// stop request; later writes are dropped.
    public private(set) var failed = false
    /// The errno of the write that failed; nil if none did, or if output was only given up
    /// because a stop was requested while a write was blocked.
    public private(set) var writeError: Int32? = nil

    public init(fileDescriptor: Int32, threshold: Int = 1 << 16, lineBuffered: Bool = false) {
        self.fileDescriptor = fileDescriptor
        self.threshold = threshold
        self.lineBuffered = lineBuffered
        self.capacity = Swift.min(threshold, 1 << 16) + 4096
        self.storage = .allocate(capacity: capacity)
    }

    /// An in-memory buffer for tests and for rendering into strings.
    public static func memory() -> OutputBuffer { OutputBuffer(fileDescriptor: -1, threshold: Int.max) }

    @inlinable public var isEmpty: Bool { count == 0 }

    /// A copy of the buffered bytes.
    public var bytes: [UInt8] { Array(UnsafeBufferPointer(start: storage, count: count)) }

    @inline(__always)
    private mutating func reserve(_ n: Int) {
        if count &+ n > capacity { grow(count + n) }
    }

    private mutating func grow(_ needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        bigger.update(from: storage, count: count)
        storage.deallocate()
        storage = bigger
        capacity = newCapacity
    }

    @inline(__always)
    public mutating func append(_ byte: UInt8) {
        reserve(1)
        storage[count] = byte
        count &+= 1
    }

    @inline(__always)
    public mutating func append(_ s: StaticString) {
        s.withUTF8Buffer { append(raw: $0.baseAddress, $0.count) }
    }

    /// Appends a run-time string. Named apart from `append(_: StaticString)` so that string
    /// literals take the static path instead of becoming `String`s.
    public mutating func append(string s: String) {
        var s = s
        s.withUTF8 { append(raw: $0.baseAddress, $0.count) }
    }

    public mutating func append(bytes other: UnsafeRawBufferPointer) {
        append(raw: other.baseAddress?.assumingMemoryBound(to: UInt8.self), other.count)
    }

    @inline(__always)
    private mutating func append(raw source: UnsafePointer<UInt8>?, _ n: Int) {
        guard n > 0, let source else { return }
        reserve(n)
        let to = UnsafeMutableRawPointer(storage + count), from = UnsafeRawPointer(source)
        // Most pieces are short literals: two overlapping word copies instead of a memmove call.
        if n >= 8 && n <= 16 {
            let head = from.loadUnaligned(as: UInt64.self)
            let tail = from.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self)
            to.storeBytes(of: head, as: UInt64.self)
            to.storeBytes(of: tail, toByteOffset: n &- 8, as: UInt64.self)
        } else if n >= 4 && n < 8 {
            let head = from.loadUnaligned(as: UInt32.self)
            let tail = from.loadUnaligned(fromByteOffset: n &- 4, as: UInt32.self)
            to.storeBytes(of: head, as: UInt32.self)
            to.storeBytes(of: tail, toByteOffset: n &- 4, as: UInt32.self)
        } else if n < 4 {
            for i in 0..<n { to.storeBytes(of: from.load(fromByteOffset: i, as: UInt8.self), toByteOffset: i, as: UInt8.self) }
        } else {
            to.copyMemory(from: from, byteCount: n)
        }
        count &+= n
    }

    /// Appends an IPv4 address as a dotted quad: one capacity check, each octet's digits stored
    /// as one word from a table (two addresses on every packet line).
    public mutating func append(dottedQuad v: UInt32) {
        reserve(19)
        OutputBuffer.octets.withUnsafeBufferPointer { table in
            let start = UnsafeMutableRawPointer(storage + count)
            var at = start
            // Each store writes an octet's digits and the '.' after them (overwritten by the
            // next octet when it is the last).
            @inline(__always) func octet(_ o: UInt32) {
                let entry = table[Int(o & 0xff)]
                let digits = entry >> 24
                at.storeBytes(of: entry & 0x00ff_ffff | 0x2e << (digits &* 8), as: UInt32.self)
                at += Int(digits) &+ 1
            }
            octet(v >> 24)
            octet(v >> 16)
            octet(v >> 8)
            octet(v)
            count &+= start.distance(to: at) &- 1
        }
    }

    /// "0" to "255": the ASCII digits in the low bytes (little-endian order), the count in the top byte.
    private static let octets: [UInt32] = (0..<256).map { (n: Int) -> UInt32 in
        let digits = Array(String(n).utf8)
        var word = UInt32(digits.count) << 24
        for (i, d) in digits.enumerated() { word |= UInt32(d) << (8 * UInt32(i)) }
        return word
    }

    /// Appends `value` in decimal with exactly `width` digits (zero-padded) when it fits, as
    /// printf's `%0*u` does; a wider value is written whole. One capacity check.
    @inline(__always)
    public mutating func append(decimal value: UInt64, width: Int) {
        var limit: UInt64 = 1
        for _ in 0..<width { limit &*= 10 }
        guard width > 0, width <= 19, value < limit else { append(decimal: value); return }
        reserve(width)
        var v = value
        var at = count &+ width
        while at > count {
            at &-= 1
            storage[at] = UInt8(truncatingIfNeeded: v % 10) &+ 48
            v /= 10
        }
        count &+= width
    }

    /// Appends `value` in decimal.
    @inline(__always)
    public mutating func append(decimal value: UInt64) {
        if value < 10 { append(UInt8(truncatingIfNeeded: value) &+ 48); return }
        var digits = 0
        var v = value
        while v > 0 { v /= 10; digits += 1 }
        reserve(digits)
        var at = count &+ digits
        v = value
        while v > 0 {
            at &-= 1
            storage[at] = UInt8(truncatingIfNeeded: v % 10) &+ 48
            v /= 10
        }
        count &+= digits
    }

    @inline(__always)
    public mutating func append(decimal value: Int) {
        if value < 0 {
            append(UInt8(ascii: "-"))
            append(decimal: UInt64(value.magnitude))
        } else {
            append(decimal: UInt64(value))
        }
    }

    @inline(__always)
    public mutating func append(decimal value: UInt32) { append(decimal: UInt64(value)) }

    /// Appends `value` in decimal, left-padded with zeros to `width` digits (a negative value as 0).
    @inline(__always)
    public mutating func append(decimal value: Int, zeroPadded width: Int) {
        append(decimal: UInt64(Swift.max(0, value)), width: width)
    }

    /// Appends `value` in decimal, right-aligned in `width` columns (printf `%5u`).
    public mutating func append(decimal value: UInt64, spacePadded width: Int) {
        var digits = 1
        var v = value
        while v >= 10 { v /= 10; digits += 1 }
        var pad = width - digits
        while pad > 0 { append(32); pad -= 1 }
        append(decimal: value)
    }

    /// Appends lower-case hex, at least `minimumDigits` wide (printf `%0Nx`).
    public mutating func append(hex value: UInt64, minimumDigits: Int = 1) {
        // Digits from the highest set nibble; one capacity check, digits by arithmetic.
        var digits = Swift.max(1, (64 &- value.leadingZeroBitCount &+ 3) >> 2)
        if digits < minimumDigits { digits = minimumDigits }
        reserve(digits)
        let p = storage + count
        for i in 0..<digits {
            let shift = (digits &- 1 &- i) &* 4
            let nibble = shift < 64 ? UInt8(truncatingIfNeeded: value >> UInt64(shift)) & 0xf : 0
            p[i] = nibble < 10 ? nibble &+ 48 : nibble &+ 87
        }
        count &+= digits
    }

    /// Writes out and empties the buffer if it is over its threshold (or line-buffered).
    @inline(__always)
    public mutating func endLine() {
        if lineBuffered || count >= threshold { flush() }
    }

    /// Writes everything buffered to the descriptor. A write interrupted by a signal is retried
    /// unless a stop was requested (`StopRequest`): a reader that stopped reading must not keep
    /// Ctrl-C from working. Any other error ends the output and is kept in `writeError`.
    public mutating func flush() {
        guard fileDescriptor >= 0, count > 0 else { return }
        if failed { count = 0; return }
        var offset = 0
        while offset < count {
            // A signal that interrupts a write after some bytes went through makes it return
            // that count, not EINTR: after a stop request the rest is given up, not retried.
            if offset > 0 && StopRequest.isRequested {
                failed = true
                break
            }
            let n = write(fileDescriptor, storage + offset, count - offset)
            if n < 0 {
                let code = errno
                if code == EINTR && !StopRequest.isRequested { continue }
                failed = true
                if code != EINTR { writeError = code }
                break
            }
            offset += n
        }
        count = 0
    }

    /// Whether the bytes waiting end with `suffix` (only appends happen between flushes, so a
    /// record just written is still whole here).
    public func hasSuffix(_ suffix: StaticString) -> Bool {
        let n = suffix.utf8CodeUnitCount
        guard n <= count else { return false }
        return suffix.withUTF8Buffer { memcmp(storage + (count - n), $0.baseAddress!, n) == 0 }
    }

    /// Takes back the last `n` bytes waiting (at most `count`).
    public mutating func removeLast(_ n: Int) {
        count -= Swift.min(n, count)
    }

    /// Moves the buffered bytes to the end of `array` and empties the buffer (memory buffers).
    public mutating func moveBytes(into array: inout [UInt8]) {
        array.append(contentsOf: UnsafeBufferPointer(start: storage, count: count))
        count = 0
    }

    /// Takes the buffered text out (memory buffers).
    public mutating func takeString() -> String {
        let s = String(decoding: UnsafeBufferPointer(start: storage, count: count), as: UTF8.self)
        count = 0
        return s
    }

    deinit {
        // A buffer going out of scope must not drop output silently.
        if fileDescriptor >= 0 && count > 0 && !failed {
            var offset = 0
            while offset < count {
                let n = write(fileDescriptor, storage + offset, count - offset)
                if n < 0 && errno == EINTR && !StopRequest.isRequested { continue }
                if n <= 0 { break }
                offset += n
            }
        }
        storage.deallocate()
    }
}
