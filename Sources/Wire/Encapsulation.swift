/// One header the decoder passed through on the way from the link layer to an inner TCP
/// segment: an outer IP header, UDP, a tunnel header, an inner Ethernet frame, an MPLS label
/// stack, PPPoE or PPP. The printer reads the fields again from `offset`.
public struct EncapsulationLayer: Sendable, Equatable {
    public enum Kind: UInt8, Sendable {
        case ipv4, ipv6, udp, gre, erspan, vxlan, geneve, gtpU, ethernet, mpls, pppoe, ppp
    }
    public var kind: Kind
    /// Where the layer's header starts in the frame.
    public var offset: Int
    /// The bytes the enclosing layer declares for this one (what tcpdump's printer is handed
    /// as its length), header included.
    public var length: Int

    @inlinable
    public init(kind: Kind, offset: Int, length: Int) {
        self.kind = kind
        self.offset = offset
        self.length = length
    }
}

/// TCP inside tunnels: GRE (keys, sequence numbers, checksums, PPTP's enhanced GRE, ERSPAN
/// I/II/III), VXLAN (UDP 4789), Geneve (6081), GTP-U (2152), MPLS label stacks, PPPoE
/// sessions and IP in IP (4in4, 6in4, 4in6, 6in6), nested in any order up to
/// `maximumDepth` headers.
///
/// The frame decoder comes here only for what is not plain TCP (another IP protocol, another
/// EtherType), so untunnelled TCP pays nothing. Each walk also folds what tells one tunnel
/// from another into `TCPSegmentView.tunnel`: the outer address pairs (unordered), GRE keys,
/// VNIs, ERSPAN and PPPoE session ids. Values that differ by direction (MPLS labels, GTP-U
/// TEIDs, PPTP call ids) are left out, or the two halves of one connection would be apart.
public enum Encapsulation {
    /// Headers walked before the frame counts as hostile (`DecodeError.encapsulationTooDeep`).
    /// VXLAN over IPv4 is four (IPv4, UDP, VXLAN, Ethernet); GRE in VXLAN in GRE fits in ten.
    @inlinable public static var maximumDepth: Int { 16 }
    /// MPLS labels in one stack beyond this are hostile.
    @inlinable public static var maximumLabels: Int { 16 }

    public static let vxlanPort: UInt16 = 4789
    public static let genevePort: UInt16 = 6081
    public static let gtpUserPort: UInt16 = 2152

    /// Where the walk goes next.
    /// Where a walk starts or goes next.
    public enum Step: Sendable { case ipv4, ipv6, udp, gre, erspanI, erspan, vxlan, geneve, gtpU, ethernet, mpls, pppoe, ppp }

    /// Walks from `step` at `offset` (with `length` bytes declared for it) to the inner TCP
    /// segment, calling `visit` for each header passed. The TCP segment's view carries the
    /// tunnel fingerprint.
    public static func walk(_ p: UnsafeRawBufferPointer, decoder: FrameDecoder, from step: Step, at offset: Int,
                            length: Int, visit: (EncapsulationLayer) -> Void) -> DecodedFrame {
        var step = step, at = offset, length = Swift.max(0, length)
        var fingerprint: UInt64 = 0x243f_6a88_85a3_08d3
        var depth = 0
        while true {
            depth += 1
            guard depth <= maximumDepth else { return .malformed(.encapsulationTooDeep(maximumDepth)) }
            switch step {
            case .ipv4:
                let h: IPv4Header
                switch IPv4Header.read(p, at: at) {
                case .success(let v): h = v
                case .failure(let e): return .malformed(e)
                }
                if h.proto == 6 {
                    return tagged(decoder.decodeIPv4(p, at: at, onWire: length), fingerprint)
                }
                guard h.fragmentOffset == 0 else { return .other(.laterFragment) }
                let next: Step
                switch h.proto {
                case 4: next = .ipv4
                case 41: next = .ipv6
                case 47: next = .gre
                case 17: next = .udp
                default: return .other(.ipProtocol(h.proto))
                }
                guard Int(h.totalLength) >= h.headerLength else {
                    return .malformed(.badTotalLength(layer: .ipv4, length: Int(h.totalLength), headerLength: h.headerLength))
                }
                visit(EncapsulationLayer(kind: .ipv4, offset: at, length: length))
                fingerprint = fold(fingerprint, mix(UInt64(h.source)) &+ mix(UInt64(h.destination)))
                length = Int(h.totalLength) - h.headerLength
                at += h.headerLength
                step = next
            case .ipv6:
                let h: IPv6Header
                switch IPv6Header.read(p, at: at) {
                case .success(let v): h = v
                case .failure(let e): return .malformed(e)
                }
                if h.upperProtocol == 6 {
                    return tagged(decoder.decodeIPv6(p, at: at, onWire: length), fingerprint)
                }
                guard h.fragmentOffset == 0 else { return .other(.laterFragment) }
                let next: Step
                switch h.upperProtocol {
                case 4: next = .ipv4
                case 41: next = .ipv6
                case 47: next = .gre
                case 17: next = .udp
                default: return .other(.ipProtocol(h.upperProtocol))
                }
                visit(EncapsulationLayer(kind: .ipv6, offset: at, length: length))
                fingerprint = fold(fingerprint, mix(h.sourceHigh ^ mix(h.sourceLow)) &+ mix(h.destinationHigh ^ mix(h.destinationLow)))
                length = Swift.max(0, 40 + Int(h.payloadLength) - (h.upperOffset - at))
                at = h.upperOffset
                step = next
            case .udp:
                guard p.has(at, 8) else { return .other(.ipProtocol(17)) }
                let sport = p.be16(at), dport = p.be16(at + 2)
                let next: Step
                if dport == vxlanPort || sport == vxlanPort { next = .vxlan }
                else if dport == genevePort || sport == genevePort { next = .geneve }
                else if dport == gtpUserPort || sport == gtpUserPort { next = .gtpU }
                else { return .other(.ipProtocol(17)) }
                visit(EncapsulationLayer(kind: .udp, offset: at, length: length))
                at += 8
                length -= 8
                step = next
            case .vxlan:
                guard length >= 8, p.has(at, 8) else { return .other(.ipProtocol(17)) }
                visit(EncapsulationLayer(kind: .vxlan, offset: at, length: length))
                fingerprint = fold(fingerprint, 0x1_0000_0000 | UInt64(p.be32(at + 4) >> 8))
                at += 8
                length -= 8
                step = .ethernet
            case .geneve:
                guard p.has(at, 8), p.u8(at) >> 6 == 0 else { return .other(.ipProtocol(17)) }
                let headerLength = 8 + Int(p.u8(at) & 0x3f) * 4
                guard length >= headerLength, p.has(at, headerLength) else { return .other(.ipProtocol(17)) }
                let next: Step
                switch p.be16(at + 2) {
                case 0x6558: next = .ethernet
                case 0x0800: next = .ipv4
                case 0x86dd: next = .ipv6
                case let type: return .other(.etherType(type))
                }
                visit(EncapsulationLayer(kind: .geneve, offset: at, length: length))
                fingerprint = fold(fingerprint, 0x2_0000_0000 | UInt64(p.be32(at + 4) >> 8))
                at += headerLength
                length -= headerLength
                step = next
            case .gtpU:
                guard let headerLength = gtpUserHeaderLength(p, at: at, length: length) else { return .other(.ipProtocol(17)) }
                guard p.has(at + headerLength, 1) else { return .other(.ipProtocol(17)) }
                let next: Step
                switch p.u8(at + headerLength) >> 4 {
                case 4: next = .ipv4
                case 6: next = .ipv6
                default: return .other(.ipProtocol(17))
                }
                visit(EncapsulationLayer(kind: .gtpU, offset: at, length: length))
                fingerprint = fold(fingerprint, 0x3_0000_0000)
                at += headerLength
                length -= headerLength
                step = next
            case .gre:
                guard p.has(at, 4) else { return .other(.ipProtocol(47)) }
                let flags = p.be16(at), proto = p.be16(at + 2)
                var headerLength = 4
                let next: Step
                switch flags & 7 {
                case 0:
                    // Routing (RFC 1701 source routes) is long obsolete and not followed.
                    guard flags & 0x4000 == 0 else { return .other(.etherType(proto)) }
                    if flags & 0x8000 != 0 { headerLength += 4 }
                    if flags & 0x2000 != 0 {
                        guard p.has(at + headerLength, 4) else { return .other(.ipProtocol(47)) }
                        fingerprint = fold(fingerprint, 0x4_0000_0000 | UInt64(p.be32(at + headerLength)))
                        headerLength += 4
                    }
                    if flags & 0x1000 != 0 { headerLength += 4 }
                    switch proto {
                    case 0x0800: next = .ipv4
                    case 0x86dd: next = .ipv6
                    case 0x8847, 0x8848: next = .mpls
                    case 0x6558: next = .ethernet
                    // ERSPAN type I has no sequence number and no ERSPAN header.
                    case 0x88be: next = flags & 0x1000 != 0 ? .erspan : .erspanI
                    case 0x22eb: next = .erspan
                    default: return .other(.etherType(proto))
                    }
                case 1:
                    // PPTP's enhanced GRE (RFC 2637): the key holds payload length and call id,
                    // which differs by direction; only a segment with a sequence number has data.
                    guard proto == 0x880b, flags & 0x2000 != 0, flags & 0x1000 != 0 else { return .other(.etherType(proto)) }
                    headerLength = 12 + (flags & 0x0080 != 0 ? 4 : 0)
                    next = .ppp
                default:
                    return .other(.etherType(proto))
                }
                guard length >= headerLength, p.has(at, headerLength) else { return .other(.ipProtocol(47)) }
                visit(EncapsulationLayer(kind: .gre, offset: at, length: length))
                fingerprint = fold(fingerprint, 0x5_0000_0000)
                at += headerLength
                length -= headerLength
                step = next
            case .erspanI:
                fingerprint = fold(fingerprint, 0x6_0000_0000)
                step = .ethernet
            case .erspan:
                guard p.has(at, 8) else { return .other(.etherType(0x88be)) }
                var headerLength: Int
                switch p.u8(at) >> 4 {
                case 1: headerLength = 8
                case 2:
                    guard p.has(at, 12) else { return .other(.etherType(0x22eb)) }
                    headerLength = 12 + (p.u8(at + 11) & 1 != 0 ? 8 : 0)
                default: return .other(.etherType(0x88be))
                }
                guard length >= headerLength, p.has(at, headerLength) else { return .other(.etherType(0x88be)) }
                visit(EncapsulationLayer(kind: .erspan, offset: at, length: length))
                fingerprint = fold(fingerprint, 0x7_0000_0000 | UInt64(p.be16(at + 2) & 0x3ff))
                at += headerLength
                length -= headerLength
                step = .ethernet
            case .ethernet:
                guard length >= 14, p.has(at, 14) else { return .other(.etherType(0x6558)) }
                let start: FrameDecoder.NetworkStart
                switch decoder.skipVLANTags(p, type: p.be16(at + 12), offset: at + 14) {
                case .success(let s): start = s
                case .failure(let e): return .malformed(e)
                }
                let next: Step
                switch start.kind {
                case .ipv4: next = .ipv4
                case .ipv6: next = .ipv6
                case .other(.etherType(0x8847)), .other(.etherType(0x8848)): next = .mpls
                case .other(.etherType(0x8864)): next = .pppoe
                case .other(let other): return .other(other)
                case .versionNibble: return .other(.etherType(0))
                }
                visit(EncapsulationLayer(kind: .ethernet, offset: at, length: length))
                length -= start.offset - at
                at = start.offset
                step = next
            case .mpls:
                var labels = 0
                var entry: UInt32 = 0
                let first = at
                repeat {
                    labels += 1
                    guard labels <= maximumLabels else { return .malformed(.tooManyLabels(maximumLabels)) }
                    guard length >= 4, p.has(at, 4) else { return .other(.etherType(0x8847)) }
                    entry = p.be32(at)
                    at += 4
                    length -= 4
                } while entry & 0x100 == 0
                let next: Step
                switch entry >> 12 {
                case 0, 3: next = .ipv4
                case 2: next = .ipv6
                default:
                    guard p.has(at, 1), length >= 1 else { return .other(.etherType(0x8847)) }
                    switch p.u8(at) {
                    case 0x45...0x4f: next = .ipv4
                    case 0x60...0x6f: next = .ipv6
                    default: return .other(.etherType(0x8847))
                    }
                }
                visit(EncapsulationLayer(kind: .mpls, offset: first, length: length + (at - first)))
                fingerprint = fold(fingerprint, 0x8_0000_0000)
                step = next
            case .pppoe:
                // Discovery packets (code != 0) carry tags, not PPP.
                guard length >= 6, p.has(at, 6), p.u8(at + 1) == 0 else { return .other(.etherType(0x8864)) }
                visit(EncapsulationLayer(kind: .pppoe, offset: at, length: length))
                fingerprint = fold(fingerprint, 0x9_0000_0000 | UInt64(p.be16(at + 2)))
                length = Swift.min(Int(p.be16(at + 4)), length - 6)
                at += 6
                step = .ppp
            case .ppp:
                guard let ppp = PPPProtocol.readHeader(p, at: at), ppp.length <= length else { return .other(.etherType(0x880b)) }
                let next: Step
                switch PPPProtocol.etherType(ppp.proto) {
                case 0x0800: next = .ipv4
                case 0x86dd: next = .ipv6
                case 0x8847, 0x8848: next = .mpls
                default: return .other(.etherType(ppp.proto))
                }
                visit(EncapsulationLayer(kind: .ppp, offset: at, length: length))
                at += ppp.length
                length -= ppp.length
                step = next
            }
        }
    }

    /// The GTP-U header's length (version 1, G-PDU) with its optional fields and extension
    /// headers, or nil when it is not a G-PDU or runs past the bytes.
    static func gtpUserHeaderLength(_ p: UnsafeRawBufferPointer, at: Int, length: Int) -> Int? {
        guard length >= 8, p.has(at, 8) else { return nil }
        let flags = p.u8(at)
        guard flags >> 5 == 1, flags & 0x10 != 0, p.u8(at + 1) == 0xff else { return nil }
        guard flags & 0x07 != 0 else { return 8 }
        guard length >= 12, p.has(at, 12) else { return nil }
        var headerLength = 12
        var next = flags & 0x04 != 0 ? p.u8(at + 11) : 0
        var extensions = 0
        while next != 0 {
            extensions += 1
            guard extensions <= 8, p.has(at + headerLength, 1) else { return nil }
            let size = Int(p.u8(at + headerLength)) * 4
            guard size > 0, headerLength + size <= length, p.has(at + headerLength, size) else { return nil }
            headerLength += size
            next = p.u8(at + headerLength - 1)
        }
        return headerLength
    }

    @inline(__always)
    static func mix(_ v: UInt64) -> UInt64 {
        var x = v &* 0x9e37_79b9_7f4a_7c15
        x ^= x >> 31
        return x &* 0xbf58_476d_1ce4_e5b9
    }

    @inline(__always)
    static func fold(_ h: UInt64, _ v: UInt64) -> UInt64 { mix(h ^ v) ^ (h >> 17) }

    static func tagged(_ frame: DecodedFrame, _ fingerprint: UInt64) -> DecodedFrame {
        guard case .tcp(var view) = frame else { return frame }
        view.tunnel = fingerprint | 1
        return .tcp(view)
    }
}

extension FrameDecoder {
    /// The encapsulation headers between the link layer and the inner IP datagram, outermost
    /// first; empty for a frame not in a tunnel. For printers and descriptions, not the hot path.
    public func encapsulationLayers(_ p: UnsafeRawBufferPointer, wireLength: Int) -> [EncapsulationLayer] {
        guard case .success(let start) = linkNetworkStart(p) else { return [] }
        let onWire = Swift.max(0, wireLength - start.offset)
        let step: Encapsulation.Step
        switch start.kind {
        case .ipv4: step = .ipv4
        case .ipv6: step = .ipv6
        case .versionNibble:
            guard p.has(start.offset, 1) else { return [] }
            switch p.u8(start.offset) >> 4 {
            case 4: step = .ipv4
            case 6: step = .ipv6
            default: return []
            }
        case .other(.etherType(0x8847)), .other(.etherType(0x8848)): step = .mpls
        case .other(.etherType(0x8864)): step = .pppoe
        case .other: return []
        }
        var layers: [EncapsulationLayer] = []
        _ = Encapsulation.walk(p, decoder: self, from: step, at: start.offset, length: onWire) { layers.append($0) }
        return layers
    }
}
