/// An IPv6 header (RFC 8200) read in place, with its extension-header chain walked to the
/// upper-layer header. Offsets are from the start of the frame.
public struct IPv6Header: Sendable, Equatable {
    public var offset: Int
    public var trafficClass: UInt8
    public var flowLabel: UInt32
    public var payloadLength: UInt16
    /// The Next Header field of the fixed header.
    public var nextHeader: UInt8
    public var hopLimit: UInt8
    public var sourceHigh: UInt64
    public var sourceLow: UInt64
    public var destinationHigh: UInt64
    public var destinationLow: UInt64
    /// The upper-layer protocol after the extension headers, and where it starts.
    public var upperProtocol: UInt8
    public var upperOffset: Int
    /// Number of extension headers walked (hop-by-hop, routing, fragment, destination options).
    public var extensionCount: Int
    /// Fragment header seen: offset in bytes and the M flag.
    public var fragmentOffset: Int
    public var hasFragmentHeader: Bool
    public var moreFragments: Bool

    @inlinable
    public init(offset: Int, trafficClass: UInt8, flowLabel: UInt32, payloadLength: UInt16, nextHeader: UInt8, hopLimit: UInt8, sourceHigh: UInt64, sourceLow: UInt64, destinationHigh: UInt64, destinationLow: UInt64, upperProtocol: UInt8, upperOffset: Int, extensionCount: Int, fragmentOffset: Int, hasFragmentHeader: Bool, moreFragments: Bool) {
        self.offset = offset
        self.trafficClass = trafficClass
        self.flowLabel = flowLabel
        self.payloadLength = payloadLength
        self.nextHeader = nextHeader
        self.hopLimit = hopLimit
        self.sourceHigh = sourceHigh
        self.sourceLow = sourceLow
        self.destinationHigh = destinationHigh
        self.destinationLow = destinationLow
        self.upperProtocol = upperProtocol
        self.upperOffset = upperOffset
        self.extensionCount = extensionCount
        self.fragmentOffset = fragmentOffset
        self.hasFragmentHeader = hasFragmentHeader
        self.moreFragments = moreFragments
    }

    @inlinable public static var hopByHop: UInt8 { 0 }
    @inlinable public static var routing: UInt8 { 43 }
    @inlinable public static var fragment: UInt8 { 44 }
    @inlinable public static var destinationOptions: UInt8 { 60 }
    @inlinable public static var noNextHeader: UInt8 { 59 }

    @inlinable public var source: IPAddress { IPAddress(ipv6High: sourceHigh, low: sourceLow) }
    @inlinable public var destination: IPAddress { IPAddress(ipv6High: destinationHigh, low: destinationLow) }

    /// Extension headers longer than this many are treated as hostile.
    @inlinable public static var maximumExtensionHeaders: Int { 16 }

    @inlinable
    public static func read(_ p: UnsafeRawBufferPointer, at offset: Int) -> Result<IPv6Header, DecodeError> {
        guard p.has(offset, 40) else {
            return .failure(.truncated(layer: .ipv6, need: 40, have: Swift.max(0, p.count - offset)))
        }
        let word = p.be32(offset)
        guard word >> 28 == 6 else { return .failure(.badVersion(layer: .ipv6, version: UInt8(word >> 28))) }
        var h = IPv6Header(
            offset: offset, trafficClass: UInt8(truncatingIfNeeded: word >> 20), flowLabel: word & 0xfffff,
            payloadLength: p.be16(offset + 4), nextHeader: p.u8(offset + 6), hopLimit: p.u8(offset + 7),
            sourceHigh: p.be64(offset + 8), sourceLow: p.be64(offset + 16),
            destinationHigh: p.be64(offset + 24), destinationLow: p.be64(offset + 32),
            upperProtocol: p.u8(offset + 6), upperOffset: offset + 40, extensionCount: 0,
            fragmentOffset: 0, hasFragmentHeader: false, moreFragments: false)
        // The payload as declared bounds the walk, so a chain cannot run past the packet's end.
        let payloadEnd = offset + 40 + Int(h.payloadLength)
        while true {
            let next = h.upperProtocol
            guard next == hopByHop || next == routing || next == fragment || next == destinationOptions else { break }
            // RFC 8200 §4.1: hop-by-hop options may only come first.
            guard next != hopByHop || h.extensionCount == 0 else {
                return .failure(.extensionChain(reason: "hop-by-hop options header after another extension header"))
            }
            guard h.extensionCount < maximumExtensionHeaders else {
                return .failure(.extensionChain(reason: "more than \(maximumExtensionHeaders) extension headers"))
            }
            let at = h.upperOffset
            guard p.has(at, 8) else {
                return .failure(.truncated(layer: .ipv6Extension, need: 8, have: Swift.max(0, p.count - at)))
            }
            let length = next == fragment ? 8 : (Int(p.u8(at + 1)) + 1) * 8
            if h.payloadLength != 0 && at + length > payloadEnd {
                return .failure(.extensionChain(reason: "extension header \(next) of \(length) bytes overruns the payload length \(h.payloadLength)"))
            }
            if next == fragment {
                let fo = p.be16(at + 2)
                h.hasFragmentHeader = true
                h.fragmentOffset = Int(fo & 0xfff8)
                h.moreFragments = fo & 1 != 0
            }
            h.upperProtocol = p.u8(at)
            h.upperOffset = at + length
            h.extensionCount += 1
            if next == fragment && h.fragmentOffset != 0 { break }
        }
        return .success(h)
    }
}
