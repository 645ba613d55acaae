/// TCP option kinds (IANA "TCP Option Kind Numbers").
public enum TCPOptionKind {
    public static let eol: UInt8 = 0
    public static let nop: UInt8 = 1
    public static let mss: UInt8 = 2
    public static let windowScale: UInt8 = 3
    public static let sackPermitted: UInt8 = 4
    public static let sack: UInt8 = 5
    public static let echo: UInt8 = 6
    public static let echoReply: UInt8 = 7
    public static let timestamp: UInt8 = 8
    public static let cc: UInt8 = 11
    public static let ccNew: UInt8 = 12
    public static let ccEcho: UInt8 = 13
    public static let md5: UInt8 = 19
    public static let scps: UInt8 = 20
    public static let snack: UInt8 = 21
    public static let recordBoundary: UInt8 = 22
    public static let corruption: UInt8 = 23
    public static let userTimeout: UInt8 = 28
    public static let tcpAO: UInt8 = 29
    public static let mptcp: UInt8 = 30
    public static let fastOpen: UInt8 = 34
    public static let experiment2: UInt8 = 254
}

/// The options a connection's tracking cares about, pulled from a header in one pass.
public struct TCPOptionSummary: Sendable, Equatable {
    public var mss: UInt16? = nil
    public var windowScale: UInt8? = nil
    public var sackPermitted = false
    public var sackBlocks = 0
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
            case TCPOptionKind.sack: sackBlocks = (length - 2) / 8
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
