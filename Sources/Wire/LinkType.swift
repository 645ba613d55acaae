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

    /// The link types the decoder understands, in the order users meet them.
    public static let supported: [LinkType] = [
        .ethernet, .linuxSLL, .linuxSLL2, .null, .loop, .raw, .ipv4, .ipv6,
    ]

    public var isSupported: Bool {
        switch self {
        case .null, .ethernet, .raw, .rawBSD, .rawLinktype, .loop, .linuxSLL, .ipv4, .ipv6, .linuxSLL2:
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
        default: return "DLT \(rawValue)"
        }
    }

    public var description: String { name }

    public static var supportedNames: String {
        supported.map(\.name).joined(separator: ", ")
    }
}
