import Wire

/// The server endpoints followed, in flat pools of fixed-size slots. When `maxTargets` are
/// followed, a new one takes the place of the least loaded: the quarter of the followed
/// endpoints with the fewest half-open attempts in the windows not yet judged (those with an
/// alert on stay) are given up at once, so the scan is paid once per a quarter of `maxTargets`
/// new endpoints. A flood's target, gathering attempts faster than the endpoints around it, is
/// followed however many quiet servers came before it (Space-Saving's idea, in batches).
extension SynFloodDetector {
    mutating func slot(for target: Endpoint, create: Bool) -> Int32? {
        if let s = find(target) { return s }
        guard create else { return nil }
        if index.count >= configuration.maxTargets { evictLeastLoaded() }
        guard index.count < configuration.maxTargets else { return nil }
        let slot: Int32
        if let reused = freeSlots.popLast() {
            slot = reused
            targets[Int(slot)] = Target(endpoint: target)
            for i in (Int(slot) * SynFloodDetector.slices)..<((Int(slot) + 1) * SynFloodDetector.slices) {
                sliceKey[i] = -1
                sliceAttempts[i] = 0
                sliceResolved[i] = 0
            }
        } else {
            slot = Int32(targets.count)
            targets.append(Target(endpoint: target))
            registers.append(contentsOf: repeatElement(0, count: 2 * SynFloodDetector.registers))
            exact.append(contentsOf: repeatElement(0, count: 2 * SynFloodDetector.exactSources))
            hitterAddress.append(contentsOf: repeatElement(IPAddress(ipv4: 0), count: 2 * SynFloodDetector.heavyHitters))
            hitterCount.append(contentsOf: repeatElement(0, count: 2 * SynFloodDetector.heavyHitters))
            hitterError.append(contentsOf: repeatElement(0, count: 2 * SynFloodDetector.heavyHitters))
            sliceKey.append(contentsOf: repeatElement(-1, count: SynFloodDetector.slices))
            sliceAttempts.append(contentsOf: repeatElement(0, count: SynFloodDetector.slices))
            sliceResolved.append(contentsOf: repeatElement(0, count: SynFloodDetector.slices))
        }
        index.insert(targetDigest(target), slot: slot)
        targets[Int(slot)].followed = true
        return slot
    }

    func find(_ target: Endpoint) -> Int32? {
        index.find(targetDigest(target)) { targets[Int($0)].endpoint == target }
    }

    mutating func release(_ slot: Int32) {
        let target = targets[Int(slot)].endpoint
        guard find(target) == slot else { return }
        index.remove(targetDigest(target), slot: slot)
        targets[Int(slot)].followed = false
        freeSlots.append(slot)
    }

    /// Half-open attempts of the target in `slot` in the windows not yet judged (and all its
    /// attempts there, to break ties).
    func load(_ slot: Int32) -> (halfOpen: Int, attempts: Int) {
        var halfOpen = 0, attempts = 0
        for k in [pending, pending &+ 1] {
            let b = targets[Int(slot)][k]
            guard b.window == k else { continue }
            halfOpen += Swift.max(0, b.attempts - b.resolved)
            attempts += b.attempts
        }
        return (halfOpen, attempts)
    }

    /// Gives up the least loaded quarter of the followed endpoints (none with an alert on);
    /// their attempts so far count as untracked. The cut is found with a histogram of the
    /// half-open counts (those at the threshold or above, or at 1,024, share its last cell):
    /// two passes, no sort.
    mutating func evictLeastLoaded() {
        let cells = Swift.min(configuration.threshold, 1024) + 1
        var histogram = [Int](repeating: 0, count: cells)
        for slot in targets.indices where targets[slot].followed && !targets[slot].alerting {
            histogram[Swift.min(load(Int32(slot)).halfOpen, cells - 1)] += 1
        }
        var quota = Swift.max(1, configuration.maxTargets / 4)
        // The cell where the quota runs out: all below it go, and the first of it in slot order.
        var cut = 0
        var below = 0
        while cut < cells - 1 && below + histogram[cut] < quota {
            below += histogram[cut]
            cut += 1
        }
        var atCut = quota - below
        for slot in targets.indices where targets[slot].followed && !targets[slot].alerting && quota > 0 {
            let l = load(Int32(slot))
            let cell = Swift.min(l.halfOpen, cells - 1)
            guard cell < cut || (cell == cut && atCut > 0) else { continue }
            if cell == cut { atCut -= 1 }
            quota -= 1
            untrackedAttempts &+= l.attempts
            evictedTargets &+= 1
            release(Int32(slot))
        }
        touched.0.removeAll { !targets[Int($0)].followed }
        touched.1.removeAll { !targets[Int($0)].followed }
    }

    @inline(__always)
    func targetDigest(_ e: Endpoint) -> UInt64 { FlowKey.digest(e, seed: digestSeed) }

    /// HyperLogLog: the top bits pick the register, the rank of the rest goes in it.
    mutating func addToRegisters(_ h: UInt64, slot: Int32, parity: Int) {
        let bits = UInt64(SynFloodDetector.registerBits)
        let r = (Int(slot) * 2 + parity) * SynFloodDetector.registers + Int(h >> (64 - bits))
        let rank = UInt8((h << bits | (1 << (bits - 1))).leadingZeroBitCount + 1)
        if registers[r] < rank { registers[r] = rank }
    }

    mutating func clearBucket(_ slot: Int32, _ k: Int64) {
        let parity = Int(k & 1)
        let r = (Int(slot) * 2 + parity) * SynFloodDetector.registers
        for i in r..<(r + SynFloodDetector.registers) { registers[i] = 0 }
    }
}
