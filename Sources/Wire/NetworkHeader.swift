/// The network-layer header under a TCP segment.
public enum NetworkHeader: Sendable, Equatable {
    case ipv4(IPv4Header)
    case ipv6(IPv6Header)

    @inlinable public var source: IPAddress {
        switch self {
        case .ipv4(let h): return IPAddress(ipv4: h.source)
        case .ipv6(let h): return h.source
        }
    }

    @inlinable public var destination: IPAddress {
        switch self {
        case .ipv4(let h): return IPAddress(ipv4: h.destination)
        case .ipv6(let h): return h.destination
        }
    }

    @inlinable public var offset: Int {
        switch self {
        case .ipv4(let h): return h.offset
        case .ipv6(let h): return h.offset
        }
    }

    /// Bytes of the IP datagram as its header declares them (IPv4 total length, IPv6 40 + payload).
    @inlinable public var declaredLength: Int {
        switch self {
        case .ipv4(let h): return Int(h.totalLength)
        case .ipv6(let h): return 40 + Int(h.payloadLength)
        }
    }
}
