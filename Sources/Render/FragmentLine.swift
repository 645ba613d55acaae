import Wire

/// tcpdump's lines for IP fragments and for datagrams whose header states no length.
extension TcpdumpPrinter {
    /// A TCP datagram's fragment other than the first: the IP part only, as tcpdump prints it
    /// (`IP a > b: ip-proto-6`, `IP6 a > b: frag (off|len)`), the `-v` header included.
    public mutating func writeLaterFragment(_ f: IPFragment, _ p: UnsafeRawBufferPointer, into out: inout OutputBuffer) {
        writeLinkText(p, f.network, &out)
        // IPv6: the extension text names the addresses and ends with the fragment header.
        _ = IPHeaderText.write(f.network, p, bytesMissing: f.ipBytesMissing, verbosity: style.verbosity,
                               protocolName: !style.linkHeaders, verifyChecksum: !style.skipChecksums, into: &out)
        if case .ipv4(let h) = f.network {
            out.appendIPv4(h.source)
            out.append(" > ")
            out.appendIPv4(h.destination)
            out.append(": ip-proto-")
            out.append(decimal: UInt64(h.proto))
        }
    }

    /// `IP bad-len N`: tcpdump prints nothing more of an IPv4 datagram whose total length is
    /// shorter than its header, even with `-v`.
    func writeBadLength(_ network: NetworkHeader, _ out: inout OutputBuffer) {
        guard case .ipv4(let h) = network else { return }
        // With -e the link header has named the EtherType; tcpdump drops its "IP ".
        if !style.linkHeaders { out.append("IP ") }
        out.append("bad-len ")
        out.append(decimal: UInt64(h.totalLength))
    }

    /// A TSO/GSO or BIG TCP segment, tracked with the frame's length but printed as tcpdump
    /// prints a header without a length: `IP bad-len 0`, or IPv6's `[|tcp]`.
    mutating func writeUnstatedLength(_ v: TCPSegmentView, _ p: UnsafeRawBufferPointer, wireLength: Int?, into out: inout OutputBuffer) {
        writeTruncatedTCP(network: v.network, transportOffset: v.tcp.offset, transportLength: 0, p, wireLength: wireLength, into: &out)
    }
}
