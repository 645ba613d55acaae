/// TCP option kinds (IANA "TCP Option Kind Numbers").
public enum TCPOptionKind {
    @inlinable public static var eol: UInt8 { 0 }
    @inlinable public static var nop: UInt8 { 1 }
    @inlinable public static var mss: UInt8 { 2 }
    @inlinable public static var windowScale: UInt8 { 3 }
    @inlinable public static var sackPermitted: UInt8 { 4 }
    @inlinable public static var sack: UInt8 { 5 }
    @inlinable public static var echo: UInt8 { 6 }
    @inlinable public static var echoReply: UInt8 { 7 }
    @inlinable public static var timestamp: UInt8 { 8 }
    @inlinable public static var cc: UInt8 { 11 }
    @inlinable public static var ccNew: UInt8 { 12 }
    @inlinable public static var ccEcho: UInt8 { 13 }
    @inlinable public static var md5: UInt8 { 19 }
    @inlinable public static var scps: UInt8 { 20 }
    @inlinable public static var snack: UInt8 { 21 }
    @inlinable public static var recordBoundary: UInt8 { 22 }
    @inlinable public static var corruption: UInt8 { 23 }
    @inlinable public static var userTimeout: UInt8 { 28 }
    @inlinable public static var tcpAO: UInt8 { 29 }
    @inlinable public static var mptcp: UInt8 { 30 }
    @inlinable public static var fastOpen: UInt8 { 34 }
    @inlinable public static var experiment2: UInt8 { 254 }
}

/// The options a connection's tracking cares about, pulled from a header in one pass.
public struct TCPOptionSummary: Sendable, Equatable {
    public var mss: UInt16? = nil
    public var windowScale: UInt8? = nil
    public var sackPermitted = false
    public var sackBlocks = 0
    /// The edges of the first SACK block (the most recently received data, RFC 2018 4), for
    /// the time-sequence graph; both 0 without one.
    public var sackFirstLeft: UInt32 = 0
    public var sackFirstRight: UInt32 = 0
    public var timestampValue: UInt32? = nil
    public var timestampEcho: UInt32? = nil
    public var fastOpen = false
    public var mptcp = false
    public var malformed = false

    public init() {}

    /// Reads the options of `tcp` from `p`, stopping quietly at the end of what was captured.
    @inlinable
    public init(_ p: UnsafeRawBufferPointer, tcp: TCPHeader) {
        var at = tcp.optionsOffset
        let end = Swift.min(tcp.offset + tcp.headerLength, p.count)
        while at < end {
            let kind = p.u8(at)
            if kind == TCPOptionKind.eol { break }
            if kind == TCPOptionKind.nop { at += 1; continue }
            guard at + 1 < end else { malformed = true; break }
            let length = Int(p.u8(at + 1))
            guard length >= 2, at + length <= end else { malformed = true; break }
            switch kind {
            case TCPOptionKind.mss where length == 4: mss = p.be16(at + 2)
            case TCPOptionKind.windowScale where length == 3: windowScale = p.u8(at + 2)
            case TCPOptionKind.sackPermitted: sackPermitted = true
            case TCPOptionKind.sack:
                sackBlocks = (length - 2) / 8
                if length >= 10 {
                    sackFirstLeft = p.be32(at + 2)
                    sackFirstRight = p.be32(at + 6)
                }
            case TCPOptionKind.timestamp where length == 10:
                timestampValue = p.be32(at + 2)
                timestampEcho = p.be32(at + 6)
            case TCPOptionKind.fastOpen: fastOpen = true
            case TCPOptionKind.experiment2 where length >= 4 && p.be16(at + 2) == 0xf989: fastOpen = true
            case TCPOptionKind.mptcp: mptcp = true
            default: break
            }
            at += length
        }
    }
}
