import Wire

/// A TCP option to put in a crafted header.
public enum CraftedOption: Sendable, Equatable {
    case mss(UInt16)
    case windowScale(UInt8)
    case sackPermitted
    case sack([(UInt32, UInt32)])
    case timestamp(UInt32, UInt32)
    case nop
    case eol
    /// Any kind with raw data (length byte is computed unless `rawLength` overrides it).
    case raw(kind: UInt8, data: [UInt8], rawLength: UInt8? = nil)

    public static func == (a: CraftedOption, b: CraftedOption) -> Bool { a.bytes == b.bytes }

    public var bytes: [UInt8] {
        switch self {
        case .mss(let v): return [2, 4, UInt8(v >> 8), UInt8(v & 0xff)]
        case .windowScale(let v): return [3, 3, v]
        case .sackPermitted: return [4, 2]
        case .sack(let blocks):
            var out: [UInt8] = [5, UInt8(2 + 8 * blocks.count)]
            for (l, r) in blocks { out += be32(l) + be32(r) }
            return out
        case .timestamp(let v, let e): return [8, 10] + be32(v) + be32(e)
        case .nop: return [1]
        case .eol: return [0]
        case let .raw(kind, data, rawLength): return [kind, rawLength ?? UInt8(2 + data.count)] + data
        }
    }
}

@inline(__always) func be32(_ v: UInt32) -> [UInt8] {
    [UInt8(v >> 24), UInt8(v >> 16 & 0xff), UInt8(v >> 8 & 0xff), UInt8(v & 0xff)]
}

@inline(__always) func be16(_ v: UInt16) -> [UInt8] { [UInt8(v >> 8), UInt8(v & 0xff)] }

/// The fields of a crafted TCP segment.
public struct CraftedSegment: Sendable {
    public var source: Endpoint
    public var destination: Endpoint
    public var sequence: UInt32
    public var acknowledgment: UInt32
    public var flags: TCPFlags
    public var window: UInt16 = 64240
    public var options: [CraftedOption] = []
    public var payload: [UInt8] = []
    public var ttl: UInt8 = 64
    public var ipID: UInt16 = 0
    public var dontFragment = true

    public init(source: Endpoint, destination: Endpoint, sequence: UInt32, acknowledgment: UInt32,
                flags: TCPFlags, window: UInt16 = 64240, options: [CraftedOption] = [], payload: [UInt8] = []) {
        self.source = source
        self.destination = destination
        self.sequence = sequence
        self.acknowledgment = acknowledgment
        self.flags = flags
        self.window = window
        self.options = options
        self.payload = payload
    }
}

/// Builds link + IP + TCP frames with valid checksums.
public enum FrameBuilder {
    /// The TCP header and payload, checksummed against the IP pseudo-header.
    public static func tcpBytes(_ s: CraftedSegment) -> [UInt8] {
        var options = s.options.flatMap(\.bytes)
        while options.count % 4 != 0 { options.append(0) }
        let headerLength = 20 + options.count
        var tcp: [UInt8] = be16(s.source.port) + be16(s.destination.port) + be32(s.sequence) + be32(s.acknowledgment)
        let offsetFlags = UInt16(headerLength / 4) << 12 | (s.flags.rawValue & 0x1ff)
        tcp += be16(offsetFlags) + be16(s.window) + [0, 0] + [0, 0]
        tcp += options
        tcp += s.payload
        var sum = InternetChecksum()
        sum.add(address: s.source.address)
        sum.add(address: s.destination.address)
        sum.add(be32: UInt32(tcp.count))
        sum.add(be16: 6)
        sum.add(bytes: tcp)
        let c = sum.value
        tcp[16] = UInt8(c >> 8)
        tcp[17] = UInt8(c & 0xff)
        return tcp
    }

    public static func addressBytes(_ a: IPAddress) -> [UInt8] {
        if a.isIPv6 {
            var out: [UInt8] = []
            for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(a.high >> UInt64(shift) & 0xff)) }
            for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(a.low >> UInt64(shift) & 0xff)) }
            return out
        }
        return be32(a.ipv4)
    }

    /// An IPv4 or IPv6 datagram carrying the segment.
    public static func ipBytes(_ s: CraftedSegment) -> [UInt8] {
        let tcp = tcpBytes(s)
        if s.source.address.isIPv6 {
            var ip: [UInt8] = [0x60, 0, 0, 0] + be16(UInt16(tcp.count)) + [6, s.ttl]
            ip += addressBytes(s.source.address) + addressBytes(s.destination.address)
            return ip + tcp
        }
        var ip: [UInt8] = [0x45, 0] + be16(UInt16(20 + tcp.count)) + be16(s.ipID)
        ip += be16(s.dontFragment ? 0x4000 : 0) + [s.ttl, 6, 0, 0]
        ip += addressBytes(s.source.address) + addressBytes(s.destination.address)
        var sum = InternetChecksum()
        sum.add(bytes: ip)
        let c = sum.value
        ip[10] = UInt8(c >> 8)
        ip[11] = UInt8(c & 0xff)
        return ip + tcp
    }

    /// An Ethernet II frame with made-up MAC addresses derived from the IP endpoints.
    public static func ethernetFrame(_ s: CraftedSegment) -> [UInt8] {
        let src: [UInt8] = [0x02, 0x00] + be32(UInt32(truncatingIfNeeded: s.source.address.low))
        let dst: [UInt8] = [0x02, 0x00] + be32(UInt32(truncatingIfNeeded: s.destination.address.low))
        let type: [UInt8] = s.source.address.isIPv6 ? [0x86, 0xdd] : [0x08, 0x00]
        return dst + src + type + ipBytes(s)
    }
}
