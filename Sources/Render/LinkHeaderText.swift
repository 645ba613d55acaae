#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Wire

/// What tcpdump 4.99 prints before the network layer: the parts every line has (cooked v2's
/// interface and direction, radiotap's radio fields, PPP-in-HDLC's protocol name, a VLAN tag's
/// EtherType inside a cooked header) and, with `-e`, the link-level header itself.
struct LinkHeaderText {
    let linkType: LinkType
    /// `-e`.
    let headers: Bool
    let verbosity: Int
    /// `-q`: EtherTypes by name only, cooked headers without them.
    let quick: Bool

    /// `wireLength` is the frame's length on the wire, which `-e` prints.
    func write(_ p: UnsafeRawBufferPointer, wireLength: Int, into out: inout OutputBuffer) {
        write(linkType, p, Swift.max(0, wireLength), &out)
    }

    private func write(_ type: LinkType, _ p: UnsafeRawBufferPointer, _ wireLength: Int, _ out: inout OutputBuffer) {
        switch type {
        case .ethernet:
            guard headers, p.has(0, 14) else { return }
            writeEthernet(p, at: 0, length: wireLength, &out)
        case .linuxSLL:
            guard p.has(0, 16) else { return }
            if headers {
                let kind = p.be16(0)
                let name: StaticString = kind == 0 ? "In" : kind == 1 ? "B" : kind == 2 ? "M" : kind == 3 ? "P" : kind == 4 ? "Out" : "?"
                // printf("%3s "): right-aligned in three columns.
                for _ in name.utf8CodeUnitCount..<3 { out.append(32) }
                out.append(name)
                out.append(32)
                if p.be16(4) == 6 { appendMAC(p, 6, &out); out.append(32) }
                if !quick { writeCookedType(p.be16(14), wireLength, &out) }
            }
            writeCookedVLAN(p, type: p.be16(14), at: 16, &out)
        case .linuxSLL2:
            guard p.has(0, 20) else { return }
            writeInterfaceName(p.be32(4), &out)
            let direction: StaticString
            switch p.u8(10) {
            case 0: direction = "In "
            case 1: direction = "B  "
            case 2: direction = "M  "
            case 3: direction = "P  "
            case 4: direction = "Out"
            default: direction = "?  "
            }
            out.append(direction)
            out.append(32)
            if headers {
                out.append("ifindex ")
                out.append(decimal: UInt64(p.be32(4)))
                out.append(32)
                if p.u8(11) == 6 { appendMAC(p, 12, &out); out.append(32) }
                if !quick { writeCookedType(p.be16(0), wireLength, &out) }
            }
            writeCookedVLAN(p, type: p.be16(0), at: 20, &out)
        case .null, .loop:
            guard headers, p.has(0, 4) else { return }
            var family = type == .loop ? p.be32(0) : p.le32(0)
            if type == .null && family & 0xffff0000 != 0 { family = family.byteSwapped }
            if !quick { out.append("AF ") }
            switch family {
            case 2: out.append("IPv4")
            case 24, 28, 30: out.append("IPv6")
            default: out.append("Unknown")
            }
            if !quick {
                out.append(" (")
                out.append(decimal: UInt64(family))
                out.append(UInt8(ascii: ")"))
            }
            out.append(", length ")
            out.append(decimal: UInt64(wireLength))
            out.append(": ")
        case .raw, .rawBSD, .rawLinktype, .ipv4, .ipv6:
            if headers { out.append("ip: ") }
        case .ppp:
            guard let header = PPPProtocol.readHeader(p, at: 0) else { return }
            if headers { writePPPHeader(header, wireLength, &out) }
        case .pppHDLC:
            guard p.has(0, 4) else { return }
            switch p.u8(0) {
            case 0x0f, 0x8f:
                writeCiscoHDLC(p, wireLength, &out)
            default:
                if headers {
                    appendHexByte(p.u8(0), &out)
                    out.append(32)
                    appendHexByte(p.u8(1), &out)
                    out.append(32)
                    out.append(decimal: UInt64(wireLength))
                    out.append(32)
                }
                appendPPPName(p.be16(2), &out)
                out.append(": ")
            }
        case .ciscoHDLC:
            writeCiscoHDLC(p, wireLength, &out)
        case .ieee80211:
            write80211(p, at: 0, length: wireLength, padded: false, fcs: 0, &out)
        case .ieee80211Radiotap:
            guard let length = Radiotap.headerLength(p, at: 0) else { return }
            RadiotapText.write(p, length: length, into: &out)
            let flags = Radiotap.frameFlags(p, at: 0, length: length)
            write80211(p, at: length, length: wireLength - length, padded: flags & Radiotap.flagDataPad != 0,
                       fcs: flags & Radiotap.flagFCS != 0 ? 4 : 0, &out)
        case .ppi:
            guard p.has(0, 8) else { return }
            let length = Int(p.u8(2)) | Int(p.u8(3)) << 8
            let inner = LinkType(rawValue: Int32(bitPattern: p.le32(4)))
            if headers {
                let name = inner.isSupported || inner == .ppi ? inner.name : "UNKNOWN"
                if quick {
                    out.append(string: name)
                } else {
                    out.append("V.")
                    out.append(decimal: UInt64(p.u8(0)))
                    out.append(" DLT ")
                    out.append(string: name)
                    out.append(" (")
                    out.append(decimal: UInt64(UInt32(bitPattern: inner.rawValue)))
                    out.append(") len ")
                    out.append(decimal: UInt64(length))
                }
                out.append(", length ")
                out.append(decimal: UInt64(wireLength))
                out.append(": ")
            }
            guard inner != .ppi, p.has(0, length) else { return }
            write(inner, UnsafeRawBufferPointer(rebasing: p[length...]), Swift.max(0, wireLength - length), &out)
        case .arcnetLinux, .arcnetBSD:
            guard headers else { return }
            writeARCNET(p, linux: type == .arcnetLinux, wireLength, &out)
        case .juniperEther:
            guard let length = FrameDecoder.juniperHeaderLength(p) else { return }
            let flags = p.u8(3)
            if headers { out.append(flags & 0x01 != 0 ? " In " : "Out ") }
            if verbosity > 1 { writeJuniperExtensions(p, flags, &out) }
            if flags & 0x02 != 0 {
                if headers { out.append("no-L2-hdr, ") }
                return
            }
            if headers {
                out.append("hlen ")
                out.append(decimal: UInt64(length))
                out.append(", proto 0x0000, ")
                if p.has(length, 14) {
                    writeEthernet(UnsafeRawBufferPointer(rebasing: p[length...]), at: 0, length: Swift.max(0, wireLength - length), &out)
                }
            }
        case .ipOverInfiniband:
            guard headers, p.has(0, 44) else { return }
            out.append("IPOIB, ")
            if quick {
                out.append("ethertype ")
                appendEtherTypeName(p.be16(40), &out)
            } else {
                appendEtherType(p.be16(40), &out)
            }
            out.append(", length ")
            out.append(decimal: UInt64(wireLength))
            out.append(": ")
        default:
            break
        }
    }

    // MARK: Ethernet and cooked captures

    /// `src > dst, ` then each EtherType, the frame's length after the first, VLAN tags between.
    private func writeEthernet(_ p: UnsafeRawBufferPointer, at offset: Int, length: Int, _ out: inout OutputBuffer) {
        appendMAC(p, offset + 6, &out)
        out.append(" > ")
        appendMAC(p, offset, &out)
        out.append(", ")
        var type = p.be16(offset + 12)
        var at = offset + 14
        var printedLength = false
        while true {
            appendEtherType(type, &out)
            if printedLength {
                out.append(", ")
            } else {
                out.append(", length ")
                out.append(decimal: UInt64(length))
                out.append(": ")
                printedLength = true
            }
            guard FrameDecoder.isVLANType(type), p.has(at, 4) else { return }
            appendVLANTag(p.be16(at), &out)
            type = p.be16(at + 2)
            at += 4
        }
    }

    /// A cooked header's VLAN tags: tcpdump prints their EtherTypes even without `-e`.
    private func writeCookedType(_ type: UInt16, _ wireLength: Int, _ out: inout OutputBuffer) {
        switch type {
        case 0x0001: out.append("802.3")
        case 0x0004: out.append("802.2")
        case ...1500:
            out.append("ethertype Unknown (0x")
            out.append(hex: UInt64(type), minimumDigits: 4)
            out.append(UInt8(ascii: ")"))
        default: appendEtherType(type, &out)
        }
        out.append(", length ")
        out.append(decimal: UInt64(wireLength))
        out.append(": ")
    }

    private func writeCookedVLAN(_ p: UnsafeRawBufferPointer, type first: UInt16, at start: Int, _ out: inout OutputBuffer) {
        var type = first
        var at = start
        while type == 0x8100 && p.has(at, 4) {
            if headers { appendVLANTag(p.be16(at), &out) }
            type = p.be16(at + 2)
            if !quick {
                out.append("ethertype ")
                appendEtherTypeName(type <= 1500 ? 0x0004 : type, &out)
                out.append(", ")
            }
            at += 4
        }
    }

    private func appendVLANTag(_ tag: UInt16, _ out: inout OutputBuffer) {
        out.append("vlan ")
        out.append(decimal: UInt64(tag & 0x0fff))
        out.append(", p ")
        out.append(decimal: UInt64(tag >> 13))
        if tag & 0x1000 != 0 { out.append(", DEI") }
        out.append(", ")
    }

    private func writeInterfaceName(_ index: UInt32, _ out: inout OutputBuffer) {
        var name = [CChar](repeating: 0, count: Int(IF_NAMESIZE) + 1)
        var text = "?"
        if if_indextoname(index, &name) != nil {
            text = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        out.append(string: text)
        // printf's "%-5s": names longer than five characters are printed whole.
        for _ in Swift.min(5, text.utf8.count)..<5 { out.append(32) }
        out.append(32)
    }

    // MARK: PPP and HDLC

    private func writePPPHeader(_ header: PPPProtocol.Header, _ wireLength: Int, _ out: inout OutputBuffer) {
        if let direction = header.pppdDirection { out.append(direction == 0 ? "In  " : "Out ") }
        appendPPPName(header.proto, unknown: "unknown", &out)
        out.append(" (0x")
        out.append(hex: UInt64(header.proto), minimumDigits: 4)
        out.append("), length ")
        out.append(decimal: UInt64(wireLength))
        out.append(": ")
    }

    private func appendPPPName(_ proto: UInt16, unknown: StaticString? = nil, _ out: inout OutputBuffer) {
        if let name = PPPProtocol.name(proto) {
            out.append(string: name)
        } else if let unknown {
            out.append(unknown)
        } else {
            out.append("unknown PPP protocol (0x")
            out.append(hex: UInt64(proto), minimumDigits: 4)
            out.append(UInt8(ascii: ")"))
        }
    }

    private func writeCiscoHDLC(_ p: UnsafeRawBufferPointer, _ wireLength: Int, _ out: inout OutputBuffer) {
        guard headers, p.has(0, 4) else { return }
        switch p.u8(0) {
        case 0x0f: out.append("unicast")
        case 0x8f: out.append("bcast")
        default:
            out.append("0x")
            appendHexByte(p.u8(0), &out)
        }
        out.append(", ")
        appendEtherType(p.be16(2), quickToo: false, &out)
        out.append(", length ")
        out.append(decimal: UInt64(wireLength))
        out.append(": ")
    }

    // MARK: 802.11

    /// With `-e`: the MAC header (flags and duration with `-v`, the addresses in the order the DS
    /// bits give them), then LLC and SNAP.
    private func write80211(_ p: UnsafeRawBufferPointer, at offset: Int, length: Int, padded: Bool, fcs: Int, _ out: inout OutputBuffer) {
        guard headers, let header = IEEE80211Header.read(p, at: offset), header.isData else { return }
        var headerLength = header.headerLength
        guard p.has(offset, headerLength) else { return }
        if verbosity > 0 {
            if header.moreData { out.append("More Data ") }
            if header.moreFragments { out.append("More Fragments ") }
            if header.powerManagement { out.append("Pwr Mgmt ") }
            if header.retry { out.append("Retry ") }
            if header.order { out.append("Strictly Ordered ") }
            if header.isProtected { out.append("Protected ") }
            out.append(decimal: UInt64(UInt16(p.u8(offset + 2)) | UInt16(p.u8(offset + 3)) << 8))
            out.append("us ")
        }
        let subtype = header.subtype
        if subtype & 0x0b != 0 {
            out.append("CF ")
            if subtype & 0x01 != 0 {
                out.append(subtype & 0x02 != 0 ? "Ack/Poll" : "Ack")
            } else if subtype & 0x02 != 0 {
                out.append("Poll")
            }
            if header.isQoS { out.append("+QoS") }
            out.append(32)
        }
        let a1 = offset + 4, a2 = offset + 10, a3 = offset + 16, a4 = offset + 24
        func address(_ label: StaticString, _ at: Int) {
            out.append(label)
            appendMAC(p, at, &out)
            out.append(32)
        }
        switch (header.toDS, header.fromDS) {
        case (false, false): address("DA:", a1); address("SA:", a2); address("BSSID:", a3)
        case (false, true): address("DA:", a1); address("BSSID:", a2); address("SA:", a3)
        case (true, false): address("BSSID:", a1); address("SA:", a2); address("DA:", a3)
        case (true, true): address("RA:", a1); address("TA:", a2); address("DA:", a3); address("SA:", a4)
        }
        if padded { headerLength = (headerLength + 3) & ~3 }
        let llc = offset + headerLength
        guard p.has(llc, 8), p.u8(llc + 2) == 0x03 else { return }
        let dsap = p.u8(llc), ssap = p.u8(llc + 1)
        out.append("LLC, dsap ")
        appendSAP(dsap & 0xfe, &out)
        out.append(dsap & 1 == 0 ? " Individual, ssap " : " Group, ssap ")
        appendSAP(ssap & 0xfe, &out)
        out.append(ssap & 1 == 0 ? " Command, ctrl 0x03: " : " Response, ctrl 0x03: ")
        let oui = UInt32(p.u8(llc + 3)) << 16 | UInt32(p.be16(llc + 4))
        out.append("oui ")
        switch oui {
        case 0: out.append("Ethernet")
        case 0xf8: out.append("Cisco bridged")
        default: out.append("Unknown")
        }
        out.append(" (0x")
        out.append(hex: UInt64(oui), minimumDigits: 6)
        out.append("), ")
        appendEtherType(p.be16(llc + 6), quickToo: false, &out)
        out.append(", length ")
        out.append(decimal: Swift.max(0, length - headerLength - fcs - 8))
        out.append(": ")
    }

    private func appendSAP(_ sap: UInt8, _ out: inout OutputBuffer) {
        out.append(sap == 0xaa ? "SNAP" : "Unknown")
        out.append(" (0x")
        appendHexByte(sap, &out)
        out.append(UInt8(ascii: ")"))
    }

    // MARK: ARCNET

    /// tcpdump 4.99 reads the system code of a Linux ARCNET header at the BSD header's offset
    /// (byte 2, the first byte of Linux's offset field); the line shows what it reads.
    private func writeARCNET(_ p: UnsafeRawBufferPointer, linux: Bool, _ wireLength: Int, _ out: inout OutputBuffer) {
        guard p.has(0, 3) else { return }
        appendHexByte(p.u8(0), &out)
        out.append(32)
        appendHexByte(p.u8(1), &out)
        out.append(32)
        if quick {
            out.append(decimal: UInt64(wireLength))
            out.append(": ")
            return
        }
        let code = p.u8(2)
        switch code {
        case 0xf0: out.append("oldip")
        case 0xf1: out.append("oldarp")
        case 0xd4: out.append("ip")
        case 0xd5: out.append("arp")
        case 0xd6: out.append("rarp")
        case 0xdd: out.append("atalk")
        case 0xf7: out.append("banyan")
        case 0xfa: out.append("ipx")
        case 0xc4: out.append("ipv6")
        case 0x80: out.append("diag")
        default: appendHexByte(code, &out)
        }
        out.append(32)
        if !linux && !FrameDecoder.arcnetHasShortHeader(code) && p.has(0, 6) {
            var split = p.u8(3)
            var sequence = p.be16(4)
            if split == 0xff && p.has(0, 10) {
                split = p.u8(7)
                sequence = p.be16(8)
            }
            out.append("seqid ")
            out.append(hex: UInt64(sequence), minimumDigits: 4)
            out.append(32)
            if split != 0 {
                if split & 1 != 0 {
                    out.append("(first of ")
                    out.append(decimal: UInt64((Int(split) + 3) / 2))
                    out.append(" fragments) ")
                } else {
                    out.append("(fragment ")
                    out.append(decimal: UInt64(Int(split) / 2 + 1))
                    out.append(") ")
                }
            }
        }
        out.append(decimal: UInt64(wireLength))
        out.append(": ")
    }

    // MARK: Juniper

    /// `-vv`: the capture flags and each extension TLV, on lines of their own.
    private func writeJuniperExtensions(_ p: UnsafeRawBufferPointer, _ flags: UInt8, _ out: inout OutputBuffer) {
        out.append("\n\tJuniper PCAP Flags [")
        let names: [(UInt8, StaticString)] = [(0x80, "Ext"), (0x40, "Filter"), (0x04, "IIF"), (0x02, "no-L2"), (0x01, "In")]
        var first = true
        for (bit, name) in names where flags & bit != 0 {
            if !first { out.append(", ") }
            out.append(name)
            first = false
        }
        if first { out.append("none") }
        out.append(UInt8(ascii: "]"))
        guard flags & 0x80 != 0, p.has(4, 2) else { return }
        var remaining = Int(p.be16(4))
        out.append(", PCAP Extension(s) total length ")
        out.append(decimal: UInt64(remaining))
        var at = 6
        while remaining > 2 && p.has(at, 2) {
            let type = p.u8(at), length = Int(p.u8(at + 1))
            at += 2
            if type == 0 || length == 0 || length + 2 > remaining || !p.has(at, length) { break }
            out.append("\n\t  ")
            switch type {
            case 1: out.append("Device Interface Index")
            case 2: out.append("Device Interface Name")
            case 3: out.append("Device Media Type")
            case 4: out.append("Logical Interface Index")
            case 5: out.append("Logical Unit Number")
            case 6: out.append("Logical Interface Encapsulation")
            case 7: out.append("TTP derived Device Media Type")
            case 8: out.append("TTP derived Logical Interface Encapsulation")
            default: out.append("Unknown")
            }
            out.append(" Extension TLV #")
            out.append(decimal: UInt64(type))
            out.append(", length ")
            out.append(decimal: UInt64(length))
            out.append(", value ")
            // Types below 128 are little-endian, the others big-endian; other lengths have no value.
            var value: UInt32? = nil
            if length >= 1 && length <= 4 {
                var v: UInt32 = 0
                for i in 0..<length {
                    let byte = UInt32(p.u8(at + (type < 128 ? length - 1 - i : i)))
                    v = v << 8 | byte
                }
                value = v
            }
            if let value, Int32(bitPattern: value) != -1 {
                switch type {
                case 3, 7:
                    out.append(value == 1 ? "Ethernet" : "Unknown")
                    out.append(" (")
                    out.append(decimal: UInt64(value))
                    out.append(UInt8(ascii: ")"))
                case 6, 8:
                    out.append(value == 14 ? "Ethernet" : "Unknown")
                    out.append(" (")
                    out.append(decimal: UInt64(value))
                    out.append(UInt8(ascii: ")"))
                case 2:
                    break
                default:
                    out.append(decimal: UInt64(value))
                }
            }
            at += length
            remaining -= length + 2
        }
        out.append("\n\t-----original packet-----\n\t")
    }

    // MARK: Small pieces

    private func appendHexByte(_ byte: UInt8, _ out: inout OutputBuffer) {
        out.append(hex: UInt64(byte), minimumDigits: 2)
    }

    private func appendMAC(_ p: UnsafeRawBufferPointer, _ at: Int, _ out: inout OutputBuffer) {
        guard p.has(at, 6) else { return }
        for i in 0..<6 {
            if i > 0 { out.append(UInt8(ascii: ":")) }
            appendHexByte(p.u8(at + i), &out)
        }
    }

    /// `ethertype IPv4 (0x0800)`; `IPv4` with `-q`.
    private func appendEtherType(_ type: UInt16, quickToo: Bool = true, _ out: inout OutputBuffer) {
        if quick && quickToo {
            appendEtherTypeName(type, &out)
            return
        }
        out.append("ethertype ")
        appendEtherTypeName(type, &out)
        out.append(" (0x")
        out.append(hex: UInt64(type), minimumDigits: 4)
        out.append(UInt8(ascii: ")"))
    }

    /// tcpdump's names (its `ethertype_values`) for the EtherTypes a TCP line can pass through.
    private func appendEtherTypeName(_ type: UInt16, _ out: inout OutputBuffer) {
        out.append(LinkHeaderText.etherTypeName(type) ?? "Unknown")
    }

    static func etherTypeName(_ type: UInt16) -> StaticString? {
        switch type {
        case 0x0004: return "802.2"
        case 0x0800: return "IPv4"
        case 0x86dd: return "IPv6"
        case 0x8100: return "802.1Q"
        case 0x88a8: return "802.1Q-QinQ"
        case 0x9100: return "802.1Q-9100"
        case 0x9200: return "802.1Q-9200"
        case 0x8847: return "MPLS unicast"
        case 0x8848: return "MPLS multicast"
        case 0x8863: return "PPPoE D"
        case 0x8864: return "PPPoE S"
        case 0x6558: return "TEB"
        case 0x0806: return "ARP"
        case 0x880b: return "PPP"
        default: return nil
        }
    }
}
