/// An IPv4 or IPv6 address held inline (no allocation), comparable byte-wise like `memcmp`.
public struct IPAddress: Hashable, Sendable, Comparable {
    /// The 16 address bytes, big-endian; IPv4 uses the low 4 bytes of `low`.
    public var high: UInt64
    public var low: UInt64
    public var isIPv6: Bool

    @inlinable
    public init(ipv4: UInt32) {
        self.high = 0
        self.low = UInt64(ipv4)
        self.isIPv6 = false
    }

    @inlinable
    public init(ipv6High: UInt64, low: UInt64) {
        self.high = ipv6High
        self.low = low
        self.isIPv6 = true
    }

    @inlinable
    public var ipv4: UInt32 { UInt32(truncatingIfNeeded: low) }

    /// Byte-wise order, as `memcmp` over the wire bytes orders them.
    @inlinable
    public static func < (a: IPAddress, b: IPAddress) -> Bool {
        if a.high != b.high { return a.high < b.high }
        return a.low < b.low
    }

    /// Parses dotted-quad IPv4 or RFC 4291 IPv6 text (for tests and tools, not the hot path).
    public init?(_ text: String) {
        if text.contains(":") {
            guard let value = IPAddress.parseIPv6(text) else { return nil }
            self = value
        } else {
            let parts = text.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 4 else { return nil }
            var value: UInt32 = 0
            for part in parts {
                guard let byte = UInt8(part) else { return nil }
                value = value << 8 | UInt32(byte)
            }
            self.init(ipv4: value)
        }
    }

    private static func parseIPv6(_ text: String) -> IPAddress? {
        var text = text
        // An embedded dotted quad (::ffff:1.2.3.4) stands for the last two groups.
        if let colon = text.lastIndex(of: ":"), text[colon...].contains(".") {
            guard let v4 = IPAddress(String(text[text.index(after: colon)...])), !v4.isIPv6 else { return nil }
            let q = v4.ipv4
            text = String(text[...colon]) + String(q >> 16, radix: 16) + ":" + String(q & 0xffff, radix: 16)
        }
        let bytes = Array(text.utf8)
        var gap: Int? = nil
        var i = 0
        while i + 1 < bytes.count {
            if bytes[i] == UInt8(ascii: ":") && bytes[i + 1] == UInt8(ascii: ":") {
                if gap != nil { return nil }
                gap = i
                i += 2
            } else {
                i += 1
            }
        }
        func groups(_ part: ArraySlice<UInt8>) -> [UInt16]? {
            if part.isEmpty { return [] }
            var out: [UInt16] = []
            for g in part.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false) {
                guard !g.isEmpty, g.count <= 4,
                      let v = UInt16(String(decoding: g, as: UTF8.self), radix: 16) else { return nil }
                out.append(v)
            }
            return out
        }
        var all: [UInt16]
        if let gap {
            guard let head = groups(bytes[..<gap]), let tail = groups(bytes[(gap + 2)...]),
                  head.count + tail.count < 8 else { return nil }
            all = head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
        } else {
            guard let g = groups(bytes[...]) else { return nil }
            all = g
        }
        guard all.count == 8 else { return nil }
        var hi: UInt64 = 0, lo: UInt64 = 0
        for i in 0..<4 { hi = hi << 16 | UInt64(all[i]) }
        for i in 4..<8 { lo = lo << 16 | UInt64(all[i]) }
        return IPAddress(ipv6High: hi, low: lo)
    }
}

/// A transport endpoint: address and port.
public struct Endpoint: Hashable, Sendable, Comparable {
    public var address: IPAddress
    public var port: UInt16
    /// Which tunnel the endpoint is in (TunnelRegistry's id), 0 when it is in none: the same
    /// address and port in two tunnels are two endpoints. It sits in what was padding, so an
    /// endpoint is no bigger for it.
    public var tunnel: UInt32 = 0

    @inlinable
    public init(address: IPAddress, port: UInt16) {
        self.address = address
        self.port = port
    }

    @inlinable
    public static func < (a: Endpoint, b: Endpoint) -> Bool {
        if a.address != b.address { return a.address < b.address }
        return a.port < b.port
    }
}
