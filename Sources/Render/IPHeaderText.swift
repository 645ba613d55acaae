import Wire

/// tcpdump's network-layer text before the TCP part: `IP `/`IP6 `, the `-v` header summaries,
/// truncation notices and IPv6 extension headers.
enum IPHeaderText {
    /// Writes everything up to where tcp_print starts. Returns whether tcp_print should print
    /// addresses with the ports (the IP header's own protocol field says TCP).
    /// `protocolName` is false with `-e`: the link header has named the EtherType already.
    static func write(_ network: NetworkHeader, _ p: UnsafeRawBufferPointer, bytesMissing: Int, verbosity: Int,
                      protocolName: Bool = true, verifyChecksum: Bool = true, into out: inout OutputBuffer) -> Bool {
        switch network {
        case .ipv4(let h):
            if protocolName { out.append("IP ") }
            if bytesMissing > 0 {
                out.append("truncated-ip - ")
                out.append(decimal: UInt64(bytesMissing))
                out.append(" bytes missing! ")
            }
            if verbosity > 0 { writeIPv4Verbose(h, p, verifyChecksum: verifyChecksum, &out) }
            return h.proto == 6
        case .ipv6(let h):
            if protocolName { out.append("IP6 ") }
            if h.payloadLength != 0 && bytesMissing > 0 {
                out.append("truncated-ip6 - ")
                out.append(decimal: UInt64(bytesMissing))
                out.append(" bytes missing!")
            }
            if verbosity > 0 {
                out.append(UInt8(ascii: "("))
                if h.trafficClass != 0 {
                    out.append("class 0x")
                    out.append(hex: UInt64(h.trafficClass), minimumDigits: 2)
                    out.append(", ")
                }
                if h.flowLabel != 0 {
                    out.append("flowlabel 0x")
                    out.append(hex: UInt64(h.flowLabel), minimumDigits: 5)
                    out.append(", ")
                }
                out.append("hlim ")
                out.append(decimal: UInt64(h.hopLimit))
                out.append(", next-header ")
                appendProtocolName(h.nextHeader, &out)
                out.append(" (")
                out.append(decimal: UInt64(h.nextHeader))
                out.append(") payload length: ")
                out.append(decimal: UInt64(h.payloadLength))
                out.append(") ")
            }
            // UDP (a tunnel's outer header) prints the addresses with its ports, as TCP does.
            if h.nextHeader != 6 && h.nextHeader != 17 {
                out.append(address: h.source)
                out.append(" > ")
                out.append(address: h.destination)
                out.append(": ")
                writeIPv6Extensions(h, p, verbosity: verbosity, &out)
            }
            return h.nextHeader == 6
        }
    }

    private static func appendProtocolName(_ proto: UInt8, _ out: inout OutputBuffer) {
        switch proto {
        case 0: out.append("Options")
        case 4: out.append("IPIP")
        case 6: out.append("TCP")
        case 17: out.append("UDP")
        case 41: out.append("IPv6")
        case 47: out.append("GRE")
        case 43: out.append("Routing")
        case 44: out.append("Fragment")
        case 51: out.append("AH")
        case 59: out.append("none")
        default: out.append("unknown")
        }
    }

    static func writeIPv4Verbose(_ h: IPv4Header, _ p: UnsafeRawBufferPointer, verifyChecksum: Bool = true, _ out: inout OutputBuffer) {
        out.append("(tos 0x")
        out.append(hex: UInt64(h.tos))
        switch h.tos & 3 {
        case 1: out.append(",ECT(1)")
        case 2: out.append(",ECT(0)")
        case 3: out.append(",CE")
        default: break
        }
        if h.ttl >= 1 {
            out.append(", ttl ")
            out.append(decimal: UInt64(h.ttl))
        }
        out.append(", id ")
        out.append(decimal: UInt64(h.identification))
        out.append(", offset ")
        out.append(decimal: UInt64(h.fragmentOffset))
        out.append(", flags [")
        var any = false
        if h.moreFragments { out.append("+"); any = true }
        if h.dontFragment { if any { out.append(", ") }; out.append("DF"); any = true }
        if h.reservedFlag { if any { out.append(", ") }; out.append("rsvd"); any = true }
        if !any { out.append("none") }
        out.append("], proto ")
        appendProtocolName(h.proto, &out)
        out.append(" (")
        out.append(decimal: UInt64(h.proto))
        out.append("), length ")
        out.append(decimal: UInt64(h.totalLength))
        if h.headerLength > 20 {
            out.append(", options (")
            writeIPv4Options(p, start: h.offset + 20, length: h.headerLength - 20, &out)
            out.append(UInt8(ascii: ")"))
        }
        var sum = InternetChecksum()
        sum.add(p, offset: h.offset, count: h.headerLength)
        let residue = sum.residue
        // -K: tcpdump verifies no checksum.
        if verifyChecksum && residue != 0 {
            out.append(", bad cksum ")
            out.append(hex: UInt64(h.checksum))
            out.append(" (->")
            out.append(hex: UInt64(InternetChecksum.shouldBe(field: h.checksum, residue: residue)))
            out.append(")!")
        }
        out.append(")\n    ")
    }

    private static func writeIPv4Options(_ p: UnsafeRawBufferPointer, start: Int, length total: Int, _ out: inout OutputBuffer) {
        var cp = start
        var length = total
        var first = true
        while length > 0 {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            let code = p.u8(cp)
            switch code {
            case 0: out.append("EOL")
            case 1: out.append("NOP")
            case 68: out.append("timestamp")
            case 130: out.append("security")
            case 7: out.append("RR")
            case 137: out.append("SSRR")
            case 131: out.append("LSRR")
            case 148: out.append("RA")
            case 82: out.append("traceroute")
            default:
                out.append("unknown ")
                out.append(decimal: UInt64(code))
            }
            var optionLength = 1
            if code != 0 && code != 1 {
                optionLength = length >= 2 ? Int(p.u8(cp + 1)) : 0
                if optionLength < 2 {
                    badLength(optionLength, &out)
                    return
                }
            }
            if optionLength > length {
                badLength(optionLength, &out)
                return
            }
            switch code {
            case 0:
                return
            case 7, 137, 131:
                if optionLength < 3 {
                    badLength(optionLength, &out)
                } else {
                    if (optionLength + 1) & 3 != 0 { badLength(optionLength, &out) }
                    let ptr = Int(p.u8(cp + 2)) - 1
                    if ptr < 3 || (ptr + 1) & 3 != 0 || ptr > optionLength + 1 {
                        out.append(" [bad ptr ")
                        out.append(decimal: UInt64(p.u8(cp + 2)))
                        out.append(UInt8(ascii: "]"))
                    }
                    var at = 3
                    while at + 4 <= optionLength {
                        out.append(32)
                        out.appendIPv4(p.be32(cp + at))
                        if ptr > at { out.append(UInt8(ascii: ",")) }
                        at += 4
                    }
                }
            case 148:
                if optionLength < 4 {
                    badLength(optionLength, &out)
                } else if p.be16(cp + 2) != 0 {
                    out.append(" value ")
                    out.append(decimal: UInt64(p.be16(cp + 2)))
                }
            default:
                break
            }
            cp += optionLength
            length -= optionLength
        }
    }

    private static func badLength(_ n: Int, _ out: inout OutputBuffer) {
        out.append(" [bad length ")
        out.append(decimal: UInt64(n))
        out.append(UInt8(ascii: "]"))
    }

    /// HBH, DSTOPT, frag and RT6 texts, each followed by a space, up to the TCP header.
    private static func writeIPv6Extensions(_ h: IPv6Header, _ p: UnsafeRawBufferPointer, verbosity: Int, _ out: inout OutputBuffer) {
        var next = h.nextHeader
        var at = h.offset + 40
        var walked = 0
        while walked < h.extensionCount {
            let length = next == IPv6Header.fragment ? 8 : (Int(p.u8(at + 1)) + 1) * 8
            // The decoder saw 8 bytes of each header; the rest may be cut by the snapshot length.
            let limit = Swift.min(at + length, p.count)
            switch next {
            case IPv6Header.hopByHop, IPv6Header.destinationOptions:
                out.append(next == IPv6Header.hopByHop ? "HBH " : "DSTOPT ")
                if verbosity > 0 {
                    writeIPv6Options(p, start: at + 2, end: limit, &out)
                    out.append(32)
                }
            case IPv6Header.fragment:
                let offlg = p.be16(at + 2)
                out.append("frag (")
                if verbosity > 0 {
                    out.append("0x")
                    out.append(hex: UInt64(p.be32(at + 4)), minimumDigits: 8)
                    out.append(UInt8(ascii: ":"))
                }
                out.append(decimal: UInt64(offlg & 0xfff8))
                out.append(UInt8(ascii: "|"))
                out.append(decimal: 40 + Int(h.payloadLength) - (at - h.offset) - 8)
                // tcpdump decodes nothing after a later fragment's header, not even a space.
                out.append(offlg & 0xfff8 != 0 ? ")" : ") ")
            case IPv6Header.routing:
                let type = p.u8(at + 2)
                out.append("RT6 (len=")
                out.append(decimal: UInt64(p.u8(at + 1)))
                out.append(", type=")
                out.append(decimal: UInt64(type))
                if type == 0 { out.append(" [Deprecated]") }
                out.append(", segleft=")
                out.append(decimal: UInt64(p.u8(at + 3)))
                if type == 0 || type == 2 {
                    let reserved = p.be32(at + 4)
                    if reserved != 0 || verbosity > 0 {
                        out.append(", rsv=0x")
                        out.append(hex: UInt64(reserved))
                    }
                    var a = at + 8, i = 0
                    while a + 16 <= limit {
                        out.append(", [")
                        out.append(decimal: i)
                        out.append(UInt8(ascii: "]"))
                        out.appendIPv6(high: p.be64(a), low: p.be64(a + 8))
                        a += 16
                        i += 1
                    }
                }
                out.append(") ")
            default:
                break
            }
            next = p.u8(at)
            at += length
            walked += 1
        }
    }

    private static func writeIPv6Options(_ p: UnsafeRawBufferPointer, start: Int, end: Int, _ out: inout OutputBuffer) {
        var i = start
        while i < end {
            let type = p.u8(i)
            if type == 0 {
                out.append("(pad1)")
                i += 1
                continue
            }
            guard i + 1 < end else { return }
            let len = Int(p.u8(i + 1))
            switch type {
            case 1: out.append("(padn)")
            case 5 where len == 2 && i + 4 <= end:
                out.append("(rtalert: 0x")
                out.append(hex: UInt64(p.be16(i + 2)), minimumDigits: 4)
                out.append(") ")
            case 0xc2 where len == 4 && i + 6 <= end:
                out.append("(jumbo: ")
                out.append(decimal: p.be32(i + 2))
                out.append(") ")
            default:
                out.append("(opt_type 0x")
                out.append(hex: UInt64(type), minimumDigits: 2)
                out.append(": len=")
                out.append(decimal: UInt64(len))
                out.append(UInt8(ascii: ")"))
            }
            i += 2 + len
        }
    }
}
