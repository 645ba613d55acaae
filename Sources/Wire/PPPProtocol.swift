/// PPP's protocol field (RFC 1661 section 2) and the network layer it names, shared by every
/// link that carries PPP: DLT_PPP, PPP in HDLC-like framing, PPPoE sessions.
public enum PPPProtocol {
    public static let ipv4: UInt16 = 0x0021
    public static let ipv6: UInt16 = 0x0057
    public static let mplsUnicast: UInt16 = 0x0281
    public static let mplsMulticast: UInt16 = 0x0283

    /// The EtherType of the network layer a PPP protocol number carries, so that one dispatch
    /// (`FrameDecoder.etherKind`) serves Ethernet and PPP alike; nil for everything else (LCP,
    /// IPCP, compressed or Van Jacobson-compressed datagrams, ...). Like tcpdump's handle_ppp,
    /// an EtherType written where the PPP number belongs is taken as that EtherType.
    @inlinable
    public static func etherType(_ proto: UInt16) -> UInt16? {
        switch proto {
        case ipv4, 0x0800: return 0x0800
        case ipv6, 0x86dd: return 0x86dd
        case mplsUnicast: return 0x8847
        case mplsMulticast: return 0x8848
        default: return nil
        }
    }

    /// tcpdump's name for a protocol number (its `ppptype2str`), printed by `-e`; nil where
    /// tcpdump says "unknown".
    public static func name(_ proto: UInt16) -> String? {
        switch proto {
        case ipv4: return "IP"
        case 0x0023: return "OSI"
        case 0x0025: return "NS"
        case 0x0027: return "DECNET"
        case 0x0029: return "APPLE"
        case 0x002b: return "IPX"
        case 0x002d: return "VJC IP"
        case 0x002f: return "VJNC IP"
        case 0x0031: return "BRPDU"
        case 0x0033: return "STII"
        case 0x0035: return "VINES"
        case mplsUnicast, mplsMulticast: return "MPLS"
        case 0x00fd: return "Compressed"
        case 0x003d: return "MLPPP"
        case ipv6: return "IP6"
        case 0x8021: return "IPCP"
        case 0x8057: return "IP6CP"
        case 0x8281: return "MPLSCP"
        case 0xc021: return "LCP"
        case 0xc023: return "PAP"
        case 0xc025: return "LQM"
        case 0xc223: return "CHAP"
        case 0xc227: return "EAP"
        default: return nil
        }
    }

    /// A PPP frame's header as tcpdump's ppp_print reads it: an optional address and control
    /// (0xff 0x03, or pppd's 0x00/0x01 direction byte before 0x03), then the protocol field,
    /// one byte when protocol-field compression made it odd.
    public struct Header: Sendable, Equatable {
        public var proto: UInt16
        /// Bytes from the start of the PPP frame to its payload.
        public var length: Int
        /// pppd's direction byte: 0 in, 1 out; nil without one.
        public var pppdDirection: UInt8?

        @inlinable
        public init(proto: UInt16, length: Int, pppdDirection: UInt8?) {
            self.proto = proto
            self.length = length
            self.pppdDirection = pppdDirection
        }
    }

    /// Reads the header of the PPP frame at `offset`; nil when too few bytes remain (tcpdump's
    /// "[|ppp]").
    @inlinable
    public static func readHeader(_ p: UnsafeRawBufferPointer, at offset: Int) -> Header? {
        guard p.has(offset, 2) else { return nil }
        var at = offset
        var direction: UInt8? = nil
        switch p.be16(at) {
        case 0xff03:
            at += 2
        case 0x0003, 0x0103:
            direction = p.u8(at)
            at += 2
        default:
            break
        }
        guard p.has(at, 2) else { return nil }
        if p.u8(at) & 1 == 1 {
            return Header(proto: UInt16(p.u8(at)), length: at + 1 - offset, pppdDirection: direction)
        }
        return Header(proto: p.be16(at), length: at + 2 - offset, pppdDirection: direction)
    }
}
