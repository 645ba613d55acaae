import Flows
import Wire

/// Checksum verdicts for the Zeek model, computed as Zeek checks them: the IPv4 header
/// checksum first (a bad one drops the packet), then the TCP checksum over the pseudo-header,
/// the header and the payload the IP header declares. A segment not captured whole, or a
/// first fragment, is not checked (Zeek skips a truncated one and reassembles fragments).
enum SegmentChecksum {
    static func verdict(_ v: TCPSegmentView, _ p: UnsafeRawBufferPointer) -> ChecksumVerdict {
        switch v.network {
        case .ipv4(let h):
            var header = InternetChecksum()
            header.add(p, offset: h.offset, count: h.headerLength)
            if header.residue != 0 { return .badIP }
            if h.moreFragments { return .unchecked }
        case .ipv6(let h):
            if h.hasFragmentHeader { return .unchecked }
        }
        let length = v.segmentLength
        guard length >= 0, v.tcp.offset + length <= p.count else { return .unchecked }
        var sum = InternetChecksum()
        sum.add(address: v.network.source)
        sum.add(address: v.network.destination)
        sum.add(be32: UInt32(truncatingIfNeeded: length))
        sum.add(be16: 6)
        sum.add(p, offset: v.tcp.offset, count: length)
        return sum.residue == 0 ? .valid : .badTCP
    }
}
