#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Wire

/// Prints TCP packets as Debian's `tcpdump -nn` 4.99 does, up to and including `length N`
/// (and the `-v` RST payload that follows it). Keeps tcpdump's relative-sequence bases.
public struct TcpdumpPrinter {
    public let style: TcpdumpStyle
    public private(set) var linkType: LinkType
    private var clock: TimestampFormatter
    private var bases = SequenceBases()
    /// The last `writeTCP` stopped where tcpdump's printer reads past the captured bytes and
    /// longjmps out: tcpdump then dumps (`-x`, `-X`, `-A`) from the frame's first byte.
    public private(set) var readPastCapture = false
    /// Walks a tunnelled frame's outer headers again for their text.
    private var decoder: FrameDecoder?

    public init(style: TcpdumpStyle, linkType: LinkType) {
        self.style = style
        self.linkType = linkType
        self.decoder = try? FrameDecoder(linkType: linkType)
        self.clock = TimestampFormatter(style: style.timestamps, nanoseconds: style.nanoseconds)
    }

    /// The next packets come from a capture of another link type (several files read as one
    /// stream); sequence bases and the clock carry on, as in tcpdump.
    public mutating func switchLinkType(_ type: LinkType) {
        guard type != linkType else { return }
        linkType = type
        decoder = try? FrameDecoder(linkType: type)
    }

    /// `-#` number and the timestamp, each with tcpdump's trailing spaces.
    public mutating func writePrefix(packetNumber: Int, seconds: Int, fraction: Int, into out: inout OutputBuffer) {
        if style.packetNumbers { out.append(decimal: UInt64(packetNumber), spacePadded: 5); out.append("  ") }
        clock.append(seconds: seconds, fraction: fraction, to: &out)
    }

    /// Keeps `-ttt`/`-ttttt` deltas right across packets that are not printed.
    public mutating func skip(seconds: Int, fraction: Int) {
        clock.skip(seconds: seconds, fraction: fraction)
    }

    /// Link-layer text: what tcpdump prints even without `-e` (cooked v2's interface and direction,
    /// radiotap's radio fields...), and with `-e` the link header (LinkHeaderText.swift).
    func writeLinkText(_ p: UnsafeRawBufferPointer, _ wireLength: Int, _ network: NetworkHeader, _ out: inout OutputBuffer) {
        if linkType == .ethernet && !style.linkHeaders { return }
        LinkHeaderText(linkType: linkType, headers: style.linkHeaders, verbosity: style.verbosity, quick: style.quick)
            .write(p, wireLength: wireLength, into: &out)
    }

    /// The same for a frame whose length on the wire is not at hand: `-e` prints the captured length.
    func writeLinkText(_ p: UnsafeRawBufferPointer, _ network: NetworkHeader, _ out: inout OutputBuffer) {
        writeLinkText(p, p.count, network, &out)
    }

    /// A packet whose IP layer says TCP but whose 20-byte TCP header was not captured.
    public mutating func writeTruncatedTCP(network: NetworkHeader, transportOffset: Int, transportLength: Int,
                                           _ p: UnsafeRawBufferPointer, wireLength: Int? = nil, into out: inout OutputBuffer) {
        writeLinkText(p, wireLength ?? p.count, network, &out)
        if let decoder {
            let layers = decoder.encapsulationLayers(p, wireLength: wireLength ?? p.count)
            if !layers.isEmpty && !TunnelText.write(layers, p, verbosity: style.verbosity, linkHeaders: style.linkHeaders, verifyChecksum: !style.skipChecksums,
                                                                 quick: style.quick, into: &out) { return }
        }
        if network.lengthIsUnstated, case .ipv4 = network {
            writeBadLength(network, &out)
            return
        }
        let withAddresses = IPHeaderText.write(network, p, bytesMissing: 0, verbosity: style.verbosity,
                                               protocolName: !style.linkHeaders, verifyChecksum: !style.skipChecksums, into: &out)
        // An IPv6 first fragment with no data: tcpdump stops after `frag (0|0) `.
        if transportLength <= 0, case .ipv6(let h) = network, h.hasFragmentHeader { return }
        let end = Swift.min(p.count, transportOffset + Swift.max(0, transportLength))
        guard transportOffset + 4 <= end else {
            out.append(address: network.source)
            out.append(" > ")
            out.append(address: network.destination)
            out.append(": [|tcp]")
            return
        }
        let sport = p.be16(transportOffset), dport = p.be16(transportOffset + 2)
        writePorts(network, sport, dport, withAddresses, &out)
        out.append(" [|tcp]")
    }

    private func writePorts(_ network: NetworkHeader, _ sport: UInt16, _ dport: UInt16, _ withAddresses: Bool, _ out: inout OutputBuffer) {
        if withAddresses {
            out.append(endpoint: Endpoint(address: network.source, port: sport))
            out.append(" > ")
            out.append(endpoint: Endpoint(address: network.destination, port: dport))
        } else {
            out.append(decimal: UInt64(sport))
            out.append(" > ")
            out.append(decimal: UInt64(dport))
        }
        out.append(": ")
    }

    /// A decoded TCP segment. Returns false when tcpdump would have stopped early (bad header
    /// length, malformed options): the line is complete as it stands.
    @discardableResult
    public mutating func writeTCP(_ v: TCPSegmentView, _ p: UnsafeRawBufferPointer, wireLength: Int? = nil,
                                  into out: inout OutputBuffer) -> Bool {
        readPastCapture = false
        if v.network.lengthIsUnstated {
            writeUnstatedLength(v, p, wireLength: wireLength, into: &out)
            return false
        }
        writeLinkText(p, wireLength ?? p.count, v.network, &out)
        if v.tunnel != 0, let decoder {
            let layers = decoder.encapsulationLayers(p, wireLength: wireLength ?? p.count)
            if !TunnelText.write(layers, p, verbosity: style.verbosity, linkHeaders: style.linkHeaders, verifyChecksum: !style.skipChecksums,
                                                                 quick: style.quick, into: &out) { return true }
        }
        let withAddresses = IPHeaderText.write(v.network, p, bytesMissing: v.ipBytesMissing, verbosity: style.verbosity,
                                               protocolName: !style.linkHeaders, verifyChecksum: !style.skipChecksums, into: &out)
        let tcp = v.tcp
        writePorts(v.network, tcp.sourcePort, tcp.destinationPort, withAddresses, &out)

        let length = v.segmentLength
        let hlen = tcp.headerLength
        // Captured bytes end at the capture or at the datagram's declared end, whichever is first.
        let end = Swift.min(p.count, tcp.offset + length)

        if hlen < 20 {
            out.append(" tcp ")
            out.append(decimal: UInt32(truncatingIfNeeded: length - hlen))
            out.append(" [bad hdr length ")
            out.append(decimal: UInt64(hlen))
            out.append(" - too short, < 20]")
            return false
        }
        if style.quick {
            out.append("tcp ")
            out.append(decimal: UInt32(truncatingIfNeeded: length - hlen))
            if hlen > length { appendTooLong(hlen, length, &out) }
            return true
        }

        let flags = tcp.flags
        out.append("Flags [")
        out.append(tcpdumpFlags: flags)
        out.append(UInt8(ascii: "]"))

        var seq = tcp.sequence, ack = tcp.acknowledgment
        var thseq: UInt32 = 0, thack: UInt32 = 0, rev = false
        if !style.absoluteSequence && flags.contains(.ack) {
            let r = bases.relative(source: v.source, destination: v.destination, seq: seq, ack: ack, syn: flags.contains(.syn))
            seq = r.seq; ack = r.ack; thseq = r.thseq; thack = r.thack; rev = r.rev
        }

        if hlen > length {
            appendTooLong(hlen, length, &out)
            return false
        }

        let fragmented: Bool
        switch v.network {
        case .ipv4(let h): fragmented = h.moreFragments
        case .ipv6(let h): fragmented = h.hasFragmentHeader
        }
        if style.verbosity > 0 && !style.skipChecksums && !fragmented && tcp.offset + length <= end {
            var sum = InternetChecksum()
            sum.add(address: v.network.source)
            sum.add(address: checksumDestination(v.network, p))
            sum.add(be32: UInt32(length))
            sum.add(be16: 6)
            sum.add(p, offset: tcp.offset, count: length)
            let residue = sum.residue
            out.append(", cksum 0x")
            out.append(hex: UInt64(tcp.checksum), minimumDigits: 4)
            if residue != 0 {
                out.append(" (incorrect -> 0x")
                out.append(hex: UInt64(InternetChecksum.shouldBe(field: tcp.checksum, residue: residue)), minimumDigits: 4)
                out.append(UInt8(ascii: ")"))
            } else {
                out.append(" (correct)")
            }
        }

        let payload = length - hlen
        if style.verbosity > 1 || payload > 0 || flags.contains(.syn) || flags.contains(.fin) || flags.contains(.rst) {
            out.append(", seq ")
            out.append(decimal: seq)
            if payload > 0 {
                out.append(UInt8(ascii: ":"))
                out.append(decimal: seq &+ UInt32(truncatingIfNeeded: payload))
            }
        }
        if flags.contains(.ack) {
            out.append(", ack ")
            out.append(decimal: ack)
        }
        out.append(", win ")
        out.append(decimal: UInt64(tcp.window))
        if flags.contains(.urg) {
            out.append(", urg ")
            out.append(decimal: UInt64(tcp.urgentPointer))
        }
        if hlen > 20 {
            var protocolName: StaticString = "tcp"
            let outcome = TCPOptionText.write(
                p, start: tcp.offset + 20, optionsLength: hlen - 20, end: end, flags: flags,
                thseq: thseq, thack: thack, rev: rev, payloadCaptured: tcp.offset + length <= end,
                protocolName: &protocolName, into: &out)
            if outcome != .complete {
                readPastCapture = outcome == .readPastCapture
                return false
            }
        }
        out.append(", length ")
        out.append(decimal: UInt64(payload))
        if payload <= 0 { return true }
        if tcp.offset + hlen > end {
            out.append(" [remaining caplen(")
            out.append(decimal: UInt64(Swift.max(0, end - tcp.offset)))
            out.append(") < header length(")
            out.append(decimal: UInt64(hlen))
            out.append(")] [|tcp]")
            readPastCapture = true
            return false
        }
        if flags.contains(.rst) && style.verbosity > 0 {
            writeResetData(p, from: tcp.offset + hlen, length: payload, end: end, &out)
        }
        return true
    }

    private func appendTooLong(_ hlen: Int, _ length: Int, _ out: inout OutputBuffer) {
        out.append(" [bad hdr length ")
        out.append(decimal: UInt64(hlen))
        out.append(" - too long, > ")
        out.append(decimal: UInt32(truncatingIfNeeded: length))
        out.append(UInt8(ascii: "]"))
    }

    /// The address the TCP pseudo-header names: the final hop of a source route when there is one.
    private func checksumDestination(_ network: NetworkHeader, _ p: UnsafeRawBufferPointer) -> IPAddress {
        switch network {
        case .ipv4(let h):
            var at = h.offset + 20
            let end = h.offset + h.headerLength
            while at < end {
                let code = p.u8(at)
                if code == 0 { break }
                if code == 1 { at += 1; continue }
                guard at + 1 < end else { break }
                let len = Int(p.u8(at + 1))
                guard len >= 2, at + len <= end else { break }
                if (code == 131 || code == 137) && len >= 7 {
                    return IPAddress(ipv4: p.be32(at + len - 4))
                }
                at += len
            }
            return IPAddress(ipv4: h.destination)
        case .ipv6(let h):
            var next = h.nextHeader
            var at = h.offset + 40
            var walked = 0
            while walked < h.extensionCount {
                let length = next == IPv6Header.fragment ? 8 : (Int(p.u8(at + 1)) + 1) * 8
                if next == IPv6Header.routing && at + length <= p.count {
                    let type = p.u8(at + 2)
                    if (type == 0 || type == 2) && length >= 24 {
                        let last = at + 8 + ((length - 8) / 16 - 1) * 16
                        return IPAddress(ipv6High: p.be64(last), low: p.be64(last + 8))
                    }
                    if type == 4 && length >= 24 {
                        return IPAddress(ipv6High: p.be64(at + 8), low: p.be64(at + 16))
                    }
                }
                next = p.u8(at)
                at += length
                walked += 1
            }
            return h.destination
        }
    }

    /// `-v` RST payload: up to 30 bytes, with tcpdump's `M-` and `^` escapes.
    private func writeResetData(_ p: UnsafeRawBufferPointer, from start: Int, length: Int, end: Int, _ out: inout OutputBuffer) {
        out.append(start + length <= end ? " [RST" : " [!RST")
        if length > 30 { out.append(UInt8(ascii: "+")) }
        out.append(32)
        var i = start
        let stop = Swift.min(start + Swift.min(length, 30), end)
        while i < stop {
            var c = p.u8(i)
            if c >= 0x80 {
                out.append("M-")
                c &= 0x7f
            }
            if c < 0x20 || c == 0x7f {
                out.append(UInt8(ascii: "^"))
                c ^= 0x40
            }
            out.append(c)
            i += 1
        }
        out.append(UInt8(ascii: "]"))
    }
}
