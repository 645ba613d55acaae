/// Slots by 64-bit digest: open addressing with linear probing over one word per bucket, at
/// most half full, deleted by backward shift (no tombstones).
///
/// A bucket holds `tag << 32 | (slot + 1)`, 0 when empty, where the tag is the digest's upper
/// half. The tag's low bits choose the home bucket, so the home of any entry is known from the
/// bucket alone. Tags can collide: `find` asks the caller whether a candidate slot is the one.
/// No hashing beyond the digest and no allocation except when the table grows.
struct DigestIndex {
    private var buckets: ContiguousArray<UInt64>
    private var mask: Int
    private(set) var count = 0

    init(capacity: Int = 64) {
        var size = 16
        while size < capacity * 2 { size *= 2 }
        buckets = ContiguousArray(repeating: 0, count: size)
        mask = size - 1
    }

    @inline(__always)
    static func tag(_ digest: UInt64) -> UInt64 { digest >> 32 }

    /// The first slot with `digest`'s tag that `matches` accepts.
    @inline(__always)
    func find(_ digest: UInt64, _ matches: (Int32) -> Bool) -> Int32? {
        let tag = DigestIndex.tag(digest)
        var i = Int(truncatingIfNeeded: tag) & mask
        while true {
            let entry = buckets[i]
            if entry == 0 { return nil }
            if entry >> 32 == tag {
                let slot = Int32(truncatingIfNeeded: entry & 0xffff_ffff) &- 1
                if matches(slot) { return slot }
            }
            i = (i &+ 1) & mask
        }
    }

    mutating func insert(_ digest: UInt64, slot: Int32) {
        count += 1
        if count * 2 > buckets.count { grow() }
        place(DigestIndex.tag(digest) << 32 | UInt64(UInt32(bitPattern: slot &+ 1)))
    }

    /// Removes the entry for `slot`, which must have been inserted with `digest`.
    mutating func remove(_ digest: UInt64, slot: Int32) {
        let tag = DigestIndex.tag(digest)
        let entry = tag << 32 | UInt64(UInt32(bitPattern: slot &+ 1))
        var hole = Int(truncatingIfNeeded: tag) & mask
        while buckets[hole] != entry {
            if buckets[hole] == 0 { return }
            hole = (hole &+ 1) & mask
        }
        count -= 1
        // Pull later entries of the probe run into the hole unless that would put one before
        // its home bucket: it may move when its home is not in the cyclic range (hole, j].
        var j = hole
        while true {
            j = (j &+ 1) & mask
            let moved = buckets[j]
            if moved == 0 { break }
            let home = Int(truncatingIfNeeded: moved >> 32) & mask
            let homeAfterHole = (home &- hole) & mask
            if homeAfterHole == 0 || homeAfterHole > (j &- hole) & mask {
                buckets[hole] = moved
                hole = j
            }
        }
        buckets[hole] = 0
    }

    private mutating func place(_ entry: UInt64) {
        var i = Int(truncatingIfNeeded: entry >> 32) & mask
        while buckets[i] != 0 { i = (i &+ 1) & mask }
        buckets[i] = entry
    }

    private mutating func grow() {
        let old = buckets
        buckets = ContiguousArray(repeating: 0, count: old.count * 2)
        mask = buckets.count - 1
        for entry in old where entry != 0 { place(entry) }
    }
}
