import Wire

extension OutputBuffer {
    /// Dotted-quad IPv4 or tcpdump's (BSD `inet_ntop`) IPv6 text.
    public mutating func append(address a: IPAddress) {
        if a.isIPv6 { appendIPv6(high: a.high, low: a.low) } else { appendIPv4(a.ipv4) }
    }

    @inline(__always)
    public mutating func appendIPv4(_ v: UInt32) { append(dottedQuad: v) }

    /// The longest run (first on a tie) of two or more zero words becomes `::`; an address that
    /// is IPv4-compatible or IPv4-mapped ends in a dotted quad.
    public mutating func appendIPv6(high: UInt64, low: UInt64) {
        @inline(__always) func word(_ i: Int) -> UInt16 {
            i < 4 ? UInt16(truncatingIfNeeded: high >> UInt64(48 - 16 * i))
                  : UInt16(truncatingIfNeeded: low >> UInt64(48 - 16 * (i - 4)))
        }
        var bestBase = -1, bestLength = 0, curBase = -1, curLength = 0
        for i in 0..<8 {
            if word(i) == 0 {
                if curBase < 0 { curBase = i; curLength = 1 } else { curLength += 1 }
            } else if curBase >= 0 {
                if curLength > bestLength { bestBase = curBase; bestLength = curLength }
                curBase = -1
            }
        }
        if curBase >= 0 && curLength > bestLength { bestBase = curBase; bestLength = curLength }
        if bestLength < 2 { bestBase = -1 }
        var i = 0
        while i < 8 {
            if bestBase >= 0 && i >= bestBase && i < bestBase + bestLength {
                if i == bestBase { append(UInt8(ascii: ":")) }
                i += 1
                continue
            }
            if i != 0 { append(UInt8(ascii: ":")) }
            if i == 6 && bestBase == 0 && (bestLength == 6 || (bestLength == 5 && word(5) == 0xffff)) {
                appendIPv4(UInt32(truncatingIfNeeded: low))
                return
            }
            append(hex: UInt64(word(i)))
            i += 1
        }
        if bestBase >= 0 && bestBase + bestLength == 8 { append(UInt8(ascii: ":")) }
    }

    /// `address.port`, as tcpdump joins them.
    public mutating func append(endpoint e: Endpoint) {
        append(address: e.address)
        append(UInt8(ascii: "."))
        append(decimal: UInt64(e.port))
    }
}
