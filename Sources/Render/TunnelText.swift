import Wire

/// tcpdump 4.99's text for the headers around a tunnelled TCP segment, outermost first
/// (print-ip.c, print-udp.c, print-gre.c, print-vxlan.c, print-geneve.c, print-mpls.c,
/// print-pppoe.c), and the short description that names a tunnel in connection records.
public enum TunnelText {
    /// Writes everything before the inner IP header's text. Returns false when tcpdump stops
    /// before the inner TCP segment (ERSPAN, which 4.99 prints as `gre-proto-0x88be`, and
    /// GTP-U, which it prints as plain UDP): the line is complete.
    /// `linkHeaders` (`-e`): IP headers lose their `IP `/`IP6 ` word and inner Ethernet and PPP
    /// headers are printed, as tcpdump's `-e` does at every level.
    static func write(_ layers: [EncapsulationLayer], _ p: UnsafeRawBufferPointer, verbosity v: Int,
                      linkHeaders: Bool = false, verifyChecksum: Bool = true, quick: Bool = false,
                      into out: inout OutputBuffer) -> Bool {
        var source = IPAddress(ipv4: 0), destination = IPAddress(ipv4: 0)
        for (i, layer) in layers.enumerated() {
            let at = layer.offset
            let next = i + 1 < layers.count ? layers[i + 1].kind : nil
            switch layer.kind {
            case .ipv4:
                guard case .success(let h) = IPv4Header.read(p, at: at) else { return false }
                let missing = Swift.max(0, Int(h.totalLength) - layer.length)
                _ = IPHeaderText.write(.ipv4(h), p, bytesMissing: missing, verbosity: v, protocolName: !linkHeaders, verifyChecksum: verifyChecksum, into: &out)
                source = IPAddress(ipv4: h.source)
                destination = IPAddress(ipv4: h.destination)
                if next != .udp { appendAddresses(source, destination, &out) }
            case .ipv6:
                guard case .success(let h) = IPv6Header.read(p, at: at) else { return false }
                let missing = Swift.max(0, 40 + Int(h.payloadLength) - layer.length)
                _ = IPHeaderText.write(.ipv6(h), p, bytesMissing: missing, verbosity: v, protocolName: !linkHeaders, verifyChecksum: verifyChecksum, into: &out)
                source = h.source
                destination = h.destination
            case .udp:
                writeUDP(layer, p, source, destination, verbosity: v, verifyChecksum: verifyChecksum, &out)
                // `-q` stops every UDP datagram at its length, a tunnel's included.
                if next == .gtpU || quick {
                    out.append("UDP, length ")
                    out.append(decimal: UInt64(Swift.max(0, Swift.min(Int(p.be16(at + 4)), layer.length) - 8)))
                    return false
                }
            case .vxlan:
                let flags = p.u8(at)
                out.append("VXLAN, flags [")
                out.append(flags & 0x08 != 0 ? "I" : ".")
                out.append("] (0x")
                out.append(hex: UInt64(flags), minimumDigits: 2)
                out.append("), vni ")
                out.append(decimal: UInt64(p.be32(at + 4) >> 8))
                out.append("\n")
            case .geneve:
                writeGeneve(layer, p, verbosity: v, linkHeaders: linkHeaders, &out)
            case .gre:
                if !writeGRE(layer, p, verbosity: v, linkHeaders: linkHeaders, &out) { return false }
            case .mpls:
                out.append("MPLS")
                var label = at
                while true {
                    let entry = p.be32(label)
                    let value = entry >> 12
                    out.append(label != at && v > 0 ? "\n\t" : " ")
                    out.append("(label ")
                    out.append(decimal: UInt64(value))
                    if v > 0 && value < 16 {
                        out.append(" (")
                        out.append(value == 0 ? "IPv4 explicit NULL" : value == 1 ? "router alert"
                                   : value == 2 ? "IPv6 explicit NULL" : value == 3 ? "implicit NULL" : "rsvd")
                        out.append(UInt8(ascii: ")"))
                    }
                    out.append(", tc ")
                    out.append(decimal: UInt64(entry >> 9 & 7))
                    if entry & 0x100 != 0 { out.append(", [S]") }
                    out.append(", ttl ")
                    out.append(decimal: UInt64(entry & 0xff))
                    out.append(UInt8(ascii: ")"))
                    label += 4
                    if entry & 0x100 != 0 { break }
                }
                out.append(v > 0 ? "\n\t" : " ")
            case .pppoe:
                let versionType = p.u8(at)
                if versionType >> 4 != 1 {
                    out.append(" [ver ")
                    out.append(decimal: UInt64(versionType >> 4))
                    out.append(UInt8(ascii: "]"))
                }
                if versionType & 0x0f != 1 {
                    out.append(" [type ")
                    out.append(decimal: UInt64(versionType & 0x0f))
                    out.append(UInt8(ascii: "]"))
                }
                out.append("PPPoE ")
                let declared = Int(p.be16(at + 4)), available = layer.length - 6
                if declared > available {
                    out.append(" [len ")
                    out.append(decimal: UInt64(declared))
                    out.append(" > ")
                    out.append(decimal: UInt64(Swift.max(0, available)))
                    out.append("!]")
                }
                let session = p.be16(at + 2)
                if session != 0 {
                    out.append(" [ses 0x")
                    out.append(hex: UInt64(session))
                    out.append(UInt8(ascii: "]"))
                }
                out.append(" ")
            case .ethernet, .ppp:
                // Without -e tcpdump prints nothing for an inner Ethernet header or PPP's
                // protocol field; with it, what it prints for those link types.
                if linkHeaders && p.has(at, 1) {
                    LinkHeaderText(linkType: layer.kind == .ethernet ? .ethernet : .ppp, headers: true, verbosity: v, quick: false)
                        .write(UnsafeRawBufferPointer(rebasing: p[at...]), wireLength: layer.length, into: &out)
                }
            case .erspan, .gtpU:
                // ERSPAN and GTP-U end the line before they are reached.
                break
            }
        }
        return true
    }

    private static func appendAddresses(_ source: IPAddress, _ destination: IPAddress, _ out: inout OutputBuffer) {
        out.append(address: source)
        out.append(" > ")
        out.append(address: destination)
        out.append(": ")
    }

    /// Addresses with ports, then `-v`'s checksum verdict: IPv4 from `-vv` on (a zero checksum
    /// is "no cksum"), IPv6 from `-v` on, only when the whole datagram was captured.
    private static func writeUDP(_ layer: EncapsulationLayer, _ p: UnsafeRawBufferPointer, _ source: IPAddress,
                                 _ destination: IPAddress, verbosity v: Int, verifyChecksum: Bool, _ out: inout OutputBuffer) {
        let at = layer.offset
        out.append(endpoint: Endpoint(address: source, port: p.be16(at)))
        out.append(" > ")
        out.append(endpoint: Endpoint(address: destination, port: p.be16(at + 2)))
        out.append(": ")
        let declared = Int(p.be16(at + 4))
        guard declared >= 8 else { return }
        let length = Swift.min(declared, layer.length)
        let field = p.be16(at + 6)
        guard verifyChecksum, source.isIPv6 ? v > 0 : v > 1 else { return }
        if !source.isIPv6 && field == 0 {
            out.append("[no cksum] ")
            return
        }
        guard p.has(at, length) else { return }
        var sum = InternetChecksum()
        sum.add(address: source)
        sum.add(address: destination)
        sum.add(be32: UInt32(length))
        sum.add(be16: 17)
        sum.add(p, offset: at, count: length)
        let residue = sum.residue
        if residue != 0 {
            out.append("[bad udp cksum 0x")
            out.append(hex: UInt64(field), minimumDigits: 4)
            out.append(" -> 0x")
            out.append(hex: UInt64(InternetChecksum.shouldBe(field: field, residue: residue)), minimumDigits: 4)
            out.append("!] ")
        } else {
            out.append("[udp sum ok] ")
        }
    }

    /// `-e`: `, proto IPv4 (0x0800)` in GRE's and Geneve's text.
    private static func appendProto(_ proto: UInt16, _ out: inout OutputBuffer) {
        out.append(", proto ")
        if let name = LinkHeaderText.etherTypeName(proto) { out.append(name) } else { out.append("unknown") }
        out.append(" (0x")
        out.append(hex: UInt64(proto), minimumDigits: 4)
        out.append(UInt8(ascii: ")"))
    }

    private static func writeGeneve(_ layer: EncapsulationLayer, _ p: UnsafeRawBufferPointer, verbosity v: Int,
                                    linkHeaders: Bool, _ out: inout OutputBuffer) {
        let at = layer.offset
        let flags = p.u8(at + 1)
        out.append("Geneve, Flags [")
        if flags == 0 { out.append("none") }
        let names: [(UInt8, StaticString)] = [(0x80, "O"), (0x40, "C"), (0x20, "R1"), (0x10, "R2"),
                                              (0x08, "R3"), (0x04, "R4"), (0x02, "R5"), (0x01, "R6")]
        for (bit, name) in names where flags & bit != 0 { out.append(name) }
        out.append("], vni 0x")
        out.append(hex: UInt64(p.be32(at + 4) >> 8))
        let reserved = p.u8(at + 7)
        if reserved != 0 {
            out.append(", rsvd 0x")
            out.append(hex: UInt64(reserved))
        }
        if linkHeaders { appendProto(p.be16(at + 2), &out) }
        let optionsLength = Int(p.u8(at) & 0x3f) * 4
        if optionsLength > 0 {
            out.append(", options [")
            if v > 0 {
                var o = at + 8
                var left = optionsLength
                var first = true
                while left > 0 {
                    if !first { out.append(", ") }
                    first = false
                    let optionClass = p.be16(o), type = p.u8(o + 2)
                    let length = 4 + Int(p.u8(o + 3) & 0x1f) * 4
                    out.append("class ")
                    switch optionClass {
                    case 0x0100: out.append("Linux")
                    case 0x0101: out.append("Open vSwitch")
                    case 0x0102: out.append("Open Virtual Networking (OVN)")
                    case 0x0103: out.append("In-band Network Telemetry (INT)")
                    case 0x0104: out.append("VMware")
                    case ...0x00ff: out.append("Standard")
                    case 0xfff0...: out.append("Experimental")
                    default: out.append("Unknown")
                    }
                    out.append(" (0x")
                    out.append(hex: UInt64(optionClass))
                    out.append(") type 0x")
                    out.append(hex: UInt64(type))
                    if type & 0x80 != 0 { out.append("(C)") }
                    out.append(" len ")
                    out.append(decimal: UInt64(length))
                    if length > left {
                        out.append(" [bad length]")
                        break
                    }
                    if v > 1 && length > 4 {
                        out.append(" data")
                        for word in stride(from: o + 4, to: o + length, by: 4) {
                            out.append(" ")
                            out.append(hex: UInt64(p.be32(word)), minimumDigits: 8)
                        }
                    }
                    o += length
                    left -= length
                }
            } else {
                out.append(decimal: UInt64(optionsLength))
                out.append(" bytes")
            }
            out.append("]")
        }
        out.append(v > 0 ? "\n\t" : ": ")
    }

    /// GRE version 0 (RFC 2784/2890) and version 1 (PPTP). False when the payload is one
    /// tcpdump 4.99 does not decode (ERSPAN): it prints the protocol number and stops.
    private static func writeGRE(_ layer: EncapsulationLayer, _ p: UnsafeRawBufferPointer, verbosity v: Int,
                                 linkHeaders: Bool, _ out: inout OutputBuffer) -> Bool {
        let at = layer.offset
        let flags = p.be16(at), proto = p.be16(at + 2)
        let version = flags & 7
        out.append("GREv")
        out.append(decimal: UInt64(version))
        if v > 0 {
            out.append(", Flags [")
            let names: [(UInt16, StaticString)] = [(0x8000, "checksum present"), (0x4000, "routing present"),
                                                   (0x2000, "key present"), (0x1000, "sequence# present"),
                                                   (0x0800, "source routing present"), (0x0080, "ack present")]
            var any = false
            for (bit, name) in names where flags & bit != 0 {
                if any { out.append(", ") }
                out.append(name)
                any = true
            }
            if !any { out.append("none") }
            out.append("]")
        }
        var o = at + 4
        if version == 1 {
            out.append(", call ")
            out.append(decimal: UInt64(p.be32(o) & 0xffff))
            o += 4
            out.append(", seq ")
            out.append(decimal: UInt64(p.be32(o)))
            o += 4
            if flags & 0x0080 != 0 {
                out.append(", ack ")
                out.append(decimal: UInt64(p.be32(o)))
            }
        } else {
            if flags & 0xc000 != 0 {
                if v > 0 {
                    out.append(", sum 0x")
                    out.append(hex: UInt64(p.be16(o)))
                }
                out.append(", off 0x")
                out.append(hex: UInt64(p.be16(o + 2)))
                o += 4
            }
            if flags & 0x2000 != 0 {
                out.append(", key=0x")
                out.append(hex: UInt64(p.be32(o)))
                o += 4
            }
            if flags & 0x1000 != 0 {
                out.append(", seq ")
                out.append(decimal: UInt64(p.be32(o)))
            }
        }
        if linkHeaders { appendProto(proto, &out) }
        out.append(", length ")
        out.append(decimal: UInt64(layer.length))
        out.append(v > 0 ? "\n\t" : ": ")
        if version == 0 && (proto == 0x88be || proto == 0x22eb) {
            out.append("gre-proto-0x")
            out.append(hex: UInt64(proto))
            return false
        }
        return true
    }

    /// A tunnel as connection records name it, outermost first: each layer's kind, with what
    /// tells it from another of its kind (outer addresses, key, VNI, session), e.g.
    /// `gre 192.0.2.1-192.0.2.2 key 0x64` or `ip 10.0.0.1-10.0.0.2 / vxlan vni 5001`.
    public static func describe(_ p: UnsafeRawBufferPointer, decoder: FrameDecoder, wireLength: Int) -> String {
        describe(decoder.encapsulationLayers(p, wireLength: wireLength), p)
    }

    static func describe(_ layers: [EncapsulationLayer], _ p: UnsafeRawBufferPointer) -> String {
        var parts: [String] = []
        var addresses = ""
        for (i, layer) in layers.enumerated() {
            let at = layer.offset
            let next = i + 1 < layers.count ? layers[i + 1].kind : nil
            switch layer.kind {
            case .ipv4, .ipv6:
                var a: IPAddress, b: IPAddress
                if layer.kind == .ipv4, case .success(let h) = IPv4Header.read(p, at: at) {
                    a = IPAddress(ipv4: h.source); b = IPAddress(ipv4: h.destination)
                } else if case .success(let h) = IPv6Header.read(p, at: at) {
                    a = h.source; b = h.destination
                } else { continue }
                if b < a { swap(&a, &b) }
                var text = OutputBuffer.memory()
                text.append(address: a)
                text.append("-")
                text.append(address: b)
                addresses = String(decoding: text.bytes, as: UTF8.self)
                if next == nil || next == .ipv4 || next == .ipv6 { parts.append("ip-in-ip \(addresses)") }
            case .udp, .ethernet, .ppp:
                break
            case .gre:
                let flags = p.be16(at)
                var text = flags & 7 == 1 ? "pptp \(addresses)" : "gre \(addresses)"
                if flags & 7 == 0 && flags & 0x2000 != 0 {
                    let key = p.be32(at + 4 + (flags & 0xc000 != 0 ? 4 : 0))
                    text += " key 0x" + String(key, radix: 16)
                }
                if p.be16(at + 2) == 0x88be && flags & 0x1000 == 0 { text += " erspan" }
                parts.append(text)
            case .erspan:
                parts.append("erspan session \(p.be16(at + 2) & 0x3ff)")
            case .vxlan:
                parts.append("vxlan \(addresses) vni \(p.be32(at + 4) >> 8)")
            case .geneve:
                parts.append("geneve \(addresses) vni \(p.be32(at + 4) >> 8)")
            case .gtpU:
                parts.append("gtp-u \(addresses)")
            case .mpls:
                parts.append("mpls")
            case .pppoe:
                parts.append("pppoe session 0x" + String(p.be16(at + 2), radix: 16))
            }
        }
        return parts.joined(separator: " / ")
    }
}
