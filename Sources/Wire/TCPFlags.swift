/// The TCP control bits (the low 8 bits of byte 13, plus the AE/NS bit from byte 12).
public struct TCPFlags: OptionSet, Hashable, Sendable {
    public var rawValue: UInt16
    @inlinable public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let fin = TCPFlags(rawValue: 0x001)
    public static let syn = TCPFlags(rawValue: 0x002)
    public static let rst = TCPFlags(rawValue: 0x004)
    public static let psh = TCPFlags(rawValue: 0x008)
    public static let ack = TCPFlags(rawValue: 0x010)
    public static let urg = TCPFlags(rawValue: 0x020)
    public static let ece = TCPFlags(rawValue: 0x040)
    public static let cwr = TCPFlags(rawValue: 0x080)
    /// The AccECN / former NS bit (RFC 3540, RFC 9768).
    public static let ae = TCPFlags(rawValue: 0x100)

    /// The eight classic bits, as tcpdump 4.99 prints them.
    @inlinable public var classic: UInt8 { UInt8(truncatingIfNeeded: rawValue) }
}
