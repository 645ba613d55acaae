import Wire

/// Nanoseconds since the Unix epoch: capture time, the only clock tcpwave knows.
public typealias Nanoseconds = Int64

/// What the flow tracker needs of one TCP segment, copied out of the packet bytes.
public struct Segment: Sendable, Equatable {
    public var source: Endpoint
    public var destination: Endpoint
    public var sequence: UInt32
    public var acknowledgment: UInt32
    public var flags: TCPFlags
    public var window: UInt16
    public var payloadLength: Int
    public var options: TCPOptionSummary
    public var time: Nanoseconds
    /// 1-based position in the capture.
    public var packetNumber: Int
    /// Whether the checksums were verified, and how they came out (the Zeek model drops what
    /// Zeek drops). Readers that do not verify leave `.unchecked`.
    public var checksum: ChecksumVerdict = .unchecked
    /// The IP datagram's length as its header declares it (Zeek's `ip_bytes`); 0 if unknown.
    public var ipLength: Int = 0
    /// Part of the payload was not captured (snapshot length).
    public var truncatedPayload = false

    public init(source: Endpoint, destination: Endpoint, sequence: UInt32, acknowledgment: UInt32,
                flags: TCPFlags, window: UInt16 = 65535, payloadLength: Int = 0,
                options: TCPOptionSummary = TCPOptionSummary(), time: Nanoseconds, packetNumber: Int) {
        self.source = source
        self.destination = destination
        self.sequence = sequence
        self.acknowledgment = acknowledgment
        self.flags = flags
        self.window = window
        self.payloadLength = payloadLength
        self.options = options
        self.time = time
        self.packetNumber = packetNumber
    }

    @inlinable public var isSYN: Bool { flags.contains(.syn) }
    @inlinable public var isFIN: Bool { flags.contains(.fin) }
    @inlinable public var isRST: Bool { flags.contains(.rst) }
    @inlinable public var hasACK: Bool { flags.contains(.ack) }

    /// A SYN without ACK, RST or FIN: the only segment that opens a connection.
    @inlinable @inline(__always) public var isConnectionRequest: Bool {
        flags.contains(.syn) && !flags.contains(.ack) && !flags.contains(.rst) && !flags.contains(.fin)
    }

    /// Control bits some state accepts: not SYN with FIN or RST, and at least one of
    /// SYN, RST, ACK (a segment with none of them is a probe: null, FIN or Xmas scans).
    @inlinable @inline(__always) public var hasValidControlBits: Bool {
        if flags.contains(.syn) && (flags.contains(.fin) || flags.contains(.rst)) { return false }
        return flags.contains(.syn) || flags.contains(.rst) || flags.contains(.ack)
    }

    /// Sequence space the segment occupies: payload plus one for SYN and one for FIN.
    @inlinable public var sequenceLength: UInt32 {
        UInt32(truncatingIfNeeded: Swift.max(0, payloadLength)) &+ (isSYN ? 1 : 0) &+ (isFIN ? 1 : 0)
    }

    /// The first sequence number after this segment.
    @inlinable public var sequenceEnd: UInt32 { sequence &+ sequenceLength }
}

extension Segment {
    /// Builds a segment from a decoded TCP header whose header length is valid.
    @inlinable
    public init(_ view: TCPSegmentView, options: TCPOptionSummary, time: Nanoseconds, packetNumber: Int) {
        self.init(source: view.source, destination: view.destination, sequence: view.tcp.sequence,
                  acknowledgment: view.tcp.acknowledgment, flags: view.tcp.flags, window: view.tcp.window,
                  payloadLength: Swift.max(0, view.payloadLength), options: options, time: time,
                  packetNumber: packetNumber)
        // The datagram as decoded: the declared length, or the frame's for a TSO/BIG TCP segment.
        self.ipLength = view.tcp.offset - view.network.offset + view.segmentLength
    }
}

/// What checking a segment's checksums found.
public enum ChecksumVerdict: UInt8, Sendable {
    /// Not verified (the default; also for a segment not captured whole).
    case unchecked
    case valid
    /// The IPv4 header checksum is wrong: Zeek drops the packet before TCP sees it.
    case badIP
    /// The TCP checksum is wrong: Zeek records 'C' and ignores the segment otherwise.
    case badTCP
}
