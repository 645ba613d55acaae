import Wire

/// What is remembered of a connection after it closed: enough to name a stray packet
/// ("after close") and to tell why a new SYN on the same 4-tuple starts another connection.
/// A few dozen bytes instead of the whole connection, so a capture of millions of short
/// connections keeps its TIME_WAIT memory small. Keys are 64-bit digests of the 4-tuple.
struct ClosedConnections {
    struct Record {
        var number: Int
        var closedAt: Nanoseconds
        var clientISN: UInt32
        var hasClientISN: Bool
        /// The client is the canonical key's `low` endpoint.
        var clientIsLow: Bool
        var clientState: TCPState
        var serverState: TCPState
        /// How it ended, for a SYN that retries (`ReuseReason.retryAfterRefusal`, `.retryAfterReset`).
        var refused: Bool
        var reset: Bool
        /// The RecordFilter generation holding its digest.
        var generation: UInt8 = 0
        /// Its slots in the state census (StateCensus), -1 when none.
        var censusServer: Int32 = -1
        var censusClient: Int32 = -1
    }

    /// Records by slot, found through `index` by the key's digest (`digests[slot]`).
    private var records: ContiguousArray<Record> = []
    private var digests: ContiguousArray<UInt64> = []
    private var freeSlots: [Int32] = []
    private var index = DigestIndex()
    private var filter: RecordFilter
    /// Closing order, for forgetting after 2×MSL: (digest, number, closedAt).
    private var expiry: [(UInt64, Int, Nanoseconds)] = []
    private var expiryHead = 0
    /// Closed connections still held whole, waiting out the grace period: (slot, number, closedAt).
    private var pending: [(Int32, Int, Nanoseconds)] = []
    private var pendingHead = 0

    /// `connections`: how many the flow table holds at most (sizes the filter).
    init(connections: Int = TrackerConfiguration().maxConnections) {
        filter = RecordFilter(bitsLog2: RecordFilter.bitsLog2(forConnections: connections))
    }

    var count: Int { index.count }

    private func slot(_ digest: UInt64) -> Int32? {
        index.find(digest) { digests[Int($0)] == digest }
    }

    func record(_ digest: UInt64) -> Record? {
        guard filter.mayContain(digest) else { return nil }
        return slot(digest).map { records[Int($0)] }
    }

    /// Forgets the record of `digest` and returns it.
    @discardableResult
    mutating func remove(_ digest: UInt64) -> Record? {
        guard filter.mayContain(digest), let s = slot(digest) else { return nil }
        let record = records[Int(s)]
        remove(digest, slot: s)
        return record
    }

    private mutating func remove(_ digest: UInt64, slot s: Int32) {
        filter.remove(generation: records[Int(s)].generation)
        index.remove(digest, slot: s)
        freeSlots.append(s)
    }

    /// Returns the record it replaced, if any.
    private mutating func store(_ record: Record, digest: UInt64) -> Record? {
        var record = record
        if let s = slot(digest) {
            let replaced = records[Int(s)]
            filter.remove(generation: records[Int(s)].generation)
            record.generation = filter.add(digest)
            records[Int(s)] = record
            return replaced
        }
        record.generation = filter.add(digest)
        if let s = freeSlots.popLast() {
            records[Int(s)] = record
            digests[Int(s)] = digest
            index.insert(digest, slot: s)
        } else {
            records.append(record)
            digests.append(digest)
            index.insert(digest, slot: Int32(records.count - 1))
        }
        return nil
    }

    /// Notes a connection that just closed; it is held whole until `due(before:)` returns it.
    mutating func schedule(slot: Int32, number: Int, at time: Nanoseconds) {
        pending.append((slot, number, time))
    }

    /// The next held connection whose grace period ended before `time`.
    @inline(__always)
    mutating func due(before time: Nanoseconds) -> (slot: Int32, number: Int)? {
        guard pendingHead < pending.count, pending[pendingHead].2 < time else { return nil }
        let entry = pending[pendingHead]
        pendingHead += 1
        compact(&pending, &pendingHead)
        return (entry.0, entry.1)
    }

    /// Keeps the record of a closed connection indexed by `digest`, its key's digest; returns
    /// the record it replaced, if any.
    @discardableResult
    mutating func remember(_ c: borrowing Connection, digest d: UInt64) -> Record? {
        let key = FlowKey(c.client, c.server)
        let closedAt = c.closedAt ?? c.lastTime
        let replaced = store(Record(number: c.number, closedAt: closedAt, clientISN: c.clientTrack.isn ?? 0,
                                    hasClientISN: c.clientTrack.isn != nil, clientIsLow: c.client == key.low,
                                    clientState: c.clientTrack.state, serverState: c.serverTrack.state,
                                    refused: c.refused, reset: c.resetBy != nil,
                                    censusServer: c.censusServer, censusClient: c.censusClient), digest: d)
        expiry.append((d, c.number, closedAt))
        return replaced
    }

    /// Until when neither `due(before: time - grace)` nor `forget(before: time, ...)` has anything.
    func quietUntil(grace: Nanoseconds, twoMSL: Nanoseconds) -> Nanoseconds {
        let held = pendingHead < pending.count ? pending[pendingHead].2 &+ grace : .max
        let records = expiryHead < expiry.count ? expiry[expiryHead].2 &+ twoMSL : .max
        return Swift.min(held, records)
    }

    /// Forgets records whose TIME_WAIT (2×MSL after closing) is over by `time`, appending them
    /// to `dropped`.
    mutating func forget(before time: Nanoseconds, twoMSL: Nanoseconds, into dropped: inout [Record]) {
        while expiryHead < expiry.count, expiry[expiryHead].2 &+ twoMSL < time {
            let (d, number, _) = expiry[expiryHead]
            // Only the record of that connection: the 4-tuple may have closed again since.
            if filter.mayContain(d), let s = slot(d), records[Int(s)].number == number {
                dropped.append(records[Int(s)])
                remove(d, slot: s)
            }
            expiryHead += 1
        }
        compact(&expiry, &expiryHead)
    }

    private func compact<T>(_ queue: inout [T], _ head: inout Int) {
        if head > 4096 && head * 2 > queue.count {
            queue.removeFirst(head)
            head = 0
        }
    }
}
