import Capture
import Flows
import Render
import Wire

/// IP fragments of TCP: each prints tcpdump's line for it; the reassembler joins them, and the
/// fragment that completes a datagram hands the whole segment to the tracker (docs/fragments.md).
extension Session {
    /// A fragment, first or later. Decoded again here, out of line, so that the plain path's
    /// decoding stays inlined in `handle` (measured: docs/fragments.md).
    @inline(never)
    mutating func handleFragment(_ record: PacketRecord, number: Int, decoder: FrameDecoder) {
        let network: NetworkHeader, dataOffset: Int, dataLength: Int
        let frame = decoder.decode(record.bytes, wireLength: record.wireLength)
        switch frame {
        case .tcp(let view):
            (network, dataOffset, dataLength) = (view.network, view.tcp.offset, view.segmentLength)
        case let .truncatedTCP(n, offset, length):
            (network, dataOffset, dataLength) = (n, offset, length)
        case .laterFragment(let fragment):
            (network, dataOffset, dataLength) = (fragment.network, fragment.dataOffset, fragment.dataLength)
        case .other, .malformed:
            return
        }
        counts.tcp += 1
        let (outcome, event) = reassemble(record, number: number, network: network, dataOffset: dataOffset, dataLength: dataLength)
        outputs.fragment(frame, record, number: number, network: network, outcome: outcome, event: event)
        track.afterPacket(&outputs)
    }

    private mutating func reassemble(_ record: PacketRecord, number: Int, network: NetworkHeader, dataOffset: Int,
                                     dataLength: Int) -> (FragmentOutcome, PacketEvent?) {
        let outcome = fragments.add(network, dataOffset: dataOffset, dataLength: dataLength, record.bytes,
                                    time: record.time, datagram: &reassembledBytes)
        guard outcome.result == .reassembled else { return (outcome, nil) }
        var datagram: [UInt8] = []
        swap(&datagram, &reassembledBytes)
        defer { swap(&datagram, &reassembledBytes) }
        let event = datagram.withUnsafeBytes { bytes -> PacketEvent? in
            guard let (view, segment) = SegmentDecoding.reassembledSegment(bytes, truncated: outcome.truncated, record, number: number,
                                                                            verifyChecksums: settings.verifyChecksums) else { return nil }
            // --shard: the reassembled segment belongs to its connection's shard.
            if let shard = track.shard, !shard.contains(segment.source, segment.destination) {
                track.advanceClock(segment.time, &outputs)
                return nil
            }
            let event = track.track(segment, &outputs)
            outputs.reassembled(view, time: record.time, number: number, event: event)
            return event
        }
        return (outcome, event)
    }
}
