/// The link types beyond Ethernet, cooked, loopback and raw IP: where each one's network layer
/// starts, read as tcpdump 4.99's printers read them (print-ppp.c, print-chdlc.c,
/// print-802_11.c, print-ppi.c, print-arcnet.c, print-juniper.c, print-ipoib.c).
extension FrameDecoder {
    /// ARCNET system codes (RFC 1051, RFC 1201).
    @usableFromInline static let arcnetIPv4Old: UInt8 = 0xf0, arcnetARPOld: UInt8 = 0xf1,
        arcnetDiagnose: UInt8 = 0x80, arcnetIPv4: UInt8 = 0xd4, arcnetIPv6: UInt8 = 0xc4

    @usableFromInline
    func otherLinkNetworkStart(_ p: UnsafeRawBufferPointer) -> Result<NetworkStart, DecodeError> {
        switch linkType {
        case .ppp:
            // tcpdump needs the 4 bytes of a full PPP header before it reads one.
            guard p.has(0, 4), let header = PPPProtocol.readHeader(p, at: 0) else {
                return .failure(.truncated(layer: .ppp, need: 4, have: p.count))
            }
            return .success(pppStart(header.proto, offset: header.length))
        case .pppHDLC:
            guard p.has(0, 4) else { return .failure(.truncated(layer: .ppp, need: 4, have: p.count)) }
            switch p.u8(0) {
            case 0xff: return .success(pppStart(p.be16(2), offset: 4))
            case 0x0f, 0x8f: return .success(NetworkStart(offset: 4, kind: etherKind(p.be16(2))))
            default: return .success(NetworkStart(offset: 2, kind: .other(.linkControl)))
            }
        case .ciscoHDLC:
            guard p.has(0, 4) else { return .failure(.truncated(layer: .ciscoHDLC, need: 4, have: p.count)) }
            return .success(NetworkStart(offset: 4, kind: etherKind(p.be16(2))))
        case .ieee80211:
            return ieee80211Start(p, at: 0, padded: false)
        case .ieee80211Radiotap:
            guard let length = Radiotap.headerLength(p, at: 0) else {
                return .failure(.truncated(layer: .radiotap, need: Swift.max(8, p.count >= 4 ? Int(p.u8(2)) | Int(p.u8(3)) << 8 : 8), have: p.count))
            }
            let flags = Radiotap.frameFlags(p, at: 0, length: length)
            return ieee80211Start(p, at: length, padded: flags & Radiotap.flagDataPad != 0)
        case .ppi:
            return ppiStart(p)
        case .arcnetLinux:
            // source, destination, a 2-byte offset, the system code; RFC 1201 adds a split flag and
            // a sequence number.
            guard p.has(0, 5) else { return .failure(.truncated(layer: .arcnet, need: 5, have: p.count)) }
            let code = p.u8(4)
            let length = FrameDecoder.arcnetHasShortHeader(code) ? 5 : 8
            guard p.has(0, length) else { return .failure(.truncated(layer: .arcnet, need: length, have: p.count)) }
            return .success(NetworkStart(offset: length, kind: FrameDecoder.arcnetKind(code)))
        case .arcnetBSD:
            guard p.has(0, 3) else { return .failure(.truncated(layer: .arcnet, need: 3, have: p.count)) }
            let code = p.u8(2)
            if FrameDecoder.arcnetHasShortHeader(code) {
                return .success(NetworkStart(offset: 3, kind: FrameDecoder.arcnetKind(code)))
            }
            guard p.has(0, 6) else { return .failure(.truncated(layer: .arcnet, need: 6, have: p.count)) }
            var length = 6
            var split = p.u8(3)
            if split == 0xff {
                // An exception frame: the real flag and sequence number follow a second copy.
                guard p.has(0, 10) else { return .failure(.truncated(layer: .arcnet, need: 10, have: p.count)) }
                split = p.u8(7)
                length = 10
            }
            // A later fragment of a split packet carries no header of its own (tcpdump prints no line).
            if split != 0 && split & 1 == 0 { return .success(NetworkStart(offset: length, kind: .other(.linkControl))) }
            return .success(NetworkStart(offset: length, kind: FrameDecoder.arcnetKind(code)))
        case .juniperEther:
            return juniperStart(p)
        case .ipOverInfiniband:
            // A 40-byte pseudo-header of link addresses, then RFC 4391's type and reserved fields.
            guard p.has(0, 44) else { return .failure(.truncated(layer: .ipoib, need: 44, have: p.count)) }
            return .success(NetworkStart(offset: 44, kind: etherKind(p.be16(40))))
        default:
            return .success(NetworkStart(offset: 0, kind: .versionNibble))
        }
    }

    @inlinable
    func pppStart(_ proto: UInt16, offset: Int) -> NetworkStart {
        guard let type = PPPProtocol.etherType(proto) else { return NetworkStart(offset: offset, kind: .other(.pppProtocol(proto))) }
        return NetworkStart(offset: offset, kind: etherKind(type))
    }

    /// RFC 1051's codes (and diagnostics) have the short header without a split flag.
    @inlinable
    public static func arcnetHasShortHeader(_ code: UInt8) -> Bool {
        code == arcnetIPv4Old || code == arcnetARPOld || code == arcnetDiagnose
    }

    /// The EtherTypes of 802.1Q and 802.1ad tags that `skipVLANTags` walks.
    @inlinable
    public static func isVLANType(_ type: UInt16) -> Bool {
        type == 0x8100 || type == 0x88a8 || type == 0x9100 || type == 0x9200
    }

    @inlinable
    static func arcnetKind(_ code: UInt8) -> NetworkKind {
        switch code {
        case arcnetIPv4, arcnetIPv4Old: return .ipv4
        case arcnetIPv6: return .ipv6
        default: return .other(.linkControl)
        }
    }

    /// An 802.11 frame at `offset`: data frames carry LLC/SNAP, then an EtherType.
    @usableFromInline
    func ieee80211Start(_ p: UnsafeRawBufferPointer, at offset: Int, padded: Bool) -> Result<NetworkStart, DecodeError> {
        guard let header = IEEE80211Header.read(p, at: offset) else {
            return .failure(.truncated(layer: .ieee80211, need: 2, have: Swift.max(0, p.count - offset)))
        }
        guard header.isData, !header.isNullData, !header.isProtected else {
            return .success(NetworkStart(offset: offset, kind: .other(.linkControl)))
        }
        var length = header.headerLength
        if padded { length = (length + 3) & ~3 }
        guard p.has(offset, length) else {
            return .failure(.truncated(layer: .ieee80211, need: length, have: p.count - offset))
        }
        return llcStart(p, at: offset + length)
    }

    /// 802.2 LLC with a SNAP header whose OUI says the protocol is an EtherType.
    @inlinable
    func llcStart(_ p: UnsafeRawBufferPointer, at offset: Int) -> Result<NetworkStart, DecodeError> {
        guard p.has(offset, 3) else { return .failure(.truncated(layer: .llc, need: 3, have: Swift.max(0, p.count - offset))) }
        guard p.u8(offset) & 0xfe == 0xaa, p.u8(offset + 1) & 0xfe == 0xaa, p.u8(offset + 2) == 0x03 else {
            return .success(NetworkStart(offset: offset, kind: .other(.linkControl)))
        }
        guard p.has(offset + 3, 5) else { return .failure(.truncated(layer: .llc, need: 8, have: p.count - offset)) }
        let oui = UInt32(p.u8(offset + 3)) << 16 | UInt32(p.be16(offset + 4))
        // RFC 1042's zero OUI and Cisco's 0x0000f8 both mean "an EtherType follows".
        guard oui == 0 || oui == 0xf8 else { return .success(NetworkStart(offset: offset + 8, kind: .other(.linkControl))) }
        return .success(NetworkStart(offset: offset + 8, kind: etherKind(p.be16(offset + 6))))
    }

    /// PPI: version, flags, a little-endian length and the DLT of the frame that follows.
    @usableFromInline
    func ppiStart(_ p: UnsafeRawBufferPointer) -> Result<NetworkStart, DecodeError> {
        guard p.has(0, 8) else { return .failure(.truncated(layer: .ppi, need: 8, have: p.count)) }
        let length = Int(p.u8(2)) | Int(p.u8(3)) << 8
        guard length >= 8 else { return .failure(.badHeaderLength(layer: .ppi, length: length, minimum: 8)) }
        guard p.has(0, length) else { return .failure(.truncated(layer: .ppi, need: length, have: p.count)) }
        let inner = LinkType(rawValue: Int32(bitPattern: p.le32(4)))
        // One PPI header is the format; a PPI frame inside PPI is hostile, not nested.
        guard inner != .ppi, inner.isSupported else {
            return .success(NetworkStart(offset: length, kind: .other(.linkControl)))
        }
        let decoder = FrameDecoder(supported: inner)
        switch decoder.linkNetworkStart(UnsafeRawBufferPointer(rebasing: p[length...])) {
        case .success(let start): return .success(NetworkStart(offset: length + start.offset, kind: start.kind))
        case .failure(let error): return .failure(error)
        }
    }

    /// Where tcpdump's `-x`/`-X`/`-A` dump starts in a frame whose outermost network header is at
    /// `networkOffset`: tcpdump's own count of the link header, which for two link types is not
    /// the header's length. Its PPP printer counts 4 bytes (PPP_HDRLEN) whatever the header was
    /// (a compressed protocol field, no address and control); its PPI printer counts the inner
    /// link header twice (once from the inner printer, once more in PPI's returned length).
    public func tcpdumpLinkHeaderLength(_ p: UnsafeRawBufferPointer, networkOffset: Int) -> Int {
        switch linkType {
        case .ppp:
            return 4
        case .ppi:
            guard p.has(0, 4) else { return networkOffset }
            let length = Int(p.u8(2)) | Int(p.u8(3)) << 8
            return networkOffset + Swift.max(0, networkOffset - length)
        default:
            return networkOffset
        }
    }

    /// Juniper's capture header ("MGC", flags, optional extension TLVs) before an Ethernet frame.
    @usableFromInline
    func juniperStart(_ p: UnsafeRawBufferPointer) -> Result<NetworkStart, DecodeError> {
        guard let length = FrameDecoder.juniperHeaderLength(p) else {
            return .failure(.badLinkHeader(layer: .juniper, reason: "no magic number or a truncated header"))
        }
        if p.u8(3) & 0x02 != 0 {
            // No layer 2 header: tcpdump guesses from the IP version.
            return .success(NetworkStart(offset: length, kind: .versionNibble))
        }
        guard p.has(length, 14) else { return .failure(.truncated(layer: .ethernet, need: 14, have: Swift.max(0, p.count - length))) }
        switch skipVLANTags(p, type: p.be16(length + 12), offset: length + 14) {
        case .success(let start): return .success(start)
        case .failure(let error): return .failure(error)
        }
    }

    /// The length of Juniper's header: 4 bytes, plus 2 and the extensions' length when flag 0x80
    /// says there are extensions; nil without the magic number or when the header is cut short.
    public static func juniperHeaderLength(_ p: UnsafeRawBufferPointer) -> Int? {
        guard p.has(0, 4), p.u8(0) == 0x4d, p.u8(1) == 0x47, p.u8(2) == 0x43 else { return nil }
        guard p.u8(3) & 0x80 != 0 else { return 4 }
        guard p.has(4, 2) else { return nil }
        let length = 6 + Int(p.be16(4))
        return p.has(0, length) ? length : nil
    }
}

/// The fixed part of an 802.11 MAC header (IEEE 802.11-2020 section 9.2), as tcpdump sizes it.
public struct IEEE80211Header: Sendable, Equatable {
    /// Frame control, little-endian on the wire.
    public var frameControl: UInt16

    @inlinable public init(frameControl: UInt16) { self.frameControl = frameControl }

    @inlinable
    public static func read(_ p: UnsafeRawBufferPointer, at offset: Int) -> IEEE80211Header? {
        guard p.has(offset, 2) else { return nil }
        return IEEE80211Header(frameControl: UInt16(p.u8(offset)) | UInt16(p.u8(offset + 1)) << 8)
    }

    @inlinable public var type: Int { Int(frameControl >> 2) & 3 }
    @inlinable public var subtype: Int { Int(frameControl >> 4) & 0xf }
    @inlinable public var isData: Bool { type == 2 }
    @inlinable public var isNullData: Bool { subtype & 0x4 != 0 }
    @inlinable public var isQoS: Bool { subtype & 0x8 != 0 }
    @inlinable public var toDS: Bool { frameControl & 0x0100 != 0 }
    @inlinable public var fromDS: Bool { frameControl & 0x0200 != 0 }
    @inlinable public var moreFragments: Bool { frameControl & 0x0400 != 0 }
    @inlinable public var retry: Bool { frameControl & 0x0800 != 0 }
    @inlinable public var powerManagement: Bool { frameControl & 0x1000 != 0 }
    @inlinable public var moreData: Bool { frameControl & 0x2000 != 0 }
    @inlinable public var isProtected: Bool { frameControl & 0x4000 != 0 }
    @inlinable public var order: Bool { frameControl & 0x8000 != 0 }

    /// A data frame's header: 24 bytes, 30 with four addresses, 2 more for QoS control.
    @inlinable public var headerLength: Int {
        (toDS && fromDS ? 30 : 24) + (isQoS ? 2 : 0)
    }
}
