import Capture
import Flows
import Render
import Wire

/// The decode stage's last step: the tracker's view of a TCP packet (a `Segment`), made from the
/// decoded frame on whichever thread decodes (Session on one thread, DecodedBatch on the reader).
enum SegmentDecoding {
    /// The tracker's view of a TCP packet whose header length is valid.
    static func segment(_ view: TCPSegmentView, _ record: PacketRecord, number: Int, verifyChecksums: Bool,
                        decoder: FrameDecoder) -> Segment {
        // The tracker reads options only on SYNs (window scale); other segments skip parsing.
        let options = view.tcp.flags.contains(.syn) ? TCPOptionSummary(record.bytes, tcp: view.tcp) : TCPOptionSummary()
        var segment = Segment(view, options: options, time: record.time, packetNumber: number)
        if view.tunnel != 0 {
            // The same 4-tuple in another tunnel is another connection (docs/records.md).
            let tunnel = TunnelRegistry.shared.number(for: view.tunnel) {
                TunnelText.describe(record.bytes, decoder: decoder, wireLength: record.wireLength)
            }
            segment.source.tunnel = tunnel
            segment.destination.tunnel = tunnel
        }
        segment.truncatedPayload = view.tcp.offset + view.segmentLength > record.bytes.count
        if verifyChecksums { segment.checksum = SegmentChecksum.verdict(view, record.bytes) }
        return segment
    }

    /// The tracker's segment of a reassembled datagram, timed and numbered as the fragment that
    /// completed it; nil when its TCP header is not valid.
    static func reassembledSegment(_ datagram: UnsafeRawBufferPointer, truncated: Bool, _ record: PacketRecord, number: Int,
                                   verifyChecksums: Bool) -> (TCPSegmentView, Segment)? {
        guard case .tcp(let view) = FrameDecoder.decodeReassembled(datagram), view.hasValidHeaderLength else { return nil }
        var whole = record
        whole.bytes = datagram
        whole.captureLength = datagram.count
        whole.wireLength = datagram.count
        var segment = segment(view, whole, number: number, verifyChecksums: verifyChecksums, decoder: .reassembled)
        if truncated {
            // Bytes the capture did not keep are zeros in the datagram: nothing to verify.
            segment.truncatedPayload = true
            segment.checksum = .unchecked
        }
        return (view, segment)
    }
}
