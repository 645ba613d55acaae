import Render
import Testing

private func dump(_ bytes: [UInt8], _ form: PayloadDump.Form, link: Int = 0, whole: Bool = false) -> String {
    var out = OutputBuffer.memory()
    bytes.withUnsafeBytes { PayloadDump(form: form, includesLinkHeader: whole).write($0, linkHeaderLength: link, into: &out) }
    return out.takeString()
}

/// The layouts of tcpdump 4.99's print-ascii.c, on the edges the captures rarely reach.
struct PayloadDumpFormatTests {
    @Test("-x: pairs of bytes, eight a line, an odd last byte alone")
    func hexLines() {
        #expect(dump([0x45, 0x00, 0x01], .hex) == "\n\t0x0000:  4500 01")
        #expect(dump(Array(0..<17), .hex) == "\n\t0x0000:  0001 0203 0405 0607 0809 0a0b 0c0d 0e0f\n\t0x0010:  10")
        #expect(dump(Array(0..<16), .hex) == "\n\t0x0000:  0001 0203 0405 0607 0809 0a0b 0c0d 0e0f")
    }

    @Test("-X: the hex padded to 40 columns, then the graphic bytes")
    func hexAndASCIILines() {
        #expect(dump([0x41, 0x20, 0x42], .hexAndASCII) == "\n\t0x0000:  4120 42" + String(repeating: " ", count: 34) + "A.B")
        let full = Array("GET / HTTP/1.1\r\n".utf8)
        #expect(dump(full, .hexAndASCII) == "\n\t0x0000:  4745 5420 2f20 4854 5450 2f31 2e31 0d0a  GET./.HTTP/1.1..")
    }

    @Test("offsets past 0xffff grow beyond four digits")
    func longOffsets() {
        let text = dump([UInt8](repeating: 0, count: 0x10001), .hex)
        #expect(text.hasSuffix("\n\t0x10000:  00"))
    }

    @Test("-A: CRs before a newline and among the last two bytes vanish, others are dots", arguments: [
        ("a\r\nb\r", "\na\nb"), ("a\rb", "\nab"), ("a\rbc", "\na.bc"), ("\tx y\u{7f}\u{01}", "\n\tx y.."),
    ])
    func asciiText(input: String, printed: String) {
        #expect(dump(Array(input.utf8), .ascii) == printed)
    }

    @Test("the link-layer header is skipped unless the letter is doubled; nothing past it prints nothing")
    func linkHeader() {
        #expect(dump([1, 2, 3, 4, 0x45], .hex, link: 4) == "\n\t0x0000:  45")
        #expect(dump([1, 2, 3, 4, 0x45], .hex, link: 4, whole: true) == "\n\t0x0000:  0102 0304 45")
        #expect(dump([1, 2, 3, 4], .hex, link: 4) == "")
        #expect(dump([1, 2, 3, 4], .ascii, link: 4) == "")
    }
}
