import Wire

extension OutputBuffer {
    /// tcpdump 4.99's flag letters in its table order (`S`, `S.`, `FP.`, `none`); the AE bit
    /// is not printed, as Debian's tcpdump does not.
    public mutating func append(tcpdumpFlags flags: TCPFlags) {
        let f = flags.classic
        if f == 0 { append("none"); return }
        if f & 0x01 != 0 { append(UInt8(ascii: "F")) }
        if f & 0x02 != 0 { append(UInt8(ascii: "S")) }
        if f & 0x04 != 0 { append(UInt8(ascii: "R")) }
        if f & 0x08 != 0 { append(UInt8(ascii: "P")) }
        if f & 0x10 != 0 { append(UInt8(ascii: ".")) }
        if f & 0x20 != 0 { append(UInt8(ascii: "U")) }
        if f & 0x40 != 0 { append(UInt8(ascii: "E")) }
        if f & 0x80 != 0 { append(UInt8(ascii: "W")) }
    }
}
