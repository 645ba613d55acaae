/// A libpcap data-link type (DLT value as returned by `pcap_datalink`).
public struct LinkType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    @inlinable public static var null: LinkType { LinkType(rawValue: 0) }
    @inlinable public static var ethernet: LinkType { LinkType(rawValue: 1) }
    /// DLT_RAW is 12 on most systems, 14 on some BSDs; 101 is the file-format value.
    @inlinable public static var raw: LinkType { LinkType(rawValue: 12) }
    @inlinable public static var rawBSD: LinkType { LinkType(rawValue: 14) }
    @inlinable public static var rawLinktype: LinkType { LinkType(rawValue: 101) }
    @inlinable public static var loop: LinkType { LinkType(rawValue: 108) }
    @inlinable public static var linuxSLL: LinkType { LinkType(rawValue: 113) }
    @inlinable public static var ipv4: LinkType { LinkType(rawValue: 228) }
    @inlinable public static var ipv6: LinkType { LinkType(rawValue: 229) }
    @inlinable public static var linuxSLL2: LinkType { LinkType(rawValue: 276) }
    @inlinable public static var arcnetBSD: LinkType { LinkType(rawValue: 7) }
    @inlinable public static var ppp: LinkType { LinkType(rawValue: 9) }
    /// PPP in HDLC-like framing (RFC 1662), DLT_PPP_SERIAL.
    @inlinable public static var pppHDLC: LinkType { LinkType(rawValue: 50) }
    @inlinable public static var ciscoHDLC: LinkType { LinkType(rawValue: 104) }
    @inlinable public static var ieee80211: LinkType { LinkType(rawValue: 105) }
    @inlinable public static var ieee80211Radiotap: LinkType { LinkType(rawValue: 127) }
    @inlinable public static var arcnetLinux: LinkType { LinkType(rawValue: 129) }
    @inlinable public static var juniperEther: LinkType { LinkType(rawValue: 178) }
    /// Per-Packet Information: a header, then a frame of the link type it names.
    @inlinable public static var ppi: LinkType { LinkType(rawValue: 192) }
    @inlinable public static var ipOverInfiniband: LinkType { LinkType(rawValue: 242) }

    /// The link types the decoder understands, in the order users meet them.
    public static let supported: [LinkType] = [
        .ethernet, .linuxSLL, .linuxSLL2, .null, .loop, .raw, .ipv4, .ipv6,
        .ppp, .pppHDLC, .ciscoHDLC, .ieee80211, .ieee80211Radiotap, .ppi, .arcnetBSD, .arcnetLinux,
        .juniperEther, .ipOverInfiniband,
    ]

    public var isSupported: Bool {
        switch self {
        case .null, .ethernet, .raw, .rawBSD, .rawLinktype, .loop, .linuxSLL, .ipv4, .ipv6, .linuxSLL2,
             .ppp, .pppHDLC, .ciscoHDLC, .ieee80211, .ieee80211Radiotap, .ppi, .arcnetBSD, .arcnetLinux,
             .juniperEther, .ipOverInfiniband:
            return true
        default:
            return false
        }
    }

    /// libpcap's name for the type (`pcap_datalink_val_to_name`), for messages.
    public var name: String {
        switch self {
        case .null: return "NULL"
        case .ethernet: return "EN10MB"
        case .raw, .rawBSD, .rawLinktype: return "RAW"
        case .loop: return "LOOP"
        case .linuxSLL: return "LINUX_SLL"
        case .ipv4: return "IPV4"
        case .ipv6: return "IPV6"
        case .linuxSLL2: return "LINUX_SLL2"
        case .arcnetBSD: return "ARCNET"
        case .ppp: return "PPP"
        case .pppHDLC: return "PPP_SERIAL"
        case .ciscoHDLC: return "C_HDLC"
        case .ieee80211: return "IEEE802_11"
        case .ieee80211Radiotap: return "IEEE802_11_RADIO"
        case .arcnetLinux: return "ARCNET_LINUX"
        case .juniperEther: return "JUNIPER_ETHER"
        case .ppi: return "PPI"
        case .ipOverInfiniband: return "IPOIB"
        default: return "DLT \(rawValue)"
        }
    }

    public var description: String { name }

    public static var supportedNames: String {
        supported.map(\.name).joined(separator: ", ")
    }
}
