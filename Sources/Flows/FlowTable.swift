/// Connections by key, with a least-recently-active order for expiry and eviction.
/// Slots are reused; the order is an intrusive doubly linked list over slot indices, so
/// touching a connection on every packet costs O(1) and allocates nothing.
struct FlowTable {
    private(set) var index: [FlowKey: Int32] = [:]
    var slots: [Connection?] = []
    private var keys: [FlowKey] = []
    private var newer: [Int32] = []
    private var older: [Int32] = []
    private var freeSlots: [Int32] = []
    /// Most and least recently active slots, -1 when empty.
    private(set) var newest: Int32 = -1
    private(set) var oldest: Int32 = -1

    var count: Int { index.count }

    func slot(for key: FlowKey) -> Int32? { index[key] }

    mutating func insert(_ connection: Connection, key: FlowKey) -> Int32 {
        let slot: Int32
        if let reused = freeSlots.popLast() {
            slot = reused
            slots[Int(slot)] = connection
            keys[Int(slot)] = key
        } else {
            slot = Int32(slots.count)
            slots.append(connection)
            keys.append(key)
            newer.append(-1)
            older.append(-1)
        }
        index[key] = slot
        link(slot)
        return slot
    }

    mutating func remove(_ slot: Int32) -> Connection {
        unlink(slot)
        index[keys[Int(slot)]] = nil
        let connection = slots[Int(slot)]!
        slots[Int(slot)] = nil
        freeSlots.append(slot)
        return connection
    }

    /// Marks `slot` as the most recently active.
    mutating func touch(_ slot: Int32) {
        guard slot != newest else { return }
        unlink(slot)
        link(slot)
    }

    private mutating func link(_ slot: Int32) {
        older[Int(slot)] = newest
        newer[Int(slot)] = -1
        if newest >= 0 { newer[Int(newest)] = slot }
        newest = slot
        if oldest < 0 { oldest = slot }
    }

    private mutating func unlink(_ slot: Int32) {
        let n = newer[Int(slot)], o = older[Int(slot)]
        if n >= 0 { older[Int(n)] = o } else { newest = o }
        if o >= 0 { newer[Int(o)] = n } else { oldest = n }
        newer[Int(slot)] = -1
        older[Int(slot)] = -1
    }

    /// Live slots in no particular order.
    var liveSlots: [Int32] { Array(index.values) }
}
