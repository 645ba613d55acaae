/// The TCP control bits (the low 8 bits of byte 13, plus the AE/NS bit from byte 12).
public struct TCPFlags: OptionSet, Hashable, Sendable {
    public var rawValue: UInt16
    @inlinable public init(rawValue: UInt16) { self.rawValue = rawValue }

    @inlinable public static var fin: TCPFlags { TCPFlags(rawValue: 0x001) }
    @inlinable public static var syn: TCPFlags { TCPFlags(rawValue: 0x002) }
    @inlinable public static var rst: TCPFlags { TCPFlags(rawValue: 0x004) }
    @inlinable public static var psh: TCPFlags { TCPFlags(rawValue: 0x008) }
    @inlinable public static var ack: TCPFlags { TCPFlags(rawValue: 0x010) }
    @inlinable public static var urg: TCPFlags { TCPFlags(rawValue: 0x020) }
    @inlinable public static var ece: TCPFlags { TCPFlags(rawValue: 0x040) }
    @inlinable public static var cwr: TCPFlags { TCPFlags(rawValue: 0x080) }
    /// The AccECN / former NS bit (RFC 3540, RFC 9768).
    @inlinable public static var ae: TCPFlags { TCPFlags(rawValue: 0x100) }

    /// The eight classic bits, as tcpdump 4.99 prints them.
    @inlinable public var classic: UInt8 { UInt8(truncatingIfNeeded: rawValue) }
}
