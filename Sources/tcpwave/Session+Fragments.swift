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
        if settings.noteNames, let event { writeNoteNames(number, event) }
        if printing {
            printer.writePrefix(packetNumber: number, seconds: record.seconds, fraction: record.fraction, into: &out)
            switch frame {
            case .tcp(let view): printer.writeTCP(view, record.bytes, wireLength: record.wireLength, into: &out)
            case let .truncatedTCP(n, offset, length):
                printer.writeTruncatedTCP(network: n, transportOffset: offset, transportLength: length, record.bytes,
                                          wireLength: record.wireLength, into: &out)
            case .laterFragment(let fragment): printer.writeLaterFragment(fragment, record.bytes, into: &out)
            case .other, .malformed: break
            }
            if settings.annotate { FragmentText.write(outcome, event: event, into: &out) }
            settings.style.payloadDump?.write(record.bytes, linkHeaderLength: network.offset, into: &out)
            out.append(UInt8(ascii: "\n"))
            out.endLine()
        }
        afterTCP()
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
            guard let (view, segment) = Session.reassembledSegment(bytes, truncated: outcome.truncated, record, number: number,
                                                                    verifyChecksums: settings.verifyChecksums) else { return nil }
            // --shard: the reassembled segment belongs to its connection's shard.
            if let shard, !shard.contains(segment.source, segment.destination) {
                advanceClock(segment.time)
                return nil
            }
            let event = track(segment)
            if jsonPackets {
                JSONLines.writePacket(number: number, time: record.time, fractionDigits: fractionDigits, view: view, event: event, into: &out)
                if let sensorEnding { JSONLines.tagRecord(sensorEnding, &out) }
                out.endLine()
            }
            return event
        }
        return (outcome, event)
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
        var segment = Session.segment(view, whole, number: number, verifyChecksums: verifyChecksums, decoder: .reassembled)
        if truncated {
            // Bytes the capture did not keep are zeros in the datagram: nothing to verify.
            segment.truncatedPayload = true
            segment.checksum = .unchecked
        }
        return (view, segment)
    }
}
