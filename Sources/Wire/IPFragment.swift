/// A fragment of a TCP datagram other than the first: tcpdump prints its IP part only
/// (`IP a > b: ip-proto-6`, `IP6 a > b: frag (off|len)`), and FragmentReassembler joins it to the
/// others of its datagram.
public struct IPFragment: Sendable, Equatable {
    public var network: NetworkHeader
    /// Where the fragment's data starts in the frame, and its length as the IP header declares it
    /// (the captured part may be shorter).
    public var dataOffset: Int
    public var dataLength: Int
    /// How many bytes the IP header declares beyond the frame's length on the wire.
    public var ipBytesMissing: Int

    @inlinable
    public init(network: NetworkHeader, dataOffset: Int, dataLength: Int, ipBytesMissing: Int) {
        self.network = network
        self.dataOffset = dataOffset
        self.dataLength = dataLength
        self.ipBytesMissing = ipBytesMissing
    }
}

extension NetworkHeader {
    /// The header is an IP fragment (first or later; not an IPv6 atomic fragment, which is whole).
    @inlinable public var isFragment: Bool {
        switch self {
        case .ipv4(let h): return h.isFragment
        case .ipv6(let h): return h.hasFragmentHeader && (h.moreFragments || h.fragmentOffset != 0)
        }
    }

    /// The header states no usable length and the decoder took it from the frame: an IPv4 total
    /// length shorter than the header (tcpdump: `IP bad-len N`; 0 is a segment captured before
    /// TCP segmentation offload), or an IPv6 payload length of 0 without a Jumbo Payload option
    /// (BIG TCP; tcpdump: `[|tcp]`).
    @inlinable public var lengthIsUnstated: Bool {
        switch self {
        case .ipv4(let h): return Int(h.totalLength) < h.headerLength
        // A payload length of 0 after a hop-by-hop header got its length from a valid Jumbo
        // Payload option (the decoder refuses it otherwise).
        case .ipv6(let h): return h.payloadLength == 0 && h.nextHeader != IPv6Header.hopByHop
        }
    }
}

extension FrameDecoder {
    /// An IPv4 TCP datagram whose total length is shorter than its header. Length 0 is what a
    /// capture on the sending host shows of a TSO/GSO segment: like tshark and Zeek, its length
    /// comes from the frame, so the connection loses nothing. Any other such length is only
    /// printed (tcpdump's `IP bad-len N`).
    @usableFromInline
    func badIPv4Length(_ p: UnsafeRawBufferPointer, _ header: IPv4Header, onWire: Int) -> DecodedFrame {
        let start = header.offset + header.headerLength
        guard header.totalLength == 0, !header.isFragment else {
            return .truncatedTCP(network: .ipv4(header), transportOffset: start, transportLength: 0)
        }
        return transport(p, network: .ipv4(header), at: start, length: Swift.max(0, onWire - header.headerLength), missing: 0)
    }

    /// The datagram length of an IPv6 packet whose payload length is 0: 40 + the Jumbo Payload
    /// option's length (RFC 2675), else, with no hop-by-hop header at all, what the frame holds
    /// (BIG TCP segments captured on the sending host carry neither). A hop-by-hop header without
    /// a valid option leaves 40, which the caller rejects.
    @usableFromInline
    static func unstatedIPv6Length(_ p: UnsafeRawBufferPointer, _ header: IPv6Header, onWire: Int) -> Int {
        guard header.nextHeader == IPv6Header.hopByHop else { return Swift.max(40, onWire) }
        // The decoder walked the hop-by-hop header, so its first 8 bytes are captured.
        let at = header.offset + 40
        let end = Swift.min(at + (Int(p.u8(at + 1)) + 1) * 8, p.count)
        let jumbo = IPv6Header.jumboOption(p, start: at + 2, end: end)
        return jumbo == 0 ? 40 : 40 + Int(jumbo)
    }
}

extension IPv6Header {
    /// The fragment header's Identification, from the bytes the decoder walked.
    public func fragmentIdentification(_ p: UnsafeRawBufferPointer) -> UInt32 {
        var next = nextHeader
        var at = offset + 40
        for _ in 0..<extensionCount {
            guard p.has(at, 8) else { return 0 }
            if next == IPv6Header.fragment { return p.be32(at + 4) }
            let length = (Int(p.u8(at + 1)) + 1) * 8
            next = p.u8(at)
            at += length
        }
        return 0
    }

    /// The value of a Jumbo Payload option (type 0xC2, 4 bytes) among the hop-by-hop options in
    /// `start..<end`, when it is valid (more than 65,535, as RFC 2675 requires); else 0.
    @usableFromInline
    static func jumboOption(_ p: UnsafeRawBufferPointer, start: Int, end: Int) -> UInt32 {
        var i = start
        while i < end {
            let type = p.u8(i)
            if type == 0 { i += 1; continue }
            guard i + 1 < end else { return 0 }
            let length = Int(p.u8(i + 1))
            if type == 0xc2 && length == 4 && i + 6 <= end {
                let value = p.be32(i + 2)
                return value > 65535 ? value : 0
            }
            i += 2 + length
        }
        return 0
    }
}

extension FrameDecoder {
    /// Decodes a datagram FragmentReassembler put together: an IP header, then TCP.
    public static func decodeReassembled(_ datagram: UnsafeRawBufferPointer) -> DecodedFrame {
        reassembled.decode(datagram, wireLength: datagram.count)
    }

    /// The decoder of reassembled datagrams (raw IP).
    public static var reassembled: FrameDecoder { FrameDecoder(reassembled: ()) }

    init(reassembled: Void) { self.linkType = .raw }
}
