/// A filter in front of the closed-connection records. Most segments that miss the flow table
/// open a new connection on a 4-tuple with no record, and the records' index is large enough
/// (every connection closed in the last 2×MSL) that finding out costs a cache miss; a few
/// hundred kilobytes of bits answer "certainly not" instead.
///
/// Two generations of one bit per digest. A record is added to the current generation and
/// remembers which; a generation is cleared only once none of its records remain, so the filter
/// never answers "no" for a record that exists. The current generation moves to the other one
/// when that one is empty and the current one has filled up.
struct RecordFilter {
    private static let bitsLog2 = 20
    private static let words = (1 << bitsLog2) / 64
    /// More records than this in one generation and it is full (about 6% false positives).
    private static let fullAt = (1 << bitsLog2) / 16

    /// Generation g's words are `bits[g * words ..< (g + 1) * words]`.
    private var bits = ContiguousArray<UInt64>(repeating: 0, count: 2 * RecordFilter.words)
    private var live = (0, 0)
    private var current = 0

    @inline(__always)
    private static func position(_ digest: UInt64) -> (word: Int, mask: UInt64) {
        // The low bits: the index takes its buckets from the upper half.
        let bit = Int(truncatingIfNeeded: digest) & ((1 << bitsLog2) - 1)
        return (bit >> 6, 1 << UInt64(bit & 63))
    }

    /// False only when no record with `digest` exists.
    @inline(__always)
    func mayContain(_ digest: UInt64) -> Bool {
        let (word, mask) = RecordFilter.position(digest)
        return bits[word] & mask != 0 || bits[RecordFilter.words &+ word] & mask != 0
    }

    /// Adds a record's digest; returns the generation the record must give back to `remove`.
    mutating func add(_ digest: UInt64) -> UInt8 {
        if current == 0 {
            if live.0 >= RecordFilter.fullAt && live.1 == 0 { current = 1 }
        } else if live.1 >= RecordFilter.fullAt && live.0 == 0 {
            current = 0
        }
        let (word, mask) = RecordFilter.position(digest)
        bits[current &* RecordFilter.words &+ word] |= mask
        if current == 0 { live.0 += 1 } else { live.1 += 1 }
        return UInt8(current)
    }

    /// A record added in `generation` is gone.
    mutating func remove(generation: UInt8) {
        let g = Int(generation)
        let left: Int
        if g == 0 { live.0 -= 1; left = live.0 } else { live.1 -= 1; left = live.1 }
        if left == 0 {
            bits.withUnsafeMutableBufferPointer {
                UnsafeMutableBufferPointer(rebasing: $0[g * RecordFilter.words ..< (g + 1) * RecordFilter.words]).update(repeating: 0)
            }
        }
    }
}
