/// An IPv4 header read in place (RFC 791). Offsets are from the start of the frame.
public struct IPv4Header: Sendable, Equatable {
    public var offset: Int
    /// IHL × 4, already checked to be ≥ 20 and captured.
    public var headerLength: Int
    public var tos: UInt8
    public var totalLength: UInt16
    public var identification: UInt16
    /// Flags (top 3 bits) and fragment offset in 8-byte units (low 13 bits), as on the wire.
    public var flagsAndOffset: UInt16
    public var ttl: UInt8
    public var proto: UInt8
    public var checksum: UInt16
    public var source: UInt32
    public var destination: UInt32

    @inlinable
    public init(offset: Int, headerLength: Int, tos: UInt8, totalLength: UInt16, identification: UInt16, flagsAndOffset: UInt16, ttl: UInt8, proto: UInt8, checksum: UInt16, source: UInt32, destination: UInt32) {
        self.offset = offset
        self.headerLength = headerLength
        self.tos = tos
        self.totalLength = totalLength
        self.identification = identification
        self.flagsAndOffset = flagsAndOffset
        self.ttl = ttl
        self.proto = proto
        self.checksum = checksum
        self.source = source
        self.destination = destination
    }

    @inlinable public var fragmentOffset: Int { Int(flagsAndOffset & 0x1fff) * 8 }
    @inlinable public var moreFragments: Bool { flagsAndOffset & 0x2000 != 0 }
    @inlinable public var dontFragment: Bool { flagsAndOffset & 0x4000 != 0 }
    @inlinable public var reservedFlag: Bool { flagsAndOffset & 0x8000 != 0 }
    @inlinable public var isFragment: Bool { flagsAndOffset & 0x3fff != 0 }
    @inlinable public var optionsLength: Int { headerLength - 20 }

    /// Reads the fixed header at `offset`; nil with the reason when it cannot be an IPv4 header.
    @inlinable @inline(__always)
    public static func read(_ p: UnsafeRawBufferPointer, at offset: Int) -> Result<IPv4Header, DecodeError> {
        guard p.has(offset, 20) else {
            return .failure(.truncated(layer: .ipv4, need: 20, have: Swift.max(0, p.count - offset)))
        }
        let vihl = p.u8(offset)
        guard vihl >> 4 == 4 else { return .failure(.badVersion(layer: .ipv4, version: vihl >> 4)) }
        let hlen = Int(vihl & 0x0f) * 4
        guard hlen >= 20 else { return .failure(.badHeaderLength(layer: .ipv4, length: hlen, minimum: 20)) }
        guard p.has(offset, hlen) else {
            return .failure(.truncated(layer: .ipv4, need: hlen, have: p.count - offset))
        }
        return .success(IPv4Header(
            offset: offset, headerLength: hlen, tos: p.u8(offset + 1), totalLength: p.be16(offset + 2),
            identification: p.be16(offset + 4), flagsAndOffset: p.be16(offset + 6), ttl: p.u8(offset + 8),
            proto: p.u8(offset + 9), checksum: p.be16(offset + 10), source: p.be32(offset + 12),
            destination: p.be32(offset + 16)))
    }
}
