import Wire

/// tcpdump's per-conversation bases for relative sequence numbers: set by the first packet with
/// ACK (or any SYN-ACK) of a 4-tuple, kept for the rest of the run. tcpdump never forgets
/// them; this table forgets everything once it holds `limit` entries, so memory stays bounded
/// (only a capture with that many conversations can see a difference).
struct SequenceBases {
    /// A 64-bit digest of tcpdump's key (source, destination, ports in its order): a collision
    /// needs billions of conversations, and the table stays a few bytes a conversation.
    @inline(__always)
    static func digest(_ a: IPAddress, _ b: IPAddress, _ ports: UInt32) -> UInt64 {
        @inline(__always) func mix(_ h: UInt64, _ v: UInt64) -> UInt64 {
            var x = (h ^ v) &* 0x9e37_79b9_7f4a_7c15
            x ^= x >> 32
            x = x &* 0xd6e8_feb8_6659_fd93
            return x ^ (x >> 29)
        }
        var h: UInt64 = a.isIPv6 ? 0x3c6e_f372_fe94_f82b : 0xa54f_f53a_5f1d_36f1
        h = mix(h, a.high)
        h = mix(h, a.low)
        h = mix(h, b.high)
        h = mix(h, b.low)
        return mix(h, UInt64(ports))
    }

    private var table: [UInt64: (seq: UInt32, ack: UInt32)] = [:]
    let limit: Int

    init(limit: Int = 1 << 20) { self.limit = limit }

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
        let key = rev
            ? SequenceBases.digest(destination.address, source.address, UInt32(destination.port) << 16 | UInt32(source.port))
            : SequenceBases.digest(source.address, destination.address, UInt32(source.port) << 16 | UInt32(destination.port))
        if !syn, let e = table[key] {
            return rev ? (seq &- e.ack, ack &- e.seq, e.seq, e.ack, rev)
                       : (seq &- e.seq, ack &- e.ack, e.seq, e.ack, rev)
        }
        let e = rev ? (seq: ack &- 1, ack: seq) : (seq: seq, ack: ack &- 1)
        if table.count >= limit && table[key] == nil { table.removeAll(keepingCapacity: true) }
        table[key] = e
        return (seq, ack, e.seq, e.ack, rev)
    }
}
