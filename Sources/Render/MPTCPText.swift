import Wire

/// tcpdump 4.99's MPTCP option printer (RFC 8684 subtypes).
enum MPTCPText {
    /// `opt` is the option's kind byte, `length` its length byte, `end` the captured end
    /// (already limited to the option). False means tcpdump's "[bad opt]".
    static func write(_ p: UnsafeRawBufferPointer, option opt: Int, length L: Int, end: Int, flags: TCPFlags,
                      into out: inout OutputBuffer) -> Bool {
        if L < 3 { return false }
        @inline(__always) func has(_ at: Int, _ n: Int) -> Bool { at + n <= end }
        guard has(opt, 3) else { return false }
        out.append(32)
        out.append(decimal: UInt64(L))
        let subtype = Swift.min(Int(p.u8(opt + 2) >> 4), 8)
        out.append(32)
        out.append(subtypeName(subtype))
        let syn = flags.contains(.syn), ackFlag = flags.contains(.ack)
        switch subtype {
        case 0: // capable
            guard ((L == 12 || L == 4) && syn) || ((L == 20 || L == 22) && ackFlag && !syn) else { return false }
            let version = p.u8(opt + 2) & 0xf
            if version <= 1 {
                out.append(" v")
                out.append(decimal: UInt64(version))
            } else {
                out.append(" Unknown Version (")
                out.append(decimal: UInt64(version))
                out.append(UInt8(ascii: ")"))
                return true
            }
            guard has(opt + 3, 1) else { return false }
            if p.u8(opt + 3) & 0x80 != 0 { out.append(" csum") }
            if L == 12 || L >= 20 {
                guard has(opt + 4, 8) else { return false }
                out.append(" {0x")
                out.append(hex: p.be64(opt + 4))
                if L >= 20 {
                    guard has(opt + 12, 8) else { return false }
                    out.append(",0x")
                    out.append(hex: p.be64(opt + 12))
                }
                out.append(UInt8(ascii: "}"))
            }
            return true
        case 1: // join
            guard (L == 12 && syn) || (L == 16 && syn && ackFlag) || (L == 24 && ackFlag) else { return false }
            guard has(opt, 4) else { return false }
            if L != 24 {
                if p.u8(opt + 2) & 1 != 0 { out.append(" backup") }
                out.append(" id ")
                out.append(decimal: UInt64(p.u8(opt + 3)))
            }
            switch L {
            case 12:
                guard has(opt, 12) else { return false }
                out.append(" token 0x")
                out.append(hex: UInt64(p.be32(opt + 4)))
                out.append(" nonce 0x")
                out.append(hex: UInt64(p.be32(opt + 8)))
            case 16:
                guard has(opt, 16) else { return false }
                out.append(" hmac 0x")
                out.append(hex: p.be64(opt + 4))
                out.append(" nonce 0x")
                out.append(hex: UInt64(p.be32(opt + 12)))
            default:
                guard has(opt, 24) else { return false }
                out.append(" hmac 0x")
                for i in 4..<24 { out.append(hex: UInt64(p.u8(opt + i)), minimumDigits: 2) }
            }
            return true
        case 2: // dss
            guard L >= 4, !syn, has(opt, 4) else { return false }
            let f = p.u8(opt + 3)
            var at = opt + 4
            var left = L - 4
            if f & 0x10 != 0 { out.append(" fin") }
            if f & 0x01 != 0 {
                out.append(" ack ")
                if f & 0x02 != 0 {
                    guard left >= 8, has(at, 8) else { return false }
                    out.append(decimal: p.be64(at)); at += 8; left -= 8
                } else {
                    guard left >= 4, has(at, 4) else { return false }
                    out.append(decimal: p.be32(at)); at += 4; left -= 4
                }
            }
            if f & 0x04 != 0 {
                out.append(" seq ")
                if f & 0x08 != 0 {
                    guard left >= 8, has(at, 8) else { return false }
                    out.append(decimal: p.be64(at)); at += 8; left -= 8
                } else {
                    guard left >= 4, has(at, 4) else { return false }
                    out.append(decimal: p.be32(at)); at += 4; left -= 4
                }
                guard left >= 4, has(at, 4) else { return false }
                out.append(" subseq ")
                out.append(decimal: p.be32(at)); at += 4; left -= 4
                guard left >= 2, has(at, 2) else { return false }
                out.append(" len ")
                out.append(decimal: UInt64(p.be16(at))); at += 2; left -= 2
                if left >= 2 {
                    guard has(at, 2) else { return false }
                    out.append(" csum 0x")
                    out.append(hex: UInt64(p.be16(at))); at += 2; left -= 2
                }
            }
            return left == 0
        case 3: // add-addr
            let v4 = L == 8 || L == 10 || L == 16 || L == 18, v6 = L == 20 || L == 22 || L == 28 || L == 30
            guard v4 || v6, has(opt, L) else { return false }
            switch p.u8(opt + 2) & 0xf {
            case 6: out.append(" v0-ip6")
            case 4: out.append(" v0-ip4")
            case 1: out.append(" v1-echo")
            case 0: out.append(" v1")
            default: out.append(" [bad version/echo]")
            }
            out.append(" id ")
            out.append(decimal: UInt64(p.u8(opt + 3)))
            out.append(32)
            var at = opt + 4
            if v4 {
                out.appendIPv4(p.be32(at)); at += 4
            } else {
                out.appendIPv6(high: p.be64(at), low: p.be64(at + 8)); at += 16
            }
            if L == 10 || L == 18 || L == 22 || L == 30 {
                out.append(UInt8(ascii: ":"))
                out.append(decimal: UInt64(p.be16(at))); at += 2
            }
            if L == 16 || L == 18 || L == 28 || L == 30 {
                out.append(" hmac 0x")
                out.append(hex: p.be64(at))
            }
            return true
        case 4: // rem-addr
            guard L >= 4, has(opt, L) else { return false }
            out.append(" id")
            for i in 3..<L {
                out.append(32)
                out.append(decimal: UInt64(p.u8(opt + i)))
            }
            return true
        case 5: // prio
            guard L == 3 || L == 4, has(opt, L) else { return false }
            out.append(p.u8(opt + 2) & 1 != 0 ? " backup" : " non-backup")
            if L == 4 {
                out.append(" id ")
                out.append(decimal: UInt64(p.u8(opt + 3)))
            }
            return true
        case 6: // fail
            guard L == 12, has(opt, 12) else { return false }
            out.append(" seq ")
            out.append(decimal: p.be64(opt + 4))
            return true
        case 7: // fast-close
            guard L == 12, has(opt, 12) else { return false }
            out.append(" key 0x")
            out.append(hex: p.be64(opt + 4))
            return true
        default:
            return true
        }
    }

    private static func subtypeName(_ subtype: Int) -> StaticString {
        switch subtype {
        case 0: return "capable"
        case 1: return "join"
        case 2: return "dss"
        case 3: return "add-addr"
        case 4: return "rem-addr"
        case 5: return "prio"
        case 6: return "fail"
        case 7: return "fast-close"
        default: return "unknown"
        }
    }
}
