import PcapCraft
import Testing
@testable import Flows
import Wire

/// A deterministic generator, so a failure can be replayed.
private typealias SplitMix = SyntheticTraffic.Random

@Suite("Flow table indexes")
struct FlowIndexTests {
    /// Digests drawn from few home buckets collide in long probe runs that wrap around the end
    /// of the table, which is where backward-shift deletion can go wrong.
    @Test("the digest index finds exactly what a dictionary holds, through collisions, wrap-around and growth",
          arguments: [UInt64(0xffff_ffff), 0x7, 0x0])
    func digestIndexMatchesDictionary(homeMask: UInt64) {
        var rng = SplitMix(state: homeMask &+ 1)
        var index = DigestIndex(capacity: 8)
        var model: [UInt64: Int32] = [:]
        var nextSlot: Int32 = 0
        for step in 0..<20_000 {
            // Upper half: a few home buckets (or any); lower half: distinct keys.
            let digest = ((rng.next() & homeMask) << 32) | (rng.next() & 0x3ff)
            if let slot = model[digest], rng.next() % 3 == 0 {
                index.remove(digest, slot: slot)
                model[digest] = nil
            } else if model[digest] == nil, model.count < 3_000 {
                index.insert(digest, slot: nextSlot)
                model[digest] = nextSlot
                nextSlot += 1
            }
            if step % 997 == 0 || step == 19_999 {
                #expect(index.count == model.count)
                for (d, slot) in model {
                    let found = index.find(d) { candidate in model[d] == candidate }
                    #expect(found == slot, "digest \(d) lost at step \(step)")
                }
            }
        }
        for (d, slot) in model { index.remove(d, slot: slot) }
        #expect(index.count == 0)
    }

    @Test("the record filter never rules out a record that exists, across generations and clears")
    func recordFilterHasNoFalseNegatives() {
        var rng = SplitMix(state: 42)
        var filter = RecordFilter()
        // FIFO like the TIME_WAIT records: enough to fill and switch generations several times.
        var held: [(digest: UInt64, generation: UInt8)] = []
        var head = 0
        var used = Set<UInt8>()
        for round in 0..<400_000 {
            let d = rng.next()
            held.append((d, filter.add(d)))
            used.insert(held[held.count - 1].generation)
            if held.count - head > 70_000 || (round % 5 == 0 && held.count - head > 1) {
                filter.remove(generation: held[head].generation)
                head += 1
            }
            if round % 50_000 == 0 {
                for i in head..<held.count { #expect(filter.mayContain(held[i].digest)) }
            }
        }
        #expect(used == [0, 1], "the run must fill a generation and move on to the other")
        for i in head..<held.count { #expect(filter.mayContain(held[i].digest)) }
        var absent = 0
        for _ in 0..<10_000 where !filter.mayContain(rng.next()) { absent += 1 }
        #expect(absent > 5_000, "a filter that says yes to everything filters nothing")
    }

    @Test("a small record filter (a small flow table) also never rules out a record that exists")
    func smallRecordFilterHasNoFalseNegatives() {
        #expect(RecordFilter.bitsLog2(forConnections: 131_072) == 20, "the default table keeps the quarter-megabyte filter")
        #expect(RecordFilter.bitsLog2(forConnections: 8) == 10)
        var rng = SplitMix(state: 7)
        var filter = RecordFilter(bitsLog2: RecordFilter.bitsLog2(forConnections: 8))
        var held: [(digest: UInt64, generation: UInt8)] = []
        var head = 0
        var used = Set<UInt8>()
        var missed = 0
        for round in 0..<2_000 {
            let d = rng.next()
            held.append((d, filter.add(d)))
            used.insert(held[held.count - 1].generation)
            if held.count - head > 70 || (round % 5 == 0 && held.count - head > 1) {
                filter.remove(generation: held[head].generation)
                head += 1
            }
            for i in head..<held.count where !filter.mayContain(held[i].digest) { missed += 1 }
        }
        #expect(missed == 0)
        #expect(used == [0, 1], "the run must fill a generation and move on to the other")
    }

    @Test("a flow's digest is the same both ways round and changes with the seed")
    func flowDigestIsSymmetricAndSeeded() {
        let a = Endpoint(address: IPAddress(ipv4: 0x0a00_0001), port: 40000)
        let b = Endpoint(address: IPAddress(ipv4: 0xc0a8_0101), port: 80)
        let v6 = Endpoint(address: IPAddress(ipv6High: 0x2001_0db8_0000_0000, low: 1), port: 443)
        for seed: UInt64 in [0, 1, 0xdead_beef] {
            #expect(FlowKey.digest(a, b, seed: seed) == FlowKey.digest(b, a, seed: seed))
            #expect(FlowKey.digest(a, v6, seed: seed) == FlowKey.digest(v6, a, seed: seed))
            #expect(FlowKey(a, b).digest(seed: seed) == FlowKey.digest(b, a, seed: seed))
        }
        #expect(FlowKey.digest(a, b, seed: 1) != FlowKey.digest(a, b, seed: 2))
        #expect(FlowKey.digest(a, b, seed: 1) != FlowKey.digest(a, v6, seed: 1))
    }
}
