import Wire

/// Counting a window's sources: exact while few, then HyperLogLog; Space-Saving heavy hitters.
extension SynFloodDetector {
    /// A 64-bit mix of the address (SplitMix64's finaliser): deterministic across runs.
    static func hash(_ a: IPAddress) -> UInt64 {
        var x = a.high &* 0x9E37_79B9_7F4A_7C15 ^ a.low ^ (a.isIPv6 ? 0x5151_5151 : 0)
        x = (x ^ (x >> 30)) &* 0xBF58_476D_1CE4_E5B9
        x = (x ^ (x >> 27)) &* 0x94D0_49BB_1331_11EB
        return x ^ (x >> 31)
    }

    mutating func countSource(_ source: IPAddress, slot: Int32, window k: Int64, _ b: inout Bucket) {
        let parity = Int(k & 1)
        let h = SynFloodDetector.hash(source)
        // Exact distinct count while small; the HyperLogLog registers are filled (with the
        // exact hashes replayed) only once a window sees more distinct sources than that, so
        // the common target with few sources never clears a kilobyte of registers.
        if b.exactCount <= SynFloodDetector.exactSources {
            let e = (Int(slot) * 2 + parity) * SynFloodDetector.exactSources
            var seen = false
            for i in 0..<Swift.min(b.exactCount, SynFloodDetector.exactSources) where exact[e + i] == h {
                seen = true
                break
            }
            if !seen {
                if b.exactCount < SynFloodDetector.exactSources { exact[e + b.exactCount] = h }
                b.exactCount += 1
                if b.exactCount > SynFloodDetector.exactSources {
                    clearBucket(slot, k)
                    for i in 0..<SynFloodDetector.exactSources { addToRegisters(exact[e + i], slot: slot, parity: parity) }
                    addToRegisters(h, slot: slot, parity: parity)
                }
            }
        } else {
            addToRegisters(h, slot: slot, parity: parity)
        }
        // Space-Saving heavy hitters.
        let base = (Int(slot) * 2 + parity) * SynFloodDetector.heavyHitters
        for i in 0..<b.hitters where hitterAddress[base + i] == source {
            hitterCount[base + i] &+= 1
            return
        }
        if b.hitters < SynFloodDetector.heavyHitters {
            hitterAddress[base + b.hitters] = source
            hitterCount[base + b.hitters] = 1
            hitterError[base + b.hitters] = 0
            b.hitters += 1
            return
        }
        var smallest = base
        for i in base..<(base + SynFloodDetector.heavyHitters) where hitterCount[i] < hitterCount[smallest] { smallest = i }
        hitterAddress[smallest] = source
        hitterError[smallest] = hitterCount[smallest]
        hitterCount[smallest] &+= 1
    }

    func distinct(_ slot: Int32, _ k: Int64) -> Int {
        let b = targets[Int(slot)][k]
        if b.exactCount <= SynFloodDetector.exactSources { return b.exactCount }
        let m = SynFloodDetector.registers
        let r = (Int(slot) * 2 + Int(k & 1)) * m
        var sum = 0.0
        var zeros = 0
        for i in r..<(r + m) {
            let v = registers[i]
            if v == 0 { zeros += 1 }
            sum += 1.0 / Double(UInt64(1) << UInt64(v))
        }
        let md = Double(m)
        let alpha = 0.7213 / (1.0 + 1.079 / md)
        var estimate = alpha * md * md / sum
        if estimate <= 2.5 * md && zeros > 0 {
            estimate = md * log(md / Double(zeros))
        }
        // An estimate, so it can overshoot; there are never more sources than attempts.
        return Swift.min(b.attempts, Swift.max(SynFloodDetector.exactSources + 1, Int(estimate.rounded())))
    }

    func topSources(_ slot: Int32, _ k: Int64) -> [SourceCount] {
        let b = targets[Int(slot)][k]
        guard b.window == k else { return [] }
        let base = (Int(slot) * 2 + Int(k & 1)) * SynFloodDetector.heavyHitters
        var list: [SourceCount] = []
        for i in base..<(base + b.hitters) where Int(hitterCount[i]) - Int(hitterError[i]) >= 2 {
            list.append(SourceCount(address: hitterAddress[i], attempts: Int(hitterCount[i]) - Int(hitterError[i]),
                                    exact: hitterError[i] == 0))
        }
        list.sort { $0.attempts != $1.attempts ? $0.attempts > $1.attempts : $0.address < $1.address }
        return Array(list.prefix(SynFloodDetector.reportedSources))
    }
}

/// Natural logarithm without Foundation (the Flows target imports only Wire).
@inline(__always)
private func log(_ x: Double) -> Double {
    // ln(x) = 2 atanh((x-1)/(x+1)), after scaling x into [1, 2) by its exponent.
    guard x > 0, x.isFinite else { return x == 0 ? -.infinity : .nan }
    let e = Double(x.exponent)
    let m = x.significand
    let y = (m - 1) / (m + 1)
    let y2 = y * y
    var term = y
    var sum = 0.0
    var n = 1.0
    for _ in 0..<30 {
        sum += term / n
        term *= y2
        n += 2
    }
    return 2 * sum + e * 0.693_147_180_559_945_3
}
