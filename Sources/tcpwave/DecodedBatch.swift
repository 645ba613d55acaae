import Capture
import Flows
import Render
import Wire

/// Packets decoded on the reader thread for the tracking thread (OfflineRun's pipelined path):
/// what the tracker needs, and nothing that points into libpcap's buffer. Each packet is a
/// kind; segments, times and errors sit in their own arrays in packet order, so the tracking
/// side reads a segment in place instead of copying it out of an enum. With packet lines, the
/// reader also writes each line's tcpdump part (which needs the bytes but not the tracker), and
/// the tracking side appends the annotation.
struct DecodedBatch: PipeBatch {
    enum Kind: UInt8, Sendable {
        /// TCP with a valid header length: the next of `segments`.
        case segment
        /// TCP whose data offset is invalid: the next of `badHeaderTimes`.
        case badTCPHeader
        /// TCP with fewer than 20 header bytes captured.
        case truncatedTCP
        /// An IP fragment of TCP: the next of `fragmentOutcomes`; when it completed a datagram
        /// whose segment is valid, also the next of `segments`.
        case fragment
        case other
        /// TCP of a connection in another shard (`--shard`): neither tracked nor printed.
        case otherShard
        /// The same with a valid header: the tracker's clock moves to the next of `otherShardTimes`.
        case otherShardSegment
        /// The link or IP header cannot be read: the next of `errors`.
        case malformed
        /// The input ended.
        case end
        /// Reading failed; the reader holds the message.
        case readFailure
    }

    /// Small enough to stay in cache between the two threads, large enough that handing a batch
    /// over costs nothing per packet.
    static let capacity = 1024

    private(set) var kinds: [Kind] = []
    private(set) var segments: [Segment] = []
    private(set) var badHeaderTimes: [Nanoseconds] = []
    private(set) var errors: [DecodeError] = []
    private(set) var fragmentOutcomes: [FragmentOutcome] = []
    private(set) var fragmentHasSegment: [Bool] = []
    private(set) var otherShardTimes: [Nanoseconds] = []
    /// The tcpdump text of the packets with a line (TCP ones), one after the other; line i ends
    /// at `lineEnds[i]`.
    private(set) var text: [UInt8] = []
    private(set) var lineEnds: [Int32] = []
    /// How far into the file the reader was when it sent the batch (for the progress line).
    var fileOffset: Int? = nil

    init() {
        kinds.reserveCapacity(DecodedBatch.capacity)
        segments.reserveCapacity(DecodedBatch.capacity)
    }

    var isFull: Bool { kinds.count >= DecodedBatch.capacity }

    mutating func clear() {
        kinds.removeAll(keepingCapacity: true)
        segments.removeAll(keepingCapacity: true)
        if !badHeaderTimes.isEmpty { badHeaderTimes.removeAll(keepingCapacity: true) }
        if !errors.isEmpty { errors.removeAll(keepingCapacity: true) }
        if !fragmentOutcomes.isEmpty {
            fragmentOutcomes.removeAll(keepingCapacity: true)
            fragmentHasSegment.removeAll(keepingCapacity: true)
        }
        if !otherShardTimes.isEmpty { otherShardTimes.removeAll(keepingCapacity: true) }
        if !text.isEmpty { text.removeAll(keepingCapacity: true) }
        if !lineEnds.isEmpty { lineEnds.removeAll(keepingCapacity: true) }
    }

    /// Takes the lines written into `lines` since the last call (the reader's scratch buffer).
    mutating func takeText(from lines: inout OutputBuffer) {
        lines.moveBytes(into: &text)
    }

    /// Decodes packet `number` into the batch; with a printer, writes the tcpdump part of its
    /// line to `lines` as PacketLines would. True for a TCP packet (one with a line).
    @discardableResult
    mutating func append(_ record: PacketRecord, number: Int, decoder: FrameDecoder, verifyChecksums: Bool,
                         shard: FlowShard? = nil, printer: inout TcpdumpPrinter?, lines: inout OutputBuffer,
                         fragments: inout FragmentReassembler, datagram: inout [UInt8]) -> Bool {
        // The frame is matched once: each `case … where` pattern before the plain one copied the
        // decoded view out of the enum (callgrind, docs/performance.md).
        switch decoder.decode(record.bytes, wireLength: record.wireLength) {
        case .laterFragment:
            appendFragment(record, number, decoder, verifyChecksums, &printer, &lines, &fragments, &datagram)
            return true
        case .tcp(let view):
            if view.network.isFragment {
                appendFragment(record, number, decoder, verifyChecksums, &printer, &lines, &fragments, &datagram)
                return true
            }
            if let shard, !shard.contains(view.source, view.destination) {
                if view.hasValidHeaderLength {
                    kinds.append(.otherShardSegment)
                    otherShardTimes.append(record.time)
                } else {
                    kinds.append(.otherShard)
                }
                printer?.skip(seconds: record.seconds, fraction: record.fraction)
                return false
            }
            if view.hasValidHeaderLength {
                kinds.append(.segment)
                segments.append(SegmentDecoding.segment(view, record, number: number, verifyChecksums: verifyChecksums, decoder: decoder))
            } else {
                kinds.append(.badTCPHeader)
                badHeaderTimes.append(record.time)
            }
            if printer != nil {
                printer!.writePrefix(packetNumber: number, seconds: record.seconds, fraction: record.fraction, into: &lines)
                _ = printer!.writeTCP(view, record.bytes, wireLength: record.wireLength, into: &lines)
                lineEnds.append(Int32(lines.count))
            }
            return true
        case let .truncatedTCP(network, offset, length):
            if network.isFragment {
                appendFragment(record, number, decoder, verifyChecksums, &printer, &lines, &fragments, &datagram)
                return true
            }
            if let shard, !shard.containsTruncated(network, ports: FlowShard.truncatedPorts(record.bytes, offset, length)) {
                kinds.append(.otherShard)
                printer?.skip(seconds: record.seconds, fraction: record.fraction)
                return false
            }
            kinds.append(.truncatedTCP)
            if printer != nil {
                printer!.writePrefix(packetNumber: number, seconds: record.seconds, fraction: record.fraction, into: &lines)
                printer!.writeTruncatedTCP(network: network, transportOffset: offset, transportLength: length, record.bytes,
                                           wireLength: record.wireLength, into: &lines)
                lineEnds.append(Int32(lines.count))
            }
            return true
        case .other:
            kinds.append(.other)
            printer?.skip(seconds: record.seconds, fraction: record.fraction)
            return false
        case .malformed(let error):
            kinds.append(.malformed)
            errors.append(error)
            printer?.skip(seconds: record.seconds, fraction: record.fraction)
            return false
        }
    }

    mutating func append(_ kind: Kind) { kinds.append(kind) }

    /// A fragment into the reassembler, its line into the text; the segment of the datagram it
    /// completes into the batch. Decoded again here, out of line, so that the plain path's decoding
    /// stays inlined in `append`.
    @inline(never)
    private mutating func appendFragment(_ record: PacketRecord, _ number: Int, _ decoder: FrameDecoder, _ verifyChecksums: Bool,
                                         _ printer: inout TcpdumpPrinter?, _ lines: inout OutputBuffer,
                                         _ fragments: inout FragmentReassembler, _ datagram: inout [UInt8]) {
        let network: NetworkHeader, dataOffset: Int, dataLength: Int
        let frame = decoder.decode(record.bytes, wireLength: record.wireLength)
        switch frame {
        case .tcp(let view): (network, dataOffset, dataLength) = (view.network, view.tcp.offset, view.segmentLength)
        case let .truncatedTCP(n, offset, length): (network, dataOffset, dataLength) = (n, offset, length)
        case .laterFragment(let f): (network, dataOffset, dataLength) = (f.network, f.dataOffset, f.dataLength)
        case .other, .malformed: return
        }
        if printer != nil {
            printer!.writePrefix(packetNumber: number, seconds: record.seconds, fraction: record.fraction, into: &lines)
            switch frame {
            case .tcp(let view): _ = printer!.writeTCP(view, record.bytes, wireLength: record.wireLength, into: &lines)
            case let .truncatedTCP(n, offset, length):
                printer!.writeTruncatedTCP(network: n, transportOffset: offset, transportLength: length, record.bytes,
                                           wireLength: record.wireLength, into: &lines)
            case .laterFragment(let f): printer!.writeLaterFragment(f, record.bytes, into: &lines)
            case .other, .malformed: break
            }
            lineEnds.append(Int32(lines.count))
        }
        let outcome = fragments.add(network, dataOffset: dataOffset, dataLength: dataLength, record.bytes,
                                    time: record.time, datagram: &datagram)
        kinds.append(.fragment)
        fragmentOutcomes.append(outcome)
        var tracked = false
        if outcome.result == .reassembled {
            datagram.withUnsafeBytes { bytes in
                if let (_, segment) = SegmentDecoding.reassembledSegment(bytes, truncated: outcome.truncated, record, number: number,
                                                                  verifyChecksums: verifyChecksums) {
                    segments.append(segment)
                    tracked = true
                }
            }
        }
        fragmentHasSegment.append(tracked)
    }
}
