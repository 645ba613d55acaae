/// What a run saw, for the end-of-run line on standard error.
struct PacketCounts {
    var read = 0
    var tcp = 0
    var other = 0
    var malformed = 0
    /// TCP packets whose header was cut short or had a bad data offset.
    var truncatedTCP = 0

    var line: String {
        var s = "\(read) packet\(read == 1 ? "" : "s") read: \(tcp) TCP, \(other) other, \(malformed) malformed"
        if truncatedTCP > 0 { s += " (\(truncatedTCP) TCP with truncated or bad header)" }
        return s
    }
}
