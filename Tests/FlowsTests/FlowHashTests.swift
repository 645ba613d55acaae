import PcapCraft
import Testing
@testable import Flows
import Wire

/// flowhash/1 (docs/sharding.md): the hash `--shard` splits connections by. Its values are a
/// promise to every machine and every version, so they are pinned here; they were computed by the
/// Python reference implementation in the docs, written from the definition alone.
@Suite("Flow hash for shards")
struct FlowHashTests {
    private static func endpoint(_ address: String, _ port: UInt16) -> Endpoint {
        Endpoint(address: IPAddress(address)!, port: port)
    }

    struct Known: Sendable, CustomTestStringConvertible {
        let a: (String, UInt16)
        let b: (String, UInt16)
        let hash: UInt64
        /// Shards for N = 2, 3, 4.
        let shards: [Int]
        var testDescription: String { "\(a.0):\(a.1) - \(b.0):\(b.1)" }
    }

    static let known: [Known] = [
        Known(a: ("10.0.0.1", 43512), b: ("10.0.0.2", 80), hash: 0x7f0d_decb_c552_a50a, shards: [1, 3, 3]),
        Known(a: ("192.168.1.10", 51000), b: ("93.184.216.34", 443), hash: 0x2197_469b_dab3_886f, shards: [2, 1, 4]),
        Known(a: ("2001:db8::1", 40000), b: ("2001:db8::2", 22), hash: 0x7cd3_2501_9b4c_a815, shards: [2, 2, 2]),
        Known(a: ("0.0.0.0", 0), b: ("0.0.0.0", 0), hash: 0xf875_e4cf_bb12_53f8, shards: [1, 2, 1]),
        Known(a: ("fe80::1", 65535), b: ("ff02::1:ff00:1", 1), hash: 0x4b4a_0521_8dcf_0c0d, shards: [2, 3, 2]),
    ]

    @Test("known 4-tuples hash to the values the reference implementation computes, in both directions",
          arguments: known)
    func knownValues(_ k: Known) {
        let a = FlowHashTests.endpoint(k.a.0, k.a.1), b = FlowHashTests.endpoint(k.b.0, k.b.1)
        #expect(FlowHash.hash(a, b) == k.hash)
        #expect(FlowHash.hash(b, a) == k.hash)
        #expect([2, 3, 4].map { FlowHash.shard(a, b, count: $0) } == k.shards)
        #expect([2, 3, 4].map { FlowHash.shard(b, a, count: $0) } == k.shards)
    }

    @Test("the seed is \"tcpwave1\" and the IPv4 shortcut is the mix of it")
    func constants() {
        let ascii = Array("tcpwave1".utf8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        #expect(FlowHash.seed == ascii)
        #expect(FlowHash.ipv4First == FlowHash.fmix64(FlowHash.seed))
    }

    @Test("an IPv4 address hashes as its IPv4-mapped IPv6 address")
    func ipv4IsMapped() {
        let v4 = FlowHash.hash(FlowHashTests.endpoint("10.0.0.1", 43512), FlowHashTests.endpoint("10.0.0.2", 80))
        let mapped = FlowHash.hash(FlowHashTests.endpoint("::ffff:10.0.0.1", 43512), FlowHashTests.endpoint("::ffff:10.0.0.2", 80))
        #expect(v4 == mapped)
    }

    @Test("every 4-tuple hashes the same in both directions, and swapping ports or addresses alone changes it")
    func symmetric() {
        var rng = SyntheticTraffic.Random(state: 17)
        for i in 0..<5_000 {
            let v6 = i % 3 == 0
            func address() -> IPAddress {
                v6 ? IPAddress(ipv6High: rng.next(), low: rng.next()) : IPAddress(ipv4: UInt32(truncatingIfNeeded: rng.next()))
            }
            let a = Endpoint(address: address(), port: UInt16(truncatingIfNeeded: rng.next()))
            let b = Endpoint(address: address(), port: UInt16(truncatingIfNeeded: rng.next()))
            #expect(FlowHash.hash(a, b) == FlowHash.hash(b, a))
            for n in 1...8 { #expect(FlowHash.shard(a, b, count: n) == FlowHash.shard(b, a, count: n)) }
            if a.port != b.port {
                // The same addresses with the ports the other way round are another connection.
                let crossed = (Endpoint(address: a.address, port: b.port), Endpoint(address: b.address, port: a.port))
                #expect(FlowHash.hash(crossed.0, crossed.1) != FlowHash.hash(a, b))
            }
        }
    }

    /// Many connections from one client to one server differ only in the client's port: they
    /// must spread as evenly as random ones do. Bounds are 5 standard deviations of a fair split.
    @Test("connections spread evenly over shards: random 4-tuples and one client's successive ports",
          arguments: [2, 3, 4, 7, 16])
    func distribution(count: Int) {
        var rng = SyntheticTraffic.Random(state: UInt64(count))
        let client = FlowHashTests.endpoint("10.1.2.3", 0), server = FlowHashTests.endpoint("10.9.8.7", 443)
        let samples = 60_000
        var random = [Int](repeating: 0, count: count + 1)
        var successive = [Int](repeating: 0, count: count + 1)
        for i in 0..<samples {
            let a = Endpoint(address: IPAddress(ipv4: UInt32(truncatingIfNeeded: rng.next())), port: UInt16(truncatingIfNeeded: rng.next()))
            let b = Endpoint(address: IPAddress(ipv4: UInt32(truncatingIfNeeded: rng.next())), port: UInt16(truncatingIfNeeded: rng.next()))
            random[FlowHash.shard(a, b, count: count)] += 1
            let port = UInt16(truncatingIfNeeded: 1024 + i % 64_000)
            successive[FlowHash.shard(Endpoint(address: client.address, port: port), server, count: count)] += 1
        }
        let expected = Double(samples) / Double(count)
        let sigma = (expected * (1 - 1 / Double(count))).squareRoot()
        for k in 1...count {
            #expect(abs(Double(random[k]) - expected) < 5 * sigma, "random tuples, shard \(k)/\(count): \(random[k])")
            #expect(abs(Double(successive[k]) - expected) < 5 * sigma, "successive ports, shard \(k)/\(count): \(successive[k])")
        }
        #expect(random[0] == 0 && successive[0] == 0)
    }

    @Test("K/N parses for 1 ≤ K ≤ N and nothing else", arguments: [
        ("1/1", true), ("1/4", true), ("4/4", true), ("0/4", false), ("5/4", false), ("1/0", false),
        ("-1/2", false), ("1/2/3", false), ("a/2", false), ("2", false), ("", false), (" 1/2", false),
    ])
    func parsing(_ text: String, _ valid: Bool) {
        #expect((FlowShard(text) != nil) == valid)
        if valid { #expect(FlowShard(text)!.description == text) }
    }

    @Test("the shards of N cover every connection exactly once")
    func shardsPartition() {
        var rng = SyntheticTraffic.Random(state: 99)
        for _ in 0..<2_000 {
            let a = Endpoint(address: IPAddress(ipv4: UInt32(truncatingIfNeeded: rng.next())), port: UInt16(truncatingIfNeeded: rng.next()))
            let b = Endpoint(address: IPAddress(ipv6High: rng.next(), low: rng.next()), port: UInt16(truncatingIfNeeded: rng.next()))
            for n in 1...5 {
                #expect((1...n).filter { FlowShard(index: $0, count: n)!.contains(a, b) }.count == 1)
            }
        }
    }
}
