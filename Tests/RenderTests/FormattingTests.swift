#if canImport(Glibc)
import Glibc
#endif
import Render
import Testing
import Wire

private func text(_ body: (inout OutputBuffer) -> Void) -> String {
    var out = OutputBuffer.memory()
    body(&out)
    return out.takeString()
}

@Test("IPv6 addresses print as tcpdump prints them", arguments: [
    ("::1", "::1"), ("::", "::"), ("2001:db8::1", "2001:db8::1"), ("1:0:1::", "1:0:1::"),
    ("fe80::ffff:a00:1", "fe80::ffff:a00:1"), ("::ffff:1.2.3.4", "::ffff:1.2.3.4"),
    ("::1.2.3.4", "::1.2.3.4"), ("1:0:0:1:0:0:0:1", "1:0:0:1::1"), ("1:0:0:1:1:0:0:1", "1::1:1:0:0:1"),
    ("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"),
])
func ipv6Text(input: String, printed: String) {
    #expect(text { $0.append(address: IPAddress(input)!) } == printed)
}

@Test("every IPv4 octet value prints in decimal, without leading zeros, in each position")
func dottedQuads() {
    for o in 0...255 {
        let v = UInt32(o)
        #expect(text { $0.append(address: IPAddress(ipv4: v << 24 | v << 16 | v << 8 | v)) } == "\(o).\(o).\(o).\(o)")
        #expect(text { $0.append(address: IPAddress(ipv4: v << 24 | 7)) } == "\(o).0.0.7")
    }
    // Back to back, so a word written past one address's end shows if it is not overwritten.
    #expect(text {
        $0.append(address: IPAddress(ipv4: 0x0a00_0001))
        $0.append(address: IPAddress(ipv4: 0xffff_ffff))
        $0.append(decimal: UInt64(9))
    } == "10.0.0.1255.255.255.2559")
}

@Test("numbers format like printf")
func numbers() {
    #expect(text { $0.append(decimal: UInt64.max) } == "18446744073709551615")
    #expect(text { $0.append(decimal: 7, zeroPadded: 6) } == "000007")
    #expect(text { $0.append(decimal: 1234567, zeroPadded: 6) } == "1234567")
    #expect(text { $0.append(decimal: UInt64(42), spacePadded: 5) } == "   42")
    #expect(text { $0.append(hex: 0xab, minimumDigits: 4) } == "00ab")
    #expect(text { $0.append(hex: 0) } == "0")
    #expect(text { $0.append(hex: UInt64.max) } == "ffffffffffffffff")
    #expect(text { $0.append(hex: 0x1_0000, minimumDigits: 2) } == "10000")
    #expect(text { $0.append(hex: 0xf, minimumDigits: 18) } == "00000000000000000f")
    #expect(text { $0.append(decimal: UInt64(5), width: 3) } == "005")
    #expect(text { $0.append(decimal: UInt64(12345), width: 3) } == "12345")
    #expect(text { $0.append(decimal: -12) } == "-12")
}

@Test("timestamps in every -t form", arguments: [
    (TimestampStyle.timeOfDay, false, ["09:00:00.000001 ", "09:00:01.500000 "]),
    (.none, false, ["", ""]),
    (.unix, false, ["1764320400.000001 ", "1764320401.500000 "]),
    (.sincePrevious, false, [" 00:00:00.000000 ", " 00:00:01.499999 "]),
    (.date, false, ["2025-11-28 09:00:00.000001 ", "2025-11-28 09:00:01.500000 "]),
    (.sinceFirst, true, [" 00:00:00.000001000 ", " 00:00:01.500000000 "]),
])
func timestamps(style: TimestampStyle, nano: Bool, expected: [String]) {
    setenv("TZ", "UTC", 1)
    tzset()
    var f = TimestampFormatter(style: style, nanoseconds: nano)
    var lines: [String] = []
    if style == .sinceFirst {
        f.skip(seconds: 1_764_320_400, fraction: 0)
        lines.append(text { f.append(seconds: 1_764_320_400, fraction: nano ? 1000 : 1, to: &$0) })
        lines.append(text { f.append(seconds: 1_764_320_401, fraction: nano ? 500_000_000 : 500_000, to: &$0) })
    } else {
        lines.append(text { f.append(seconds: 1_764_320_400, fraction: 1, to: &$0) })
        lines.append(text { f.append(seconds: 1_764_320_401, fraction: 500_000, to: &$0) })
    }
    #expect(lines == expected)
}

@Test("a negative delta carries a minus sign in the sign slot")
func negativeDelta() {
    var f = TimestampFormatter(style: .sincePrevious, nanoseconds: false)
    _ = text { f.append(seconds: 100, fraction: 500_000, to: &$0) }
    #expect(text { f.append(seconds: 99, fraction: 0, to: &$0) } == "-00:00:01.500000 ")
}
