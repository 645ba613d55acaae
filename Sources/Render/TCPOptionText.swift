import Wire

/// Prints a TCP header's options exactly as tcpdump 4.99 does, malformed forms included.
struct TCPOptionText {
    /// How printing the options ended.
    /// `readPastCapture`: tcpdump longjmped out of its printer, so its `-x` dump starts at the
    /// frame's first byte (PayloadDump.swift).
    enum Outcome { case complete, lineEnded, readPastCapture }

    /// Bytes `p[start..<start+headerOptions]` are the options; `end` is where captured data ends.
    /// `thseq`/`thack`/`rev` relativise SACK blocks; `flags` feed MPTCP's checks; md5 says
    /// "snaplen too short" unless the whole payload was captured.
    static func write(_ p: UnsafeRawBufferPointer, start: Int, optionsLength: Int, end: Int, flags: TCPFlags,
                      thseq: UInt32, thack: UInt32, rev: Bool, payloadCaptured: Bool, protocolName: inout StaticString,
                      into out: inout OutputBuffer) -> Outcome {
        out.append(", options [")
        var hlen = optionsLength
        var cp = start
        var separator = false
        @inline(__always) func captured(_ at: Int, _ n: Int) -> Bool { at >= 0 && n >= 0 && at + n <= end }

        while hlen > 0 {
            if separator { out.append(UInt8(ascii: ",")) }
            guard captured(cp, 1) else {
                truncatedByRead(&out, protocolName)
                return .readPastCapture
            }
            let opt = p.u8(cp)
            cp += 1
            let len: Int
            if opt == TCPOptionKind.eol || opt == TCPOptionKind.nop {
                len = 1
            } else {
                guard captured(cp, 1) else {
                    truncatedByRead(&out, protocolName)
                    return .readPastCapture
                }
                len = Int(p.u8(cp))
                cp += 1
                if len < 2 || len > hlen { return bad(&out, separator) }
                hlen -= 1
            }
            hlen -= 1
            var datalen = 0
            // LENCHECK: nil means fine; otherwise the outcome to return.
            func lencheck(_ n: Int) -> Outcome? {
                if n > hlen { return bad(&out, separator) }
                if !captured(cp, n) { return trunc(&out, separator, protocolName) }
                return nil
            }
            appendName(opt, &out)
            switch opt {
            case TCPOptionKind.mss:
                datalen = 2
                if let o = lencheck(datalen) { return o }
                out.append(32)
                out.append(decimal: UInt64(p.be16(cp)))
            case TCPOptionKind.windowScale:
                datalen = 1
                if let o = lencheck(datalen) { return o }
                out.append(32)
                out.append(decimal: UInt64(p.u8(cp)))
            case TCPOptionKind.sack:
                datalen = len - 2
                if datalen % 8 != 0 {
                    out.append(" invalid sack")
                } else {
                    out.append(32)
                    out.append(decimal: UInt64(datalen / 8))
                    out.append(32)
                    var i = 0
                    while i < datalen {
                        if let o = lencheck(i + 4) { return o }
                        var s = p.be32(cp + i)
                        if let o = lencheck(i + 8) { return o }
                        var e = p.be32(cp + i + 4)
                        if rev { s = s &- thseq; e = e &- thseq } else { s = s &- thack; e = e &- thack }
                        out.append(UInt8(ascii: "{"))
                        out.append(decimal: s)
                        out.append(UInt8(ascii: ":"))
                        out.append(decimal: e)
                        out.append(UInt8(ascii: "}"))
                        i += 8
                    }
                }
            case TCPOptionKind.echo, TCPOptionKind.echoReply, TCPOptionKind.cc, TCPOptionKind.ccNew, TCPOptionKind.ccEcho:
                datalen = 4
                if let o = lencheck(datalen) { return o }
                out.append(32)
                out.append(decimal: p.be32(cp))
            case TCPOptionKind.timestamp:
                datalen = 8
                if let o = lencheck(datalen) { return o }
                out.append(" val ")
                out.append(decimal: p.be32(cp))
                out.append(" ecr ")
                out.append(decimal: p.be32(cp + 4))
            case TCPOptionKind.md5:
                datalen = 16
                if let o = lencheck(datalen) { return o }
                out.append(32)
                // Debian's tcpdump is built with libcrypto; without -M it cannot check.
                if !payloadCaptured {
                    out.append("snaplen too short, ")
                } else {
                    out.append("shared secret not supplied with -M, ")
                }
                out.append("can't check - ")
                for i in 0..<16 { out.append(hex: UInt64(p.u8(cp + i)), minimumDigits: 2) }
            case TCPOptionKind.scps:
                datalen = 2
                if let o = lencheck(datalen) { return o }
                out.append(" cap ")
                out.append(hex: UInt64(p.u8(cp)), minimumDigits: 2)
                out.append(" id ")
                out.append(decimal: UInt64(p.u8(cp + 1)))
            case TCPOptionKind.tcpAO:
                datalen = len - 2
                if datalen < 2 {
                    out.append(" (invalid)")
                } else {
                    if let o = lencheck(1) { return o }
                    out.append(" keyid ")
                    out.append(decimal: UInt64(p.u8(cp)))
                    if let o = lencheck(2) { return o }
                    out.append(" rnextkeyid ")
                    out.append(decimal: UInt64(p.u8(cp + 1)))
                    if datalen > 2 {
                        out.append(" mac 0x")
                        var i = 2
                        while i < datalen {
                            if let o = lencheck(i + 1) { return o }
                            out.append(hex: UInt64(p.u8(cp + i)), minimumDigits: 2)
                            i += 1
                        }
                    }
                }
            case TCPOptionKind.eol, TCPOptionKind.nop, TCPOptionKind.sackPermitted:
                break
            case TCPOptionKind.userTimeout:
                datalen = 2
                if let o = lencheck(datalen) { return o }
                var v = UInt64(p.be16(cp))
                out.append(" 0x")
                out.append(hex: v)
                v = v & 1 != 0 ? (v >> 1) * 60 : v >> 1
                out.append(32)
                out.append(decimal: v)
            case TCPOptionKind.mptcp:
                datalen = len - 2
                if let o = lencheck(datalen) { return o }
                protocolName = "mptcp"
                let optionEnd = Swift.min(cp - 2 + len, end)
                if !MPTCPText.write(p, option: cp - 2, length: len, end: optionEnd, flags: flags, into: &out) {
                    return bad(&out, separator)
                }
            case TCPOptionKind.fastOpen:
                datalen = len - 2
                if let o = lencheck(datalen) { return o }
                out.append(32)
                fastOpen(p, at: cp, length: datalen, experimental: false, &out)
            case TCPOptionKind.experiment2:
                datalen = len - 2
                if let o = lencheck(datalen) { return o }
                if datalen < 2 { return bad(&out, separator) }
                let magic = p.be16(cp)
                out.append(UInt8(ascii: "-"))
                if magic == 0xf989 {
                    fastOpen(p, at: cp + 2, length: datalen - 2, experimental: true, &out)
                } else {
                    out.append(hex: UInt64(magic), minimumDigits: 4)
                }
            default:
                datalen = len - 2
                if datalen > 0 { out.append(" 0x") }
                var i = 0
                while i < datalen {
                    if let o = lencheck(i + 1) { return o }
                    out.append(hex: UInt64(p.u8(cp + i)), minimumDigits: 2)
                    i += 1
                }
            }
            cp += datalen
            hlen -= datalen
            var accounted = datalen + 1
            if opt != TCPOptionKind.eol && opt != TCPOptionKind.nop { accounted += 1 }
            if accounted != len {
                out.append("[len ")
                out.append(decimal: UInt64(len))
                out.append(UInt8(ascii: "]"))
            }
            separator = true
            if opt == TCPOptionKind.eol { break }
        }
        out.append(UInt8(ascii: "]"))
        return .complete
    }

    private static func appendName(_ opt: UInt8, _ out: inout OutputBuffer) {
        switch opt {
        case 0: out.append("eol")
        case 1: out.append("nop")
        case 2: out.append("mss")
        case 3: out.append("wscale")
        case 4: out.append("sackOK")
        case 5: out.append("sack")
        case 6: out.append("echo")
        case 7: out.append("echoreply")
        case 8: out.append("TS")
        case 11: out.append("cc")
        case 12: out.append("ccnew")
        case 13: break
        case 19: out.append("md5")
        case 20: out.append("scps")
        case 28: out.append("uto")
        case 29: out.append("tcp-ao")
        case 30: out.append("mptcp")
        case 34: out.append("tfo")
        case 254: out.append("exp")
        default:
            out.append("unknown-")
            out.append(decimal: UInt64(opt))
        }
    }

    private static func fastOpen(_ p: UnsafeRawBufferPointer, at cp: Int, length: Int, experimental: Bool, _ out: inout OutputBuffer) {
        if experimental { out.append("tfo") }
        if length == 0 {
            out.append(" cookiereq")
        } else if length % 2 != 0 || length < 4 || length > 16 {
            out.append(" (invalid)")
        } else {
            out.append(" cookie ")
            for i in 0..<length { out.append(hex: UInt64(p.u8(cp + i)), minimumDigits: 2) }
        }
    }

    private static func bad(_ out: inout OutputBuffer, _ separator: Bool) -> Outcome {
        out.append("[bad opt]")
        if separator { out.append(UInt8(ascii: "]")) }
        return .lineEnded
    }

    private static func trunc(_ out: inout OutputBuffer, _ separator: Bool, _ name: StaticString) -> Outcome {
        out.append(" [|")
        out.append(name)
        out.append(UInt8(ascii: "]"))
        if separator { out.append(UInt8(ascii: ">")) }
        return .lineEnded
    }

    /// A field read past the capture: tcpdump longjmps out and prints only the marker.
    private static func truncatedByRead(_ out: inout OutputBuffer, _ name: StaticString) {
        out.append(" [|")
        out.append(name)
        out.append(UInt8(ascii: "]"))
    }
}
