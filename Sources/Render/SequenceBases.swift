import Flows
import Wire

/// tcpdump's per-conversation bases for relative sequence numbers: set by the first packet with
/// ACK (or any SYN-ACK) of a 4-tuple, kept for the rest of the run. tcpdump never forgets
/// them; this table forgets everything once it holds `limit` entries, so memory stays bounded
/// (only a capture with that many conversations can see a difference).
struct SequenceBases {
    private struct Entry {
        /// The key's digest; 0 marks an empty bucket (a zero digest is stored as 1).
        var key: UInt64
        var seq: UInt32
        var ack: UInt32
    }

    /// Open addressing with linear probing, at most three quarters full (four entries share a
    /// cache line, so the longer probe runs stay cheap, and a capture with hundreds of thousands
    /// of conversations keeps the table as small as a Dictionary's); never deleted from, only
    /// emptied whole when `limit` conversations are held.
    private var buckets = ContiguousArray(repeating: Entry(key: 0, seq: 0, ack: 0), count: 1024)
    private var count = 0
    private let seed = UInt64.random(in: 0 ... .max)
    let limit: Int

    init(limit: Int = 1 << 20) { self.limit = Swift.max(1, limit) }

    /// Applies tcpdump's rule to one packet with ACK set. Returns the numbers to print and the
    /// bases (`thseq`, `thack`) the SACK printer subtracts, plus tcpdump's direction flag.
    mutating func relative(source: Endpoint, destination: Endpoint, seq: UInt32, ack: UInt32, syn: Bool)
        -> (seq: UInt32, ack: UInt32, thseq: UInt32, thack: UInt32, rev: Bool) {
        var rev = false
        if source.port > destination.port {
            rev = true
        } else if source.port == destination.port && destination.address < source.address {
            rev = true
        }
        // tcpdump's key is the conversation, whichever way the packet goes: the digest of the
        // endpoint pair is the same both ways (a collision needs billions of conversations). It
        // is seeded per run, so no capture can be made to collide in this table.
        var key = FlowKey.digest(source, destination, seed: seed)
        if key == 0 { key = 1 }
        var i = bucket(key)
        if !syn, buckets[i].key == key {
            let e = buckets[i]
            return rev ? (seq &- e.ack, ack &- e.seq, e.seq, e.ack, rev)
                       : (seq &- e.seq, ack &- e.ack, e.seq, e.ack, rev)
        }
        let e = rev ? (seq: ack &- 1, ack: seq) : (seq: seq, ack: ack &- 1)
        if buckets[i].key == 0 {
            if count >= limit {
                buckets.withUnsafeMutableBufferPointer { $0.update(repeating: Entry(key: 0, seq: 0, ack: 0)) }
                count = 0
                i = bucket(key)
            }
            count += 1
            if count * 4 > buckets.count * 3 {
                grow()
                i = bucket(key)
            }
        }
        buckets[i] = Entry(key: key, seq: e.seq, ack: e.ack)
        return (seq, ack, e.seq, e.ack, rev)
    }

    /// The bucket holding `key`, or the empty one where it would go.
    @inline(__always)
    private func bucket(_ key: UInt64) -> Int {
        let mask = buckets.count - 1
        var i = Int(truncatingIfNeeded: key >> 20) & mask
        while buckets[i].key != key && buckets[i].key != 0 { i = (i + 1) & mask }
        return i
    }

    private mutating func grow() {
        let old = buckets
        buckets = ContiguousArray(repeating: Entry(key: 0, seq: 0, ack: 0), count: old.count * 2)
        for e in old where e.key != 0 { buckets[bucket(e.key)] = e }
    }
}
