/// Holds one connection on the heap, so the slot array moves pointers, not kilobyte structs,
/// when it grows, and a connection is mutated in place through its slot.
final class ConnectionBox {
    var value: Connection
    init(_ value: Connection) { self.value = value }
}

/// Connections by key, with a least-recently-active order for expiry and eviction.
/// Slots are reused; the order is an intrusive doubly linked list over slot indices, so
/// touching a connection on every packet costs O(1) and allocates nothing.
struct FlowTable {
    private(set) var index: [FlowKey: Int32] = [:]
    private var boxes: [ConnectionBox?] = []
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
            boxes[Int(slot)] = ConnectionBox(connection)
            keys[Int(slot)] = key
        } else {
            slot = Int32(boxes.count)
            boxes.append(ConnectionBox(connection))
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
        let connection = boxes[Int(slot)]!.value
        boxes[Int(slot)] = nil
        freeSlots.append(slot)
        return connection
    }

    /// Marks `slot` as the most recently active.
    /// The connections by slot: `slots[i]` reads and mutates in place, as an array would.
    var slots: Slots { Slots(boxes: boxes) }

    struct Slots {
        let boxes: [ConnectionBox?]
        subscript(_ i: Int) -> Connection? {
            get { boxes[i]?.value }
            nonmutating set { if let v = newValue { boxes[i]?.value = v } }
        }
    }

    func isOccupied(_ slot: Int32) -> Bool { slot >= 0 && Int(slot) < boxes.count && boxes[Int(slot)] != nil }

    /// Runs `body` on the connection in `slot`, in place.
    @inline(__always)
    func withConnection<R>(_ slot: Int32, _ body: (inout Connection) -> R) -> R {
        body(&boxes[Int(slot)]!.value)
    }

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
