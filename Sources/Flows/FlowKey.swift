import Wire

/// A connection's two endpoints in canonical order, so both directions map to one key.
public struct FlowKey: Hashable, Sendable {
    public var low: Endpoint
    public var high: Endpoint

    @inlinable
    public init(_ a: Endpoint, _ b: Endpoint) {
        if b < a { low = b; high = a } else { low = a; high = b }
    }

    /// A 64-bit digest of the 4-tuple: a fixed mix, so runs are reproducible, and one word for
    /// the hasher instead of forty bytes.
    @inlinable
    public var digest: UInt64 {
        @inline(__always) func mix(_ h: UInt64, _ v: UInt64) -> UInt64 {
            var x = (h ^ v) &* 0x9e37_79b9_7f4a_7c15
            x ^= x >> 32
            x = x &* 0xd6e8_feb8_6659_fd93
            return x ^ (x >> 29)
        }
        var h: UInt64 = low.address.isIPv6 ? 0x6a09_e667_f3bc_c908 : 0xbb67_ae85_84ca_a73b
        h = mix(h, low.address.high)
        h = mix(h, low.address.low)
        h = mix(h, high.address.high)
        h = mix(h, high.address.low)
        return mix(h, UInt64(low.port) << 16 | UInt64(high.port))
    }

    @inlinable
    public func hash(into hasher: inout Hasher) { hasher.combine(digest) }
}
