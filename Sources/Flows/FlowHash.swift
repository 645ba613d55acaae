import Wire

/// The flow hash that splits connections between machines (`--shard K/N`) and, later, between
/// tracker threads: a 64-bit hash of a TCP 4-tuple that is the same in both directions, with a
/// fixed seed, so every machine, every run and every version of tcpwave puts a connection in the
/// same shard. docs/sharding.md defines it precisely, with a reference implementation in Python
/// and test values (FlowHashTests pins the same ones): another tool can compute it too.
///
/// Unlike `FlowKey.digest`, whose seed is random per run so that no capture can be crafted to
/// collide in the flow tables, this hash is predictable by design. A crafted capture can pile its
/// connections into one shard; that costs balance, never correctness.
///
/// Version 1, named `flowhash/1` in the docs. It never changes: a different hash would get a new
/// name and a new option.
public enum FlowHash {
    /// The seed: the ASCII bytes of "tcpwave1" read as a big-endian number.
    public static let seed: UInt64 = 0x7463_7077_6176_6531

    /// MurmurHash3's 64-bit finalizer (fmix64): every input bit moves every output bit.
    @inlinable @inline(__always)
    public static func fmix64(_ value: UInt64) -> UInt64 {
        var k = value
        k ^= k >> 33
        k = k &* 0xff51_afd7_ed55_8ccd
        k ^= k >> 33
        k = k &* 0xc4ce_b9fe_1a85_ec53
        k ^= k >> 33
        return k
    }

    /// `fmix64(seed ^ 0)`: the first step for every IPv4 endpoint, whose upper 8 address bytes
    /// are zero (a constant, so the IPv4 path skips one mix; FlowHashTests checks it).
    public static let ipv4First: UInt64 = 0x00a2_a22d_a466_bb06

    /// One endpoint: its address as 16 bytes (an IPv4 address as its IPv4-mapped IPv6 address,
    /// ::ffff:a.b.c.d), split into two big-endian 64-bit halves, then the port.
    @inlinable @inline(__always)
    public static func endpoint(_ e: Endpoint) -> UInt64 {
        let first: UInt64, low: UInt64
        if e.address.isIPv6 {
            first = fmix64(seed ^ e.address.high)
            low = e.address.low
        } else {
            first = ipv4First
            low = 0x0000_ffff_0000_0000 | (e.address.low & 0xffff_ffff)
        }
        return fmix64(fmix64(first ^ low) ^ UInt64(e.port))
    }

    /// The hash of the connection between `a` and `b`: the two endpoints' hashes added (so the
    /// order does not matter), mixed once more.
    @inlinable @inline(__always)
    public static func hash(_ a: Endpoint, _ b: Endpoint) -> UInt64 {
        fmix64(endpoint(a) &+ endpoint(b))
    }

    /// The shard, 1 to `count`, of the connection between `a` and `b`: hash mod count, plus one.
    @inlinable @inline(__always)
    public static func shard(_ a: Endpoint, _ b: Endpoint, count: Int) -> Int {
        Int(hash(a, b) % UInt64(count)) + 1
    }
}

/// One of N parts of the connections (`--shard K/N`): those whose flow hash falls in it.
public struct FlowShard: Sendable, Equatable, CustomStringConvertible {
    /// 1 to `count`.
    public let index: Int
    public let count: Int

    /// Nil unless 1 ≤ index ≤ count.
    public init?(index: Int, count: Int) {
        guard count >= 1, index >= 1, index <= count else { return nil }
        self.index = index
        self.count = count
    }

    /// Parses `K/N`; nil when malformed or out of range.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]) else { return nil }
        self.init(index: k, count: n)
    }

    /// Whether the connection between `a` and `b` (either direction) is in this shard.
    @inlinable @inline(__always)
    public func contains(_ a: Endpoint, _ b: Endpoint) -> Bool {
        count == 1 || FlowHash.shard(a, b, count: count) == index
    }

    public var description: String { "\(index)/\(count)" }
}
