/// Zeek's TCP endpoint states (`TCP_ENDPOINT_*`), coarser than RFC 9293's: Zeek tracks what
/// each side has shown, not what its socket is doing.
public enum ZeekEndpointState: UInt8, Sendable, CaseIterable {
    case inactive = 0, synSent, synAckSent, partial, established, closed, reset

    public var name: StaticString {
        switch self {
        case .inactive: return "INACTIVE"
        case .synSent: return "SYN_SENT"
        case .synAckSent: return "SYN_ACK_SENT"
        case .partial: return "PARTIAL"
        case .established: return "ESTABLISHED"
        case .closed: return "CLOSED"
        case .reset: return "RESET"
        }
    }

    /// The handshake states, for the inactivity timeout's switch from 60 s to 300 s.
    var isHandshake: Bool { self == .inactive || self == .synSent || self == .synAckSent }
}

/// One side of a connection as Zeek's `TCP_Endpoint` sees it: sequence bookkeeping in Zeek's
/// relative space (wrap counters, a 64-bit start), its state, history guards and counters.
struct ZeekEndpoint: Sendable {
    var isOrig: Bool
    var state: ZeekEndpointState = .inactive
    var prevState: ZeekEndpointState = .inactive
    /// Always holds a 32-bit value; 64 bits as in Zeek, so relative numbers can be computed wide.
    var startSeq: Int64 = 0
    var lastSeq: UInt32 = 0
    var ackSeq: UInt32 = 0
    var seqWraps: UInt32 = 0
    var ackWraps: UInt32 = 0
    var finCount: UInt32 = 0
    var rstCount: UInt32 = 0
    var finSeq: UInt64 = 0
    var didClose = false
    var histLastSYN: UInt64 = 0
    var histLastFIN: UInt64 = 0
    var histLastRST: UInt64 = 0
    var checksumErrors = ZeekScaledCounter()
    var retransmissions = ZeekScaledCounter()
    var zeroWindows = ZeekScaledCounter()
    var gaps = ZeekScaledCounter()
    /// Zeek's ConnSize analyzer: packets and IP bytes this endpoint sent (checksum-valid only).
    var packets: UInt64 = 0
    var ipBytes: UInt64 = 0
    var reassembly = ZeekReassembly()

    init(isOrig: Bool) { self.isOrig = isOrig }

    @inline(__always) var startSeq32: UInt32 { UInt32(truncatingIfNeeded: startSeq) }

    @inline(__always) static func full(_ seq: UInt32, _ wraps: UInt32) -> UInt64 {
        UInt64(wraps) << 32 | UInt64(seq)
    }

    mutating func initSequence(start: UInt32, ack: UInt32, last: UInt32) {
        startSeq = Int64(start)
        ackSeq = ack
        lastSeq = last
    }

    mutating func updateLastSeq(_ seq: UInt32) {
        if seq < lastSeq { seqWraps &+= 1 }
        lastSeq = seq
    }

    mutating func updateAckSeq(_ seq: UInt32) {
        if seq < ackSeq { ackWraps &+= 1 }
        ackSeq = seq
    }

    /// Nothing of this endpoint's data has been acknowledged (only the SYN, if anything).
    var noDataAcked: Bool {
        let ack = ZeekEndpoint.full(ackSeq, ackWraps)
        let start = UInt64(bitPattern: startSeq)
        return ack == start || ack == start &+ 1
    }

    /// `TCP_Endpoint::Size()`: bytes sent, from sequence numbers: the highest sequence number
    /// sent or acknowledged, less the start, the SYN and one FIN.
    func size(peerState: ZeekEndpointState) -> UInt64 {
        if prevState == .synSent && state == .reset && peerState == .inactive && !noDataAcked { return 0 }
        let last = ZeekEndpoint.full(lastSeq, seqWraps)
        let ack = ZeekEndpoint.full(ackSeq, ackWraps)
        var size = (last > ack ? last : ack) &- UInt64(bitPattern: startSeq)
        if size != 0 { size -= 1 }
        if finCount > 0 && size != 0 { size -= 1 }
        return size
    }
}

/// What Zeek's TCP reassembler knows of one direction, without the bytes: the ranges of data
/// received and not yet acknowledged, how far delivery got, and the trim point. Enough to
/// find content gaps ('G', missed_bytes) and to know when a close must wait for data.
struct ZeekReassembly: Sendable {
    struct Block: Sendable, Equatable {
        var lower: UInt64
        var upper: UInt64
    }

    /// Relative sequence numbers start at 1 (the SYN is 0).
    var lastReassembled: UInt64 = 1
    var trimmed: UInt64 = 1
    /// Sorted, disjoint, non-adjacent ranges.
    var blocks: [Block] = []
    var bufferedBytes: UInt64 = 0
    /// Gave up on this direction (Zeek's `skip_deliveries`).
    var skipping = false
    var didEOF = false

    /// Zeek's `tcp_max_initial_window` and `tcp_max_above_hole_without_any_acks`.
    static let maximumUnackedWindow: UInt64 = 16_384
    /// Zeek's `tcp_excessive_data_without_further_acks`.
    static let excessiveBuffered: UInt64 = 10 * 1024 * 1024
    /// tcpwave's own bound on ranges kept for one direction (hostile input); beyond it the
    /// direction is skipped as Zeek skips one with excessive data.
    static let maximumBlocks = 1024

    var undeliveredBytes: UInt64 {
        guard let last = blocks.last, last.upper > lastReassembled else { return 0 }
        return last.upper - lastReassembled
    }

    mutating func clear() {
        blocks.removeAll()
        bufferedBytes = 0
    }

    /// Adds [lower, upper), keeping only bytes not already held.
    mutating func insert(_ lower: UInt64, _ upper: UInt64) {
        guard upper > lower else { return }
        var lo = lower, hi = upper
        // First block that ends at or after `lo` (touching counts, so neighbours merge).
        var i = 0
        var low = 0, high = blocks.count
        while low < high {
            let mid = (low + high) / 2
            if blocks[mid].upper < lo { low = mid + 1 } else { high = mid }
        }
        i = low
        var j = i
        var removed: UInt64 = 0
        while j < blocks.count && blocks[j].lower <= hi {
            lo = Swift.min(lo, blocks[j].lower)
            hi = Swift.max(hi, blocks[j].upper)
            removed &+= blocks[j].upper - blocks[j].lower
            j += 1
        }
        blocks.replaceSubrange(i..<j, with: CollectionOfOne(Block(lower: lo, upper: hi)))
        bufferedBytes = bufferedBytes &- removed &+ (hi - lo)
    }

    /// Drops the blocks that end at or below `seq` (Zeek keeps a block straddling it whole).
    mutating func dropBlocks(below seq: UInt64) {
        var n = 0
        while n < blocks.count && blocks[n].upper <= seq {
            bufferedBytes &-= blocks[n].upper - blocks[n].lower
            n += 1
        }
        if n > 0 { blocks.removeFirst(n) }
    }

    /// Advances delivery over blocks contiguous with it; says whether anything was delivered.
    mutating func deliverContiguous() -> Bool {
        var advanced = false
        for b in blocks {
            if b.lower > lastReassembled { break }
            if b.upper > lastReassembled {
                lastReassembled = b.upper
                advanced = true
            }
        }
        return advanced
    }
}
