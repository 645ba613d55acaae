/// What happened to a fragment, or to the datagram it belongs to, that a user should hear about.
/// The policy is Linux's (docs/fragments.md).
public enum FragmentAnomaly: UInt8, Sendable, CaseIterable {
    /// Lies wholly within data already held: ignored, the datagram kept (RFC 5722 erratum 3089).
    case duplicate
    /// Overlaps data already held in any other way: the whole datagram is dropped.
    case overlap
    /// Data past the end the last fragment set, or two last fragments that disagree: dropped.
    case inconsistentEnd
    /// The datagram would exceed 65,535 bytes: dropped.
    case oversize
    /// More fragments than one datagram may have (`FragmentLimits.fragmentsPerDatagram`): dropped.
    case tooManyFragments
    /// A fragment with no data: ignored.
    case empty
    /// A first fragment without the whole 20-byte TCP header (RFC 1858's tiny-fragment attack):
    /// held and reassembled like any other, but named.
    case tinyFirstFragment

    public var text: String {
        switch self {
        case .duplicate: return "duplicate fragment ignored"
        case .overlap: return "overlapping fragment: datagram dropped"
        case .inconsistentEnd: return "fragment past the datagram's end: datagram dropped"
        case .oversize: return "fragments exceed 65535 bytes: datagram dropped"
        case .tooManyFragments: return "too many fragments: datagram dropped"
        case .empty: return "empty fragment ignored"
        case .tinyFirstFragment: return "tiny first fragment (TCP header split)"
        }
    }
}

/// What `FragmentReassembler.add` did with a fragment.
public struct FragmentOutcome: Sendable, Equatable {
    public enum Result: Sendable, Equatable {
        /// Kept; the datagram is still missing parts.
        case held
        /// The datagram is complete and was written to the caller's buffer.
        case reassembled
        /// Not used; the datagram (if any) is kept.
        case ignored
        /// The datagram was discarded with everything held of it.
        case dropped
    }
    public var result: Result
    /// Fragments of the datagram seen so far, this one included.
    public var fragments: Int
    public var anomaly: FragmentAnomaly?
    /// The reassembled datagram lacks bytes the capture did not keep (snapshot length).
    public var truncated = false

    @inlinable
    public init(result: Result, fragments: Int, anomaly: FragmentAnomaly? = nil, truncated: Bool = false) {
        self.result = result
        self.fragments = fragments
        self.anomaly = anomaly
        self.truncated = truncated
    }
}

/// The bounds that keep a hostile capture from holding unbounded memory.
public struct FragmentLimits: Sendable, Equatable {
    /// Bytes held across all incomplete datagrams (data, headers, bookkeeping); the oldest
    /// datagram is evicted to make room. Linux's default `ipfrag_high_thresh` is 4 MiB.
    public var memory: Int
    public var fragmentsPerDatagram: Int
    /// Capture time an incomplete datagram is kept, as Linux's `ipfrag_time` (30 s) and
    /// `ip6frag_time` (60 s).
    public var ipv4Timeout: Int64
    public var ipv6Timeout: Int64

    public init(memory: Int = 4 << 20, fragmentsPerDatagram: Int = 1024,
                ipv4Timeout: Int64 = 30_000_000_000, ipv6Timeout: Int64 = 60_000_000_000) {
        self.memory = memory
        self.fragmentsPerDatagram = fragmentsPerDatagram
        self.ipv4Timeout = ipv4Timeout
        self.ipv6Timeout = ipv6Timeout
    }
}

/// Counts for the end of a run.
public struct FragmentStatistics: Sendable, Equatable {
    public var fragments = 0
    public var reassembled = 0
    public var timedOut = 0
    public var evicted = 0
    /// Incomplete datagrams still held when the input ended.
    public var incompleteAtEnd = 0
    public var peakMemory = 0
    /// How often each anomaly happened, indexed by `FragmentAnomaly.rawValue`.
    public var anomalies = [Int](repeating: 0, count: FragmentAnomaly.allCases.count)

    public init() {}

    public func count(_ a: FragmentAnomaly) -> Int { anomalies[Int(a.rawValue)] }

    /// Datagrams that never reached the tracker.
    public var lost: Int {
        timedOut + evicted + incompleteAtEnd + count(.overlap) + count(.inconsistentEnd) + count(.oversize)
            + count(.tooManyFragments)
    }
}

/// Joins the fragments of TCP datagrams (RFC 791, RFC 8200 §4.5) so the tracker sees whole
/// segments, with Linux's policy for overlaps and bounded memory. Fed the fragments in capture
/// order by the stage that decodes frames; capture time drives the timeouts.
public struct FragmentReassembler: Sendable {
    public let limits: FragmentLimits
    public private(set) var statistics = FragmentStatistics()
    /// Bytes held now, as the limit counts them.
    public private(set) var memory = 0

    struct Key: Hashable {
        var source: IPAddress
        var destination: IPAddress
        var identification: UInt32
    }

    struct Datagram {
        var started: Int64
        var serial: Int
        var isIPv6: Bool
        /// The first fragment's IP header (IPv4 with options; IPv6's fixed 40 bytes), once seen.
        var header: [UInt8] = []
        var data: [UInt8] = []
        /// Byte ranges held, sorted, adjacent ones merged.
        var pieces: [Range<Int>] = []
        /// The payload length, once the last fragment is seen.
        var end: Int? = nil
        var fragments = 0
        var truncated = false
        var cost: Int
    }

    private var table: [Key: Datagram] = [:]
    /// Datagrams in the order they started, for the timeout and eviction; an entry whose serial no
    /// longer matches was completed or dropped.
    private var order: [(key: Key, serial: Int)] = []
    private var orderHead = 0
    private var serial = 0
    private static let datagramOverhead = 128

    public init(limits: FragmentLimits = FragmentLimits()) {
        self.limits = limits
    }

    public var pendingDatagrams: Int { table.count }

    /// Adds one fragment whose data starts at `dataOffset` in `p` and is `dataLength` bytes long as
    /// the IP header says. When it completes a datagram, the datagram (an IP header without
    /// fragmentation, then the TCP segment) is written to `datagram`.
    public mutating func add(_ network: NetworkHeader, dataOffset: Int, dataLength: Int, _ p: UnsafeRawBufferPointer,
                             time: Int64, datagram out: inout [UInt8]) -> FragmentOutcome {
        statistics.fragments += 1
        expire(now: time)
        let key: Key, offset: Int, more: Bool, isIPv6: Bool, maximum: Int
        switch network {
        case .ipv4(let h):
            key = Key(source: IPAddress(ipv4: h.source), destination: IPAddress(ipv4: h.destination), identification: UInt32(h.identification))
            offset = h.fragmentOffset
            more = h.moreFragments
            isIPv6 = false
            maximum = 65535 - h.headerLength
        case .ipv6(let h):
            key = Key(source: h.source, destination: h.destination, identification: h.fragmentIdentification(p))
            offset = h.fragmentOffset
            more = h.moreFragments
            isIPv6 = true
            maximum = 65535
        }
        var end = offset + Swift.max(0, dataLength)
        // Linux: all but the last fragment carry a multiple of 8 bytes; extra bytes are not data.
        if more { end &= ~7 }
        guard end > offset else { return note(.ignored, 0, .empty) }
        guard end <= maximum else { return drop(key, .oversize) }

        if table[key] == nil {
            makeRoom(for: Self.datagramOverhead)
            serial += 1
            table[key] = Datagram(started: time, serial: serial, isIPv6: isIPv6, cost: Self.datagramOverhead)
            order.append((key, serial))
            memory += Self.datagramOverhead
        }
        var d = table.removeValue(forKey: key)!
        defer { if d.cost > 0 { table[key] = d } }

        let knownEnd = d.pieces.last?.upperBound ?? 0
        if !more {
            if end < knownEnd || (d.end != nil && d.end != end) { return discard(&d, .inconsistentEnd) }
            d.end = end
        } else if let last = d.end, end > last {
            return discard(&d, .inconsistentEnd)
        }
        // RFC 5722 and Linux since 4.19: a fragment inside one run of held data is a duplicate;
        // any other overlap condemns the datagram.
        for piece in d.pieces where piece.lowerBound < end && offset < piece.upperBound {
            if offset >= piece.lowerBound && end <= piece.upperBound {
                return note(.ignored, d.fragments, .duplicate)
            }
            return discard(&d, .overlap)
        }
        d.fragments += 1
        guard d.fragments <= limits.fragmentsPerDatagram else { return discard(&d, .tooManyFragments) }

        let growth = Swift.max(0, end - d.data.count) + 16 + (offset == 0 ? 60 : 0)
        if memory + growth > limits.memory {
            makeRoom(for: growth, sparing: d.serial)
            guard memory + growth <= limits.memory else {
                statistics.evicted += 1
                return discard(&d, nil)
            }
        }
        let before = d.data.count + d.header.count + 16 * d.pieces.count
        if d.data.count < end { d.data.append(contentsOf: repeatElement(0, count: end - d.data.count)) }
        let captured = Swift.min(end - offset, Swift.max(0, p.count - dataOffset))
        if captured < end - offset { d.truncated = true }
        if captured > 0 {
            d.data.withUnsafeMutableBytes { dst in
                dst.baseAddress!.advanced(by: offset).copyMemory(from: p.baseAddress!.advanced(by: dataOffset), byteCount: captured)
            }
        }
        var anomaly: FragmentAnomaly? = nil
        if offset == 0 {
            let start = network.offset
            let length = isIPv6 ? 40 : dataOffset - start
            d.header = Array(UnsafeRawBufferPointer(rebasing: p[start..<(start + length)]))
            if dataLength < 20 { anomaly = .tinyFirstFragment }
        }
        insert(offset..<end, into: &d.pieces)
        let after = d.data.count + d.header.count + 16 * d.pieces.count
        d.cost += after - before
        memory += after - before
        statistics.peakMemory = Swift.max(statistics.peakMemory, memory)
        if let anomaly { statistics.anomalies[Int(anomaly.rawValue)] += 1 }

        guard let total = d.end, d.pieces.count == 1, d.pieces[0] == 0..<total, !d.header.isEmpty else {
            return FragmentOutcome(result: .held, fragments: d.fragments, anomaly: anomaly)
        }
        let headerLength = d.header.count
        guard headerLength + total <= 65535 || isIPv6 else { return discard(&d, .oversize) }
        out.removeAll(keepingCapacity: true)
        out.append(contentsOf: d.header)
        out.append(contentsOf: d.data[0..<total])
        if isIPv6 {
            out[4] = UInt8(total >> 8)
            out[5] = UInt8(total & 0xff)
            out[6] = 6
        } else {
            let length = headerLength + total
            out[2] = UInt8(length >> 8)
            out[3] = UInt8(length & 0xff)
            out[6] = 0
            out[7] = 0
            out[10] = 0
            out[11] = 0
            var sum = InternetChecksum()
            out.withUnsafeBytes { sum.add($0, offset: 0, count: headerLength) }
            let checksum = sum.value
            out[10] = UInt8(checksum >> 8)
            out[11] = UInt8(checksum & 0xff)
        }
        let outcome = FragmentOutcome(result: .reassembled, fragments: d.fragments, anomaly: anomaly, truncated: d.truncated)
        statistics.reassembled += 1
        release(&d)
        return outcome
    }

    /// The input ended: what is still held never completed.
    public mutating func finish() {
        statistics.incompleteAtEnd += table.count
        table.removeAll()
        order.removeAll()
        orderHead = 0
        memory = 0
    }

    private mutating func note(_ result: FragmentOutcome.Result, _ fragments: Int, _ anomaly: FragmentAnomaly) -> FragmentOutcome {
        statistics.anomalies[Int(anomaly.rawValue)] += 1
        return FragmentOutcome(result: result, fragments: fragments, anomaly: anomaly)
    }

    /// Drops a datagram not taken out of the table (or none).
    private mutating func drop(_ key: Key, _ anomaly: FragmentAnomaly) -> FragmentOutcome {
        guard var d = table.removeValue(forKey: key) else { return note(.dropped, 0, anomaly) }
        let outcome = discard(&d, anomaly)
        return outcome
    }

    /// Drops the datagram taken out of the table; `cost` 0 keeps it from going back.
    private mutating func discard(_ d: inout Datagram, _ anomaly: FragmentAnomaly?) -> FragmentOutcome {
        let fragments = d.fragments
        release(&d)
        if let anomaly { return note(.dropped, fragments, anomaly) }
        return FragmentOutcome(result: .dropped, fragments: fragments)
    }

    private mutating func release(_ d: inout Datagram) {
        memory -= d.cost
        d.cost = 0
        d.data = []
        d.pieces = []
    }

    private func insert(_ range: Range<Int>, into pieces: inout [Range<Int>]) {
        var i = pieces.firstIndex { $0.lowerBound > range.lowerBound } ?? pieces.count
        pieces.insert(range, at: i)
        if i > 0 && pieces[i - 1].upperBound == pieces[i].lowerBound {
            pieces[i - 1] = pieces[i - 1].lowerBound..<pieces[i].upperBound
            pieces.remove(at: i)
            i -= 1
        }
        if i + 1 < pieces.count && pieces[i].upperBound == pieces[i + 1].lowerBound {
            pieces[i] = pieces[i].lowerBound..<pieces[i + 1].upperBound
            pieces.remove(at: i + 1)
        }
    }

    /// Drops datagrams older than their timeout.
    private mutating func expire(now: Int64) {
        while orderHead < order.count {
            let entry = order[orderHead]
            if let d = table[entry.key], d.serial == entry.serial {
                let timeout = d.isIPv6 ? limits.ipv6Timeout : limits.ipv4Timeout
                guard now &- d.started > timeout else { break }
                memory -= d.cost
                table[entry.key] = nil
                statistics.timedOut += 1
            }
            orderHead += 1
        }
        compactOrder()
    }

    /// Evicts the oldest datagrams (but `spared`) until `bytes` more fit.
    private mutating func makeRoom(for bytes: Int, sparing spared: Int = 0) {
        while memory + bytes > limits.memory && orderHead < order.count {
            let entry = order[orderHead]
            if entry.serial == spared { break }
            if let d = table[entry.key], d.serial == entry.serial {
                memory -= d.cost
                table[entry.key] = nil
                statistics.evicted += 1
            }
            orderHead += 1
        }
        compactOrder()
    }

    private mutating func compactOrder() {
        if orderHead == order.count {
            order.removeAll(keepingCapacity: true)
            orderHead = 0
        } else if orderHead >= 4096 && orderHead * 2 >= order.count {
            order.removeFirst(orderHead)
            orderHead = 0
        }
    }
}
