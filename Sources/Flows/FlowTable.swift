import Wire

/// Connections by 4-tuple, with their order of last activity for expiry and eviction.
///
/// Connections live unboxed in a slot array and are mutated in place; slots are reused. The
/// index maps the key's digest to slots (DigestIndex.swift) and confirms a candidate against
/// the connection's own endpoints, so a lookup touches one bucket and the connection it needs
/// anyway. The activity order is an intrusive doubly linked list over slot indices with both
/// links of a slot in one word, so touching a connection on every packet costs O(1), allocates
/// nothing and reaches at most two other cache lines.
struct FlowTable {
    private var connections: ContiguousArray<Connection> = []
    private var digests: ContiguousArray<UInt64> = []
    private var occupied: ContiguousArray<Bool> = []
    private var links: ContiguousArray<Links> = []
    private var freeSlots: [Int32] = []
    private var index = DigestIndex()
    /// Most and least recently active slots, -1 when empty.
    private(set) var newest: Int32 = -1
    private(set) var oldest: Int32 = -1

    private struct Links {
        var newer: Int32 = -1
        var older: Int32 = -1
    }

    var count: Int { index.count }

    /// The connection between `a` and `b` (either way round), if tracked; `digest` is theirs.
    @inline(__always)
    func slot(between a: Endpoint, and b: Endpoint, digest: UInt64) -> Int32? {
        index.find(digest) { slot in
            let c = connections[Int(slot)]
            return (c.client == a && c.server == b) || (c.client == b && c.server == a)
        }
    }

    mutating func insert(_ connection: Connection, digest: UInt64) -> Int32 {
        let slot: Int32
        if let reused = freeSlots.popLast() {
            slot = reused
            connections[Int(slot)] = connection
            digests[Int(slot)] = digest
            occupied[Int(slot)] = true
        } else {
            slot = Int32(connections.count)
            connections.append(connection)
            digests.append(digest)
            occupied.append(true)
            links.append(Links())
        }
        index.insert(digest, slot: slot)
        link(slot)
        return slot
    }

    /// Takes the connection out of `slot`, which becomes free.
    mutating func remove(_ slot: Int32) -> Connection {
        unlink(slot)
        index.remove(digests[Int(slot)], slot: slot)
        var taken = FlowTable.vacant
        swap(&taken, &connections[Int(slot)])
        occupied[Int(slot)] = false
        freeSlots.append(slot)
        return taken
    }

    /// Frees `slot` without moving its connection out; only the connection's heap storage is
    /// released now, the rest is overwritten when the slot is reused.
    mutating func discard(_ slot: Int32) {
        unlink(slot)
        index.remove(digests[Int(slot)], slot: slot)
        connections[Int(slot)].releaseStorage()
        occupied[Int(slot)] = false
        freeSlots.append(slot)
    }

    /// The digest the connection in `slot` is indexed by.
    func digest(_ slot: Int32) -> UInt64 { digests[Int(slot)] }

    /// What a free slot holds: no arrays, no heap.
    private static let vacant = Connection(number: 0, client: Endpoint(address: IPAddress(ipv4: 0), port: 0),
                                           server: Endpoint(address: IPAddress(ipv4: 0), port: 0),
                                           midstream: false, time: 0, packet: 0)

    func isOccupied(_ slot: Int32) -> Bool {
        slot >= 0 && Int(slot) < occupied.count && occupied[Int(slot)]
    }

    /// The connection in an occupied slot, read or mutated in place.
    subscript(_ slot: Int32) -> Connection {
        _read { yield connections[Int(slot)] }
        _modify { yield &connections[Int(slot)] }
    }

    /// Marks `slot` as the most recently active.
    @inline(__always)
    mutating func touch(_ slot: Int32) {
        guard slot != newest else { return }
        // unlink + link over one buffer: one uniqueness check instead of one per write.
        var newest = self.newest, oldest = self.oldest
        links.withUnsafeMutableBufferPointer { links in
            let l = links[Int(slot)]
            if l.newer >= 0 { links[Int(l.newer)].older = l.older } else { newest = l.older }
            if l.older >= 0 { links[Int(l.older)].newer = l.newer } else { oldest = l.newer }
            links[Int(slot)] = Links(newer: -1, older: newest)
            if newest >= 0 { links[Int(newest)].newer = slot }
            newest = slot
            if oldest < 0 { oldest = slot }
        }
        self.newest = newest
        self.oldest = oldest
    }

    private mutating func link(_ slot: Int32) {
        links[Int(slot)] = Links(newer: -1, older: newest)
        if newest >= 0 { links[Int(newest)].newer = slot }
        newest = slot
        if oldest < 0 { oldest = slot }
    }

    private mutating func unlink(_ slot: Int32) {
        let l = links[Int(slot)]
        if l.newer >= 0 { links[Int(l.newer)].older = l.older } else { newest = l.older }
        if l.older >= 0 { links[Int(l.older)].newer = l.newer } else { oldest = l.newer }
        links[Int(slot)] = Links()
    }

    /// Live slots in no particular order.
    var liveSlots: [Int32] {
        var slots: [Int32] = []
        slots.reserveCapacity(count)
        for i in occupied.indices where occupied[i] { slots.append(Int32(i)) }
        return slots
    }
}
