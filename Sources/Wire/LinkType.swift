/// A libpcap data-link type (DLT value as returned by `pcap_datalink`).
public struct LinkType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let null = LinkType(rawValue: 0)
    public static let ethernet = LinkType(rawValue: 1)
    /// DLT_RAW is 12 on most systems, 14 on some BSDs; 101 is the file-format value.
    public static let raw = LinkType(rawValue: 12)
    public static let rawBSD = LinkType(rawValue: 14)
    public static let rawLinktype = LinkType(rawValue: 101)
    public static let loop = LinkType(rawValue: 108)
    public static let linuxSLL = LinkType(rawValue: 113)
    public static let ipv4 = LinkType(rawValue: 228)
    public static let ipv6 = LinkType(rawValue: 229)
    public static let linuxSLL2 = LinkType(rawValue: 276)

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
