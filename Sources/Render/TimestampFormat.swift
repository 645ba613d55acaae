#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// tcpdump's timestamp forms: `-t` … `-ttttt`, with or without `--nano`.
public enum TimestampStyle: Int, Sendable {
    /// `HH:MM:SS.frac ` in local time (the default).
    case timeOfDay = 0
    /// `-t`: no timestamp.
    case none = 1
    /// `-tt`: seconds since the epoch.
    case unix = 2
    /// `-ttt`: ` HH:MM:SS.frac ` since the previous packet.
    case sincePrevious = 3
    /// `-tttt`: `YYYY-MM-DD HH:MM:SS.frac ` in local time.
    case date = 4
    /// `-ttttt`: ` HH:MM:SS.frac ` since the first packet.
    case sinceFirst = 5

    /// Maps the number of `-t` flags to a style, as tcpdump counts them.
    public init(tCount: Int) {
        switch tCount {
        case 0: self = .timeOfDay
        case 1: self = .none
        case 2: self = .unix
        case 3: self = .sincePrevious
        case 4: self = .date
        default: self = .sinceFirst
        }
    }
}

/// Formats capture timestamps exactly as tcpdump's `ts_print` does, from the raw seconds and
/// fraction libpcap reports (microseconds, or nanoseconds with `--nano`). Local-time
/// conversion happens once per distinct second, not once per packet.
public struct TimestampFormatter {
    public let style: TimestampStyle
    public let nanoseconds: Bool
    private var cachedSecond = Int.min
    private var cachedLocal = true
    /// The cached second could be converted, and its year has at most four digits.
    private var cachedValid = true
    private var cachedLongYear = false
    /// "YYYY-MM-DD HH:MM:SS" for the cached second; the time of day is bytes 11..<19.
    private var cachedText: (UInt64, UInt64, UInt64) = (0, 0, 0)
    /// tcpdump's `tv_ref`: (0, 0) means not set yet.
    private var reference: (seconds: Int, fraction: Int) = (0, 0)

    public init(style: TimestampStyle, nanoseconds: Bool) {
        self.style = style
        self.nanoseconds = nanoseconds
    }

    /// Appends the timestamp and its trailing space (nothing at all for `-t`).
    public mutating func append(seconds: Int, fraction: Int, to out: inout OutputBuffer) {
        switch style {
        case .none:
            break
        case .timeOfDay:
            appendClock(seconds, fraction, withDate: false, local: true, &out)
            out.append(32)
        case .date:
            appendClock(seconds, fraction, withDate: true, local: true, &out)
            out.append(32)
        case .unix:
            // tcpdump's ts_unix_print: the seconds go through `(unsigned)`, so a pcapng
            // `if_tsoffset` past 32 bits is cut to its low 32, and one with bit 31 set is refused.
            let low = UInt32(truncatingIfNeeded: seconds)
            if low & 0x8000_0000 != 0 {
                out.append("[Error converting time]")
            } else {
                out.append(decimal: UInt64(low))
                appendFraction(fraction, &out)
            }
            out.append(32)
        case .sincePrevious, .sinceFirst:
            let (negative, s, f) = delta(seconds, fraction)
            out.append(negative ? UInt8(ascii: "-") : 32)
            appendClock(s, f, withDate: false, local: false, &out)
            out.append(32)
        }
    }

    /// Notes the time of a packet that is not printed: tcpdump's deltas count every packet.
    public mutating func skip(seconds: Int, fraction: Int) {
        if style == .sincePrevious || style == .sinceFirst { _ = delta(seconds, fraction) }
    }

    /// The offset from the reference, as `netdissect_timevalsub` computes it (one borrow).
    private mutating func delta(_ seconds: Int, _ fraction: Int) -> (Bool, Int, Int) {
        if reference.seconds == 0 && reference.fraction == 0 { reference = (seconds, fraction) }
        let negative = seconds < reference.seconds || (seconds == reference.seconds && fraction < reference.fraction)
        let current: (seconds: Int, fraction: Int) = (seconds, fraction)
        let a = negative ? reference : current
        let b = negative ? current : reference
        var s = a.seconds &- b.seconds
        var f = a.fraction &- b.fraction
        if f < 0 {
            s &-= 1
            f &+= nanoseconds ? 1_000_000_000 : 1_000_000
        }
        if style == .sincePrevious { reference = (seconds, fraction) }
        return (negative, s, f)
    }

    private func appendFraction(_ fraction: Int, _ out: inout OutputBuffer) {
        out.append(UInt8(ascii: "."))
        // tcpdump prints the field with %u: a negative value shows as its 32-bit pattern.
        out.append(decimal: UInt64(UInt32(truncatingIfNeeded: fraction)), width: nanoseconds ? 9 : 6)
    }

    private mutating func appendClock(_ seconds: Int, _ fraction: Int, withDate: Bool, local: Bool, _ out: inout OutputBuffer) {
        if UInt32(truncatingIfNeeded: seconds) & 0x8000_0000 != 0 {
            out.append("[Error converting time]")
            return
        }
        guard calendar(seconds, local: local) else {
            // localtime/gmtime cannot convert it (a year past what `struct tm` holds): tcpdump's
            // nd_format_time prints this instead, and no fraction.
            out.append("[Error converting time]")
            return
        }
        if cachedLongYear {
            // A year past 9999 does not fit the cached layout; tcpdump's strftime prints it whole.
            var parts = tm()
            var t = time_t(seconds)
            if local { _ = localtime_r(&t, &parts) } else { _ = gmtime_r(&t, &parts) }
            if withDate {
                out.append(decimal: Int(parts.tm_year) + 1900)
                out.append(UInt8(ascii: "-"))
                out.append(decimal: Int(parts.tm_mon) + 1, zeroPadded: 2)
                out.append(UInt8(ascii: "-"))
                out.append(decimal: Int(parts.tm_mday), zeroPadded: 2)
                out.append(32)
            }
            out.append(decimal: Int(parts.tm_hour), zeroPadded: 2)
            out.append(UInt8(ascii: ":"))
            out.append(decimal: Int(parts.tm_min), zeroPadded: 2)
            out.append(UInt8(ascii: ":"))
            out.append(decimal: Int(parts.tm_sec), zeroPadded: 2)
            appendFraction(fraction, &out)
            return
        }
        withUnsafeBytes(of: &cachedText) {
            out.append(bytes: UnsafeRawBufferPointer(rebasing: $0[(withDate ? 0 : 11)..<19]))
        }
        appendFraction(fraction, &out)
    }

    /// Fills the cache for `seconds`; false when the C library cannot convert them.
    private mutating func calendar(_ seconds: Int, local: Bool) -> Bool {
        guard seconds != cachedSecond || local != cachedLocal else { return cachedValid }
        cachedSecond = seconds
        cachedLocal = local
        var t = time_t(seconds)
        var parts = tm()
        let converted = local ? localtime_r(&t, &parts) : gmtime_r(&t, &parts)
        cachedValid = converted != nil
        cachedLongYear = Int(parts.tm_year) + 1900 > 9999
        guard cachedValid, !cachedLongYear else { return cachedValid }
        var text = OutputBuffer.memory()
        text.append(decimal: Int(parts.tm_year) + 1900, zeroPadded: 4)
        text.append(UInt8(ascii: "-"))
        text.append(decimal: Int(parts.tm_mon) + 1, zeroPadded: 2)
        text.append(UInt8(ascii: "-"))
        text.append(decimal: Int(parts.tm_mday), zeroPadded: 2)
        text.append(32)
        text.append(decimal: Int(parts.tm_hour), zeroPadded: 2)
        text.append(UInt8(ascii: ":"))
        text.append(decimal: Int(parts.tm_min), zeroPadded: 2)
        text.append(UInt8(ascii: ":"))
        text.append(decimal: Int(parts.tm_sec), zeroPadded: 2)
        withUnsafeMutableBytes(of: &cachedText) { dst in
            let copy = text.bytes
            copy.withUnsafeBytes { src in
                let n = Swift.min(src.count, dst.count)
                dst.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[(src.count - n)..<src.count]))
            }
        }
        return true
    }
}
