import PcapCraft
import Testing
import Wire

/// A TCP segment of 3,000 payload bytes, as bytes after the IP header.
private let segment: [UInt8] = {
    let crafted = CraftedSegment(source: Endpoint(address: IPAddress("192.0.2.1")!, port: 40000),
                                 destination: Endpoint(address: IPAddress("198.51.100.7")!, port: 80),
                                 sequence: 1000, acknowledgment: 2000, flags: [.ack, .psh],
                                 payload: (0..<3000).map { UInt8(truncatingIfNeeded: $0 &* 7) })
    return Array(FrameBuilder.ipBytes(crafted).dropFirst(20))
}()

private func ipv4Fragment(_ data: ArraySlice<UInt8>, id: UInt16 = 77, offset: Int, more: Bool, source: UInt8 = 1) -> [UInt8] {
    let total = 20 + data.count
    let flags = UInt16(more ? 0x2000 : 0) | UInt16(offset / 8)
    var h: [UInt8] = [0x45, 0, UInt8(total >> 8), UInt8(total & 0xff), UInt8(id >> 8), UInt8(id & 0xff),
                      UInt8(flags >> 8), UInt8(flags & 0xff), 64, 6, 0, 0, 192, 0, 2, source, 198, 51, 100, 7]
    var sum = InternetChecksum()
    sum.add(bytes: h)
    h[10] = UInt8(sum.value >> 8)
    h[11] = UInt8(sum.value & 0xff)
    return h + data
}

private func ipv6Fragment(_ data: ArraySlice<UInt8>, id: UInt32 = 9, offset: Int, more: Bool) -> [UInt8] {
    let plen = 8 + data.count
    var h: [UInt8] = [0x60, 0, 0, 0, UInt8(plen >> 8), UInt8(plen & 0xff), 44, 64]
    h += [0x20, 0x01, 0x0d, 0xb8] + Array(repeating: 0, count: 11) + [1]
    h += [0x20, 0x01, 0x0d, 0xb8] + Array(repeating: 0, count: 11) + [2]
    let offlg = UInt16(offset) | (more ? 1 : 0)
    h += [6, 0, UInt8(offlg >> 8), UInt8(offlg & 0xff), UInt8(id >> 24), UInt8(id >> 16 & 0xff), UInt8(id >> 8 & 0xff), UInt8(id & 0xff)]
    return h + data
}

/// Cuts `segment` at the given byte offsets (multiples of 8) into IPv4 (or IPv6) fragments.
private func cut(_ bounds: [Int], ipv6: Bool = false, id: UInt16 = 77) -> [[UInt8]] {
    let edges = [0] + bounds + [segment.count]
    return (0..<(edges.count - 1)).map { i in
        let piece = segment[edges[i]..<edges[i + 1]]
        return ipv6 ? ipv6Fragment(piece, id: UInt32(id), offset: edges[i], more: i < edges.count - 2)
            : ipv4Fragment(piece, id: id, offset: edges[i], more: i < edges.count - 2)
    }
}

/// Feeds one raw-IP frame to the reassembler.
private func feed(_ r: inout FragmentReassembler, _ frame: [UInt8], time: Int64 = 0, _ out: inout [UInt8]) -> FragmentOutcome {
    let decoder = try! FrameDecoder(linkType: .raw)
    return frame.withUnsafeBytes { p in
        switch decoder.decode(p, wireLength: p.count) {
        case .tcp(let v):
            return r.add(v.network, dataOffset: v.tcp.offset, dataLength: v.segmentLength, p, time: time, datagram: &out)
        case let .truncatedTCP(network, offset, length):
            return r.add(network, dataOffset: offset, dataLength: length, p, time: time, datagram: &out)
        case .laterFragment(let f):
            return r.add(f.network, dataOffset: f.dataOffset, dataLength: f.dataLength, p, time: time, datagram: &out)
        default:
            Issue.record("not a fragment")
            return FragmentOutcome(result: .ignored, fragments: 0)
        }
    }
}

/// The reassembled datagram decodes as the original segment.
private func expectWhole(_ datagram: [UInt8], ipv6: Bool = false) {
    datagram.withUnsafeBytes { p in
        guard case .tcp(let v) = FrameDecoder.decodeReassembled(p) else {
            Issue.record("reassembled datagram is not TCP")
            return
        }
        #expect(v.payloadLength == 3000)
        #expect(!v.network.isFragment)
        #expect(Array(p[v.tcp.offset...]) == segment)
    }
}

struct FragmentReassemblerTests {
    /// Arrival orders of a datagram cut in three, and the result each fragment must have.
    static let orders: [(String, [Int], [FragmentOutcome.Result])] = [
        ("in order", [0, 1, 2], [.held, .held, .reassembled]),
        ("last first", [2, 0, 1], [.held, .held, .reassembled]),
        ("reversed", [2, 1, 0], [.held, .held, .reassembled]),
        ("duplicates ignored", [0, 0, 1, 1, 2], [.held, .ignored, .held, .ignored, .reassembled]),
    ]

    @Test("fragments in any order reassemble into the original segment", arguments: orders.indices)
    func anyOrder(_ index: Int) {
        let (_, order, expected) = FragmentReassemblerTests.orders[index]
        for ipv6 in [false, true] {
            let fragments = cut([1480, 2960], ipv6: ipv6)
            var r = FragmentReassembler()
            var out: [UInt8] = []
            let results = order.map { feed(&r, fragments[$0], &out).result }
            #expect(results == expected, "\(ipv6 ? "IPv6" : "IPv4")")
            expectWhole(out, ipv6: ipv6)
            #expect(r.pendingDatagrams == 0 && r.memory == 0)
            #expect(r.statistics.reassembled == 1)
        }
    }

    @Test("a partial overlap drops the whole datagram, IPv4 and IPv6 alike (Linux, RFC 5722)")
    func overlapDrops() {
        for ipv6 in [false, true] {
            var fragments = cut([1480, 2960], ipv6: ipv6)
            let forged = segment[1000..<2000]
            fragments.insert(ipv6 ? ipv6Fragment(forged, id: 77, offset: 1000, more: true) : ipv4Fragment(forged, offset: 1000, more: true), at: 1)
            var r = FragmentReassembler()
            var out: [UInt8] = []
            let results = fragments.map { feed(&r, $0, &out) }
            #expect(results[1].result == .dropped && results[1].anomaly == .overlap)
            #expect(results[3].result == .held, "later fragments start a new datagram that never completes")
            r.finish()
            #expect(r.statistics.count(.overlap) == 1 && r.statistics.incompleteAtEnd == 1 && r.statistics.reassembled == 0)
        }
    }

    @Test("a second last fragment with another end, or data past the end, drops the datagram")
    func inconsistentEnd() {
        let fragments = cut([1480, 2960])
        var r = FragmentReassembler()
        var out: [UInt8] = []
        _ = feed(&r, fragments[2], &out)
        let past = ipv4Fragment(segment[0..<8] + Array(repeating: 0, count: 8), offset: 3016, more: true)
        let outcome = feed(&r, past, &out)
        #expect(outcome.result == .dropped && outcome.anomaly == .inconsistentEnd)
    }

    @Test("a datagram beyond 65,535 bytes is dropped")
    func oversize() {
        var r = FragmentReassembler()
        var out: [UInt8] = []
        let outcome = feed(&r, ipv4Fragment(segment[0..<64], offset: 65496, more: false), &out)
        #expect(outcome.result == .dropped && outcome.anomaly == .oversize)
        #expect(r.memory == 0)
    }

    @Test("an incomplete datagram times out in capture time")
    func timeout() {
        let fragments = cut([1480, 2960])
        var r = FragmentReassembler()
        var out: [UInt8] = []
        _ = feed(&r, fragments[0], time: 0, &out)
        // 31 s later the first fragment is gone: the rest cannot complete the datagram.
        _ = feed(&r, fragments[1], time: 31_000_000_000, &out)
        let last = feed(&r, fragments[2], time: 31_000_000_001, &out)
        #expect(last.result == .held)
        #expect(r.statistics.timedOut == 1)
    }

    @Test("a tiny first fragment is named and still reassembled")
    func tinyFirstFragment() {
        let fragments = cut([8, 1480])
        var r = FragmentReassembler()
        var out: [UInt8] = []
        let first = feed(&r, fragments[0], &out)
        #expect(first.anomaly == .tinyFirstFragment)
        _ = feed(&r, fragments[1], &out)
        #expect(feed(&r, fragments[2], &out).result == .reassembled)
        expectWhole(out)
    }

    @Test("more fragments than the limit drop the datagram")
    func tooManyFragments() {
        var r = FragmentReassembler(limits: FragmentLimits(fragmentsPerDatagram: 4))
        var out: [UInt8] = []
        let fragments = cut([8, 16, 24, 32, 40]).prefix(5)
        let results = fragments.map { feed(&r, $0, &out) }
        #expect(results[4].result == .dropped && results[4].anomaly == .tooManyFragments)
        #expect(r.memory == 0)
    }

    @Test("never-completed datagrams stay within the memory limit, the oldest evicted")
    func memoryBound() {
        var r = FragmentReassembler(limits: FragmentLimits(memory: 64 * 1024))
        var out: [UInt8] = []
        for id in 0..<2000 {
            _ = feed(&r, ipv4Fragment(segment[0..<1480], id: UInt16(id), offset: 0, more: true), time: Int64(id), &out)
            #expect(r.memory <= 64 * 1024)
        }
        #expect(r.statistics.evicted > 1900)
        #expect(r.statistics.peakMemory <= 64 * 1024)
    }

    @Test("random hostile fragment sets never crash and never exceed the limits")
    func hostile() {
        var generator = SystemRandomNumberGenerator()
        let limit = 256 * 1024
        var r = FragmentReassembler(limits: FragmentLimits(memory: limit, fragmentsPerDatagram: 64))
        var out: [UInt8] = []
        for i in 0..<4000 {
            let offset = Int.random(in: 0..<8192, using: &generator) & ~7
            let length = Int.random(in: 0..<1600, using: &generator)
            let data = ArraySlice((0..<length).map { UInt8(truncatingIfNeeded: $0) })
            let frame = ipv4Fragment(data, id: UInt16.random(in: 0..<8, using: &generator), offset: offset,
                                     more: Bool.random(using: &generator), source: UInt8.random(in: 1...3, using: &generator))
            _ = feed(&r, frame, time: Int64(i) * 1_000_000, &out)
            #expect(r.memory <= limit)
        }
        r.finish()
        #expect(r.memory == 0 && r.pendingDatagrams == 0)
    }
}
