import Capture
import Flows
import Wire

/// Packets decoded on the reader thread for the tracking thread (OfflineRun's pipelined path):
/// what the tracker needs, and nothing that points into libpcap's buffer. Each packet is a
/// kind; segments, times and errors sit in their own arrays in packet order, so the tracking
/// side reads a segment in place instead of copying it out of an enum.
struct DecodedBatch: PipeBatch {
    enum Kind: UInt8, Sendable {
        /// TCP with a valid header length: the next of `segments`.
        case segment
        /// TCP whose data offset is invalid: the next of `badHeaderTimes`.
        case badTCPHeader
        /// TCP with fewer than 20 header bytes captured.
        case truncatedTCP
        case other
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
    }

    /// Decodes packet `number` into the batch.
    mutating func append(_ record: PacketRecord, number: Int, decoder: FrameDecoder, verifyChecksums: Bool) {
        switch decoder.decode(record.bytes, wireLength: record.wireLength) {
        case .tcp(let view):
            if view.hasValidHeaderLength {
                kinds.append(.segment)
                segments.append(Session.segment(view, record, number: number, verifyChecksums: verifyChecksums))
            } else {
                kinds.append(.badTCPHeader)
                badHeaderTimes.append(record.time)
            }
        case .truncatedTCP:
            kinds.append(.truncatedTCP)
        case .other:
            kinds.append(.other)
        case .malformed(let error):
            kinds.append(.malformed)
            errors.append(error)
        }
    }

    mutating func append(_ kind: Kind) { kinds.append(kind) }
}
