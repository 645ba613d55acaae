/// The Internet checksum (RFC 1071), accumulated over big-endian 16-bit words.
public struct InternetChecksum: Sendable {
    public var sum: UInt64 = 0

    @inlinable public init() {}

    /// Adds `count` bytes starting at `offset`; an odd final byte is padded with zero.
    @inlinable
    public mutating func add(_ p: UnsafeRawBufferPointer, offset: Int, count: Int) {
        var i = offset
        let end = offset + count
        var s = sum
        while i + 1 < end {
            s &+= UInt64(p.be16(i))
            i += 2
        }
        if i < end { s &+= UInt64(p.u8(i)) << 8 }
        sum = s
    }

    @inlinable
    public mutating func add(bytes: [UInt8]) {
        bytes.withUnsafeBytes { add($0, offset: 0, count: $0.count) }
    }

    @inlinable public mutating func add(be16 v: UInt16) { sum &+= UInt64(v) }
    @inlinable public mutating func add(be32 v: UInt32) { sum &+= UInt64(v >> 16) &+ UInt64(v & 0xffff) }
    @inlinable public mutating func add(be64 w: UInt64) {
        sum &+= (w >> 48) &+ (w >> 32 & 0xffff) &+ (w >> 16 & 0xffff) &+ (w & 0xffff)
    }
    @inlinable public mutating func add(address a: IPAddress) {
        if a.isIPv6 {
            add(be64: a.high)
            add(be64: a.low)
        } else {
            add(be32: a.ipv4)
        }
    }

    /// The folded one's-complement sum, before complementing.
    @inlinable public var folded: UInt16 {
        var s = sum
        while s >> 16 != 0 { s = (s & 0xffff) &+ (s >> 16) }
        return UInt16(s)
    }

    /// The checksum value to store in a header: the complement of the folded sum.
    @inlinable public var value: UInt16 { ~folded }

    /// Over data that includes its checksum field: zero when the checksum is right.
    @inlinable public var residue: UInt16 { ~folded }

    /// What the checksum field should have held, given the field's value and the residue
    /// (tcpdump's `in_cksum_shouldbe`).
    @inlinable
    public static func shouldBe(field: UInt16, residue: UInt16) -> UInt16 {
        var s = UInt32(field) &+ UInt32(residue)
        s = (s & 0xffff) &+ (s >> 16)
        s = (s & 0xffff) &+ (s >> 16)
        return UInt16(truncatingIfNeeded: s)
    }
}
