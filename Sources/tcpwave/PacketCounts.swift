/// What a run saw, for the end-of-run line on standard error.
struct PacketCounts {
    var read = 0
    var tcp = 0
    var other = 0
    var malformed = 0
    /// TCP packets whose header was cut short or had a bad data offset.
    var truncatedTCP = 0
    /// `--shard`: TCP packets of connections in other shards, neither tracked nor printed (not in `tcp`).
    var otherShard = 0

    var line: String {
        var s = "\(read) packet\(read == 1 ? "" : "s") read: \(tcp) TCP, \(other) other, \(malformed) malformed"
        if truncatedTCP > 0 { s += " (\(truncatedTCP) TCP with truncated or bad header)" }
        if otherShard > 0 { s += ", \(otherShard) TCP of other shards" }
        return s
    }
}
