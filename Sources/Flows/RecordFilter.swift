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
    /// 2^bitsLog2 bits per generation: 2^20 (a quarter megabyte for both) for the default
    /// table of 131,072 connections, less for a smaller table (`bitsLog2(forConnections:)`), so
    /// that a tracker made for a few connections (tests, the fuzzers: one per input) does not
    /// allocate and clear a quarter megabyte.
    private let bitsLog2: Int
    private let words: Int
    /// More records than this in one generation and it is full (about 6% false positives).
    private let fullAt: Int

    /// Generation g's words are `bits[g * words ..< (g + 1) * words]`.
    private var bits: ContiguousArray<UInt64>
    private var live = (0, 0)
    private var current = 0

    init(bitsLog2: Int = 20) {
        self.bitsLog2 = Swift.min(20, Swift.max(6, bitsLog2))
        self.words = (1 << self.bitsLog2) / 64
        self.fullAt = (1 << self.bitsLog2) / 16
        self.bits = ContiguousArray(repeating: 0, count: 2 * words)
    }

    /// Eight bits per connection the table holds, between 2^10 and 2^20.
    static func bitsLog2(forConnections n: Int) -> Int {
        let log2 = Int.bitWidth - Swift.max(1, n - 1).leadingZeroBitCount
        return Swift.min(20, Swift.max(10, log2 + 3))
    }

    @inline(__always)
    private func position(_ digest: UInt64) -> (word: Int, mask: UInt64) {
        // The low bits: the index takes its buckets from the upper half.
        let bit = Int(truncatingIfNeeded: digest) & ((1 << bitsLog2) - 1)
        return (bit >> 6, 1 << UInt64(bit & 63))
    }

    /// False only when no record with `digest` exists.
    @inline(__always)
    func mayContain(_ digest: UInt64) -> Bool {
        let (word, mask) = position(digest)
        return bits[word] & mask != 0 || bits[words &+ word] & mask != 0
    }

    /// Adds a record's digest; returns the generation the record must give back to `remove`.
    mutating func add(_ digest: UInt64) -> UInt8 {
        if current == 0 {
            if live.0 >= fullAt && live.1 == 0 { current = 1 }
        } else if live.1 >= fullAt && live.0 == 0 {
            current = 0
        }
        let (word, mask) = position(digest)
        bits[current &* words &+ word] |= mask
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
                UnsafeMutableBufferPointer(rebasing: $0[g * words ..< (g + 1) * words]).update(repeating: 0)
            }
        }
    }
}
