/// What one captured frame turned out to be.
public enum DecodedFrame: Sendable {
    /// An IP datagram whose first fragment carries at least the 20-byte fixed TCP header.
    case tcp(TCPSegmentView)
    /// IP says TCP, but fewer than 20 bytes of the TCP header were captured.
    case truncatedTCP(network: NetworkHeader, transportOffset: Int, transportLength: Int)
    /// A TCP datagram's fragment other than the first (IPFragment.swift).
    case laterFragment(IPFragment)
    /// Anything that is not TCP: other EtherTypes, other IP protocols, later fragments.
    case other(OtherFrame)
    /// The link or IP header cannot be read.
    case malformed(DecodeError)
}

/// Non-TCP frames, counted but not printed.
public enum OtherFrame: Sendable, Equatable {
    case etherType(UInt16)
    case ipProtocol(UInt8)
    /// A later fragment of a datagram that is not TCP (a tunnel's, say): not reassembled.
    case laterFragment
    case loopbackFamily(UInt32)
    /// A PPP frame of a protocol that is not a network layer tcpwave decodes (LCP, IPCP...).
    case pppProtocol(UInt16)
    /// A link-level frame that carries no datagram: 802.11 management and control frames,
    /// encrypted or non-SNAP data, ARCNET's ARP.
    case linkControl
}

/// A decoded TCP segment: offsets and fields only, the bytes stay where libpcap put them.
public struct TCPSegmentView: Sendable, Equatable {
    public var network: NetworkHeader
    public var tcp: TCPHeader
    /// TCP header + payload as the IP header declares it.
    public var segmentLength: Int
    /// How many bytes the IP header declares beyond the frame's length on the wire
    /// (tcpdump's "truncated-ip - N bytes missing!").
    public var ipBytesMissing: Int
    /// 0 for TCP not inside a tunnel; else a fingerprint of the tunnel (Encapsulation.swift).
    public var tunnel: UInt64 = 0

    /// Payload bytes; negative when the data offset points past the declared segment.
    @inlinable
    public init(network: NetworkHeader, tcp: TCPHeader, segmentLength: Int, ipBytesMissing: Int) {
        self.network = network
        self.tcp = tcp
        self.segmentLength = segmentLength
        self.ipBytesMissing = ipBytesMissing
    }

    @inlinable public var payloadLength: Int { segmentLength - tcp.headerLength }
    /// The data offset is sane: at least 20 and within the segment.
    @inlinable public var hasValidHeaderLength: Bool {
        tcp.headerLength >= 20 && tcp.headerLength <= segmentLength
    }
    @inlinable public var source: Endpoint { Endpoint(address: network.source, port: tcp.sourcePort) }
    @inlinable public var destination: Endpoint { Endpoint(address: network.destination, port: tcp.destinationPort) }
}

/// Decodes frames of one link type. A value type with no storage beyond the link type, so it
/// is free to copy into the hot loop.
public struct FrameDecoder: Sendable {
    public let linkType: LinkType
    /// Stacked 802.1Q/802.1ad tags beyond this are treated as hostile.
    @inlinable public static var maximumVLANTags: Int { 8 }

    public init(linkType: LinkType) throws(DecodeError) {
        guard linkType.isSupported else { throw .unsupportedLinkType(linkType) }
        self.linkType = linkType
    }

    /// For a link type already known to be supported (PPI's inner frame).
    @usableFromInline init(supported linkType: LinkType) {
        self.linkType = linkType
    }

    /// Decodes `bytes` (the captured part of a frame); `wireLength` is the frame's original length.
    ///
    /// Most frames are TCP in IPv4 in untagged Ethernet and not fragments: those are decoded
    /// here, by a path small enough to be inlined into the per-packet loops; every other frame
    /// (other link types, VLAN tags, IPv6, fragments, tunnels, bad lengths) goes to
    /// `decodeFrame`, out of line. Both give the same result for the frames the fast path takes
    /// (FrameDecoderFastPathTests); the link types, tunnels and fragments made the whole decoder
    /// too large to inline (docs/performance.md).
    @inlinable @inline(__always)
    public func decode(_ bytes: UnsafeRawBufferPointer, wireLength: Int) -> DecodedFrame {
        if linkType == .ethernet, let view = FrameDecoder.plainEthernetIPv4TCP(bytes, wireLength: wireLength) {
            return .tcp(view)
        }
        return decodeFrame(bytes, wireLength: wireLength)
    }

    /// TCP in IPv4 (not a fragment, a sane total length, the 20-byte TCP header captured) in an
    /// Ethernet frame without VLAN tags; nil for anything else.
    @inlinable @inline(__always)
    static func plainEthernetIPv4TCP(_ p: UnsafeRawBufferPointer, wireLength: Int) -> TCPSegmentView? {
        guard p.count >= 34, p.be16(12) == 0x0800 else { return nil }
        let vihl = p.u8(14)
        let headerLength = Int(vihl & 0x0f) * 4
        guard vihl >> 4 == 4, headerLength >= 20, p.count >= 14 + headerLength, p.u8(23) == 6 else { return nil }
        let header = IPv4Header(
            offset: 14, headerLength: headerLength, tos: p.u8(15), totalLength: p.be16(16),
            identification: p.be16(18), flagsAndOffset: p.be16(20), ttl: p.u8(22), proto: 6,
            checksum: p.be16(24), source: p.be32(26), destination: p.be32(30))
        let length = Int(header.totalLength) - headerLength
        guard length >= 20, !header.isFragment, let tcp = TCPHeader.readFixed(p, at: 14 + headerLength) else { return nil }
        let missing = Swift.max(0, Int(header.totalLength) - Swift.max(0, wireLength - 14))
        return TCPSegmentView(network: .ipv4(header), tcp: tcp, segmentLength: length, ipBytesMissing: missing)
    }

    /// Any frame of this link type (`decode` without its fast path).
    @usableFromInline
    func decodeFrame(_ bytes: UnsafeRawBufferPointer, wireLength: Int) -> DecodedFrame {
        let network: NetworkStart
        switch linkNetworkStart(bytes) {
        case .success(let start): network = start
        case .failure(let error): return .malformed(error)
        }
        let linkLength = network.offset
        let onWire = Swift.max(0, wireLength - linkLength)
        switch network.kind {
        case .ipv4:
            return decodeIPv4(bytes, at: network.offset, onWire: onWire)
        case .ipv6:
            return decodeIPv6(bytes, at: network.offset, onWire: onWire)
        case .versionNibble:
            guard bytes.has(network.offset, 1) else {
                return .malformed(.truncated(layer: .link, need: 1, have: 0))
            }
            switch bytes.u8(network.offset) >> 4 {
            case 4: return decodeIPv4(bytes, at: network.offset, onWire: onWire)
            case 6: return decodeIPv6(bytes, at: network.offset, onWire: onWire)
            case let v: return .malformed(.badVersion(layer: .ipv4, version: v))
            }
        case .other(let other):
            return decodeEncapsulated(bytes, other, at: network.offset, onWire: onWire)
        }
    }

    @usableFromInline
    enum NetworkKind { case ipv4, ipv6, versionNibble, other(OtherFrame) }

    @usableFromInline
    struct NetworkStart {
        @usableFromInline var offset: Int
        @usableFromInline var kind: NetworkKind
        @usableFromInline init(offset: Int, kind: NetworkKind) { self.offset = offset; self.kind = kind }
    }

    @inlinable
    func etherKind(_ type: UInt16) -> NetworkKind {
        switch type {
        case 0x0800: return .ipv4
        case 0x86dd: return .ipv6
        default: return .other(.etherType(type))
        }
    }

    /// Walks 802.1Q / 802.1ad tags (any number up to the limit) to the inner EtherType.
    @inlinable @inline(__always)
    func skipVLANTags(_ p: UnsafeRawBufferPointer, type first: UInt16, offset start: Int) -> Result<NetworkStart, DecodeError> {
        var type = first
        var offset = start
        var tags = 0
        while type == 0x8100 || type == 0x88a8 || type == 0x9100 || type == 0x9200 {
            tags += 1
            guard tags <= FrameDecoder.maximumVLANTags else {
                return .failure(.tooManyVLANTags(FrameDecoder.maximumVLANTags))
            }
            guard p.has(offset, 4) else {
                return .failure(.truncated(layer: .vlan, need: 4, have: p.count - offset))
            }
            type = p.be16(offset + 2)
            offset += 4
        }
        return .success(NetworkStart(offset: offset, kind: etherKind(type)))
    }

    @inlinable @inline(__always)
    func linkNetworkStart(_ p: UnsafeRawBufferPointer) -> Result<NetworkStart, DecodeError> {
        switch linkType {
        case .ethernet:
            guard p.has(0, 14) else { return .failure(.truncated(layer: .ethernet, need: 14, have: p.count)) }
            return skipVLANTags(p, type: p.be16(12), offset: 14)
        case .linuxSLL:
            guard p.has(0, 16) else { return .failure(.truncated(layer: .sll, need: 16, have: p.count)) }
            return skipVLANTags(p, type: p.be16(14), offset: 16)
        case .linuxSLL2:
            guard p.has(0, 20) else { return .failure(.truncated(layer: .sll2, need: 20, have: p.count)) }
            return skipVLANTags(p, type: p.be16(0), offset: 20)
        case .null, .loop:
            guard p.has(0, 4) else { return .failure(.truncated(layer: .loopback, need: 4, have: p.count)) }
            var family = linkType == .loop ? p.be32(0) : p.le32(0)
            // DLT_NULL is in the capturing host's byte order; a value with high bits set was
            // written by a host of the other order.
            if linkType == .null && family & 0xffff0000 != 0 { family = family.byteSwapped }
            switch family {
            case 2: return .success(NetworkStart(offset: 4, kind: .ipv4))
            case 10, 24, 28, 30: return .success(NetworkStart(offset: 4, kind: .ipv6))
            default: return .success(NetworkStart(offset: 4, kind: .other(.loopbackFamily(family))))
            }
        case .ipv4:
            return .success(NetworkStart(offset: 0, kind: .ipv4))
        case .ipv6:
            return .success(NetworkStart(offset: 0, kind: .ipv6))
        case .raw, .rawBSD, .rawLinktype:
            return .success(NetworkStart(offset: 0, kind: .versionNibble))
        default:
            return otherLinkNetworkStart(p)
        }
    }

    @inlinable @inline(__always)
    func decodeIPv4(_ p: UnsafeRawBufferPointer, at offset: Int, onWire: Int) -> DecodedFrame {
        let header: IPv4Header
        switch IPv4Header.read(p, at: offset) {
        case .success(let h): header = h
        case .failure(let e): return .malformed(e)
        }
        guard header.proto == 6 else { return decodeEncapsulated(p, .ipv4, at: offset, onWire: onWire) }
        // Like tcpdump, a datagram longer than the frame keeps its declared length (the
        // shortfall is reported); only the captured bytes bound what is read.
        let length = Int(header.totalLength)
        guard length >= header.headerLength else { return badIPv4Length(p, header, onWire: onWire) }
        let missing = Swift.max(0, length - onWire)
        guard header.fragmentOffset == 0 else {
            return .laterFragment(IPFragment(network: .ipv4(header), dataOffset: offset + header.headerLength,
                                             dataLength: length - header.headerLength, ipBytesMissing: missing))
        }
        return transport(p, network: .ipv4(header), at: offset + header.headerLength,
                         length: length - header.headerLength, missing: missing)
    }

    @inlinable
    func decodeIPv6(_ p: UnsafeRawBufferPointer, at offset: Int, onWire: Int) -> DecodedFrame {
        let header: IPv6Header
        switch IPv6Header.read(p, at: offset) {
        case .success(let h): header = h
        case .failure(let e): return .malformed(e)
        }
        guard header.upperProtocol == 6 else { return decodeEncapsulated(p, .ipv6, at: offset, onWire: onWire) }
        let length = header.payloadLength != 0 ? 40 + Int(header.payloadLength) : FrameDecoder.unstatedIPv6Length(p, header, onWire: onWire)
        let missing = Swift.max(0, length - onWire)
        let headers = header.upperOffset - offset
        guard header.fragmentOffset == 0 else {
            return .laterFragment(IPFragment(network: .ipv6(header), dataOffset: header.upperOffset,
                                             dataLength: Swift.max(0, length - headers), ipBytesMissing: missing))
        }
        guard length >= headers else {
            return .malformed(.badTotalLength(layer: .ipv6, length: length, headerLength: headers))
        }
        return transport(p, network: .ipv6(header), at: header.upperOffset, length: length - headers, missing: missing)
    }

    /// Not plain TCP: TCP inside a tunnel (Encapsulation.swift), or not TCP at all.
    @usableFromInline
    func decodeEncapsulated(_ p: UnsafeRawBufferPointer, _ step: Encapsulation.Step, at offset: Int, onWire: Int) -> DecodedFrame {
        Encapsulation.walk(p, decoder: self, from: step, at: offset, length: onWire) { _ in }
    }

    /// A frame of another EtherType: MPLS and PPPoE sessions are walked for TCP inside.
    @usableFromInline
    func decodeEncapsulated(_ p: UnsafeRawBufferPointer, _ other: OtherFrame, at offset: Int, onWire: Int) -> DecodedFrame {
        switch other {
        case .etherType(0x8847), .etherType(0x8848): return decodeEncapsulated(p, .mpls, at: offset, onWire: onWire)
        case .etherType(0x8864): return decodeEncapsulated(p, .pppoe, at: offset, onWire: onWire)
        default: return .other(other)
        }
    }

    /// The TCP header must lie within both the captured bytes and the datagram the IP header
    /// declares: bytes past the datagram (Ethernet padding) are not TCP.
    @inlinable @inline(__always)
    func transport(_ p: UnsafeRawBufferPointer, network: NetworkHeader, at offset: Int, length: Int, missing: Int) -> DecodedFrame {
        guard length >= 20, let tcp = TCPHeader.readFixed(p, at: offset) else {
            return .truncatedTCP(network: network, transportOffset: offset, transportLength: length)
        }
        return .tcp(TCPSegmentView(network: network, tcp: tcp, segmentLength: length, ipBytesMissing: missing))
    }
}
