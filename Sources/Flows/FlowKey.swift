import Wire

/// A connection's two endpoints in canonical order, so both directions map to one key.
public struct FlowKey: Hashable, Sendable {
    public var low: Endpoint
    public var high: Endpoint

    @inlinable
    public init(_ a: Endpoint, _ b: Endpoint) {
        if b < a { low = b; high = a } else { low = a; high = b }
    }

    /// A 64-bit digest of the 4-tuple under `seed`. The flow tables index connections by it
    /// with open addressing, so it must not be predictable from the packets: the tracker draws
    /// a random seed per run, and without it crafted 4-tuples could pile into one probe run
    /// (hash flooding). Each endpoint is mixed with the seed and the two are added, so the
    /// digest is the same in both directions and needs no ordering of the endpoints.
    @inlinable @inline(__always)
    public static func digest(_ a: Endpoint, _ b: Endpoint, seed: UInt64) -> UInt64 {
        var h = digest(a, seed: seed) &+ digest(b, seed: seed)
        h = h &* 0xd6e8_feb8_6659_fd93
        return h ^ (h >> 32)
    }

    /// One endpoint mixed with `seed` (also the SYN flood detector's key for a server endpoint).
    @inlinable @inline(__always)
    public static func digest(_ e: Endpoint, seed: UInt64) -> UInt64 {
        var x = (seed ^ e.address.low ^ UInt64(e.port) << 48) &* 0x9e37_79b9_7f4a_7c15
        x ^= x >> 32
        if e.address.isIPv6 {
            x = (x ^ e.address.high) &* 0xc2b2_ae3d_27d4_eb4f
            x ^= x >> 29
        }
        if e.tunnel != 0 {
            x = (x ^ UInt64(e.tunnel)) &* 0x94d0_49bb_1331_11eb
            x ^= x >> 31
        }
        return x
    }

    /// `digest(low, high, seed:)`.
    @inlinable @inline(__always)
    public func digest(seed: UInt64) -> UInt64 { FlowKey.digest(low, high, seed: seed) }

    /// The digest under seed 0 (hashing, tests).
    @inlinable public var digest: UInt64 { digest(seed: 0) }

    @inlinable
    public func hash(into hasher: inout Hasher) { hasher.combine(digest) }
}
