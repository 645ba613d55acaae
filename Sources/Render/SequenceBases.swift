import Wire

/// tcpdump's per-conversation bases for relative sequence numbers: set by the first packet with
/// ACK (or any SYN-ACK) of a 4-tuple, kept for the rest of the run. tcpdump never forgets
/// them; this table forgets everything once it holds `limit` entries, so memory stays bounded
/// (only a capture with that many conversations can see a difference).
struct SequenceBases {
    struct Key: Hashable {
        var a: IPAddress
        var b: IPAddress
        var ports: UInt32
    }

    private var table: [Key: (seq: UInt32, ack: UInt32)] = [:]
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
            ? Key(a: destination.address, b: source.address, ports: UInt32(destination.port) << 16 | UInt32(source.port))
            : Key(a: source.address, b: destination.address, ports: UInt32(source.port) << 16 | UInt32(destination.port))
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
