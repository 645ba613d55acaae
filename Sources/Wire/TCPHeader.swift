/// A TCP header (RFC 9293 §3.1) read in place. `offset` is from the start of the frame.
public struct TCPHeader: Sendable, Equatable {
    public var offset: Int
    public var sourcePort: UInt16
    public var destinationPort: UInt16
    public var sequence: UInt32
    public var acknowledgment: UInt32
    /// Data offset × 4.
    public var headerLength: Int
    public var flags: TCPFlags
    public var window: UInt16
    public var checksum: UInt16
    public var urgentPointer: UInt16

    @inlinable
    public init(offset: Int, sourcePort: UInt16, destinationPort: UInt16, sequence: UInt32, acknowledgment: UInt32, headerLength: Int, flags: TCPFlags, window: UInt16, checksum: UInt16, urgentPointer: UInt16) {
        self.offset = offset
        self.sourcePort = sourcePort
        self.destinationPort = destinationPort
        self.sequence = sequence
        self.acknowledgment = acknowledgment
        self.headerLength = headerLength
        self.flags = flags
        self.window = window
        self.checksum = checksum
        self.urgentPointer = urgentPointer
    }

    @inlinable public var optionsOffset: Int { offset + 20 }
    @inlinable public var optionsLength: Int { headerLength - 20 }

    /// Reads the 20-byte fixed header; the caller checks `headerLength` against what it needs.
    @inlinable
    public static func readFixed(_ p: UnsafeRawBufferPointer, at offset: Int) -> TCPHeader? {
        guard p.has(offset, 20) else { return nil }
        let offsetAndFlags = p.be16(offset + 12)
        return TCPHeader(
            offset: offset, sourcePort: p.be16(offset), destinationPort: p.be16(offset + 2),
            sequence: p.be32(offset + 4), acknowledgment: p.be32(offset + 8),
            headerLength: Int(offsetAndFlags >> 12) * 4,
            flags: TCPFlags(rawValue: offsetAndFlags & 0x01ff), window: p.be16(offset + 14),
            checksum: p.be16(offset + 16), urgentPointer: p.be16(offset + 18))
    }
}
