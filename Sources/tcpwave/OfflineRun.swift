import Capture
import Dispatch
import Flows
import Render
import Wire

/// Reads a capture file (or stdin) to its end: decode, track, print.
struct OfflineRun {
    let path: String
    let settings: RunSettings
    /// Also save the packets read (after the filter) to this pcap file.
    var writePath: String? = nil
    var lineBuffered = false

    private var displayName: String { path == "-" ? "<stdin>" : path }

    func run() -> Int32 {
        let source: CaptureSource
        var writer: CaptureWriter? = nil
        do {
            source = try CaptureSource.openFile(path, nanosecondPrecision: settings.style.nanoseconds)
            if let filter = settings.filter { try source.setFilter(filter) }
            if let writePath { writer = try CaptureWriter(path: writePath, for: source) }
        } catch {
            diagnose("\(error)")
            return 1
        }
        let decoder: FrameDecoder
        do {
            decoder = try FrameDecoder(linkType: source.linkType)
        } catch {
            // Name the link type as libpcap does (IEEE802_11, ...), then what is supported.
            diagnose("\(displayName): link type \(source.linkTypeText) is not decoded; supported: \(LinkType.supportedNames)")
            _ = error
            return 1
        }
        inform("reading from file \(path), link-type \(source.linkTypeText), snapshot length \(source.snapshotLength)")
        var session = Session(settings: settings, linkType: source.linkType, sourceName: displayName, lineBuffered: lineBuffered)
        var status: Int32 = 0
        var progress = ProgressLine(path: path)
        // A second thread reads, decodes and writes the tcpdump part of the lines when nothing else
        // printed needs the packet bytes. Not for standard input or -l: a batch waits for 1024
        // packets, and a pipe may deliver them slowly.
        if !session.needsPacketBytes && !settings.singleThread && path != "-" && !lineBuffered {
            let printer = session.printsPacketLines ? TcpdumpPrinter(style: settings.style, linkType: source.linkType) : nil
            status = runPipelined(&session, PacketReader(source: source, writer: writer, decoder: decoder,
                                                        limit: settings.packetLimit, verifyChecksums: settings.verifyChecksums,
                                                        printer: printer), &progress)
            ProgressLine.erase()
            session.finish()
            if session.diagramFailed { status = 1 }
            return status
        }
        reading: while true {
            // -c counts the packets with a line (TCP), as tcpdump counts the packets it prints.
            if let limit = settings.packetLimit, session.counts.tcp >= limit { break }
            switch source.next() {
            case .packet(let record):
                writer?.write(record)
                session.handle(record, decoder: decoder)
                if progress != nil && session.counts.read % ProgressLine.packetStride == 0 {
                    progress!.update(bytes: source.fileOffset, packets: session.counts.read)
                }
            case .timeout:
                continue
            case .end:
                break reading
            case .failure(let message):
                session.flushOutput()
                diagnose("\(displayName): packet \(session.counts.read + 1): \(CaptureSource.describeReadFailure(message))")
                status = 1
                break reading
            }
        }
        ProgressLine.erase()
        session.finish()
        if session.diagramFailed { status = 1 }
        return status
    }

    /// Reading, decoding and the tcpdump part of the lines on a second thread, tracking,
    /// annotations and records on this one: only decoded values and text cross, in batches
    /// (PacketPipe.swift, DecodedBatch.swift).
    private func runPipelined(_ session: inout Session, _ reader: PacketReader, _ progress: inout ProgressLine?) -> Int32 {
        let pipe = PacketPipe<DecodedBatch>(batches: 4)
        let finished = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            reader.run(into: pipe)
            finished.signal()
        }
        var status: Int32 = 0
        while true {
            let batch = pipe.batchToDrain()
            let last = session.handle(batch.pointee)
            progress?.update(bytes: batch.pointee.fileOffset, packets: session.counts.read)
            pipe.recycle()
            if last == .readFailure {
                session.flushOutput()
                diagnose("\(displayName): packet \(session.counts.read + 1): \(reader.failure ?? "read error")")
                status = 1
            }
            if last != nil { break }
        }
        // The reader has sent its last batch; wait until it lets go of the capture handle.
        finished.wait()
        return status
    }
}

/// The reader thread of a pipelined run: libpcap, the `-w` copy, decoding and the tcpdump text of
/// the lines, batch by batch.
final class PacketReader: @unchecked Sendable {
    // @unchecked: handed to the reader thread, which alone uses it until `run` returns.
    private let source: CaptureSource
    private let writer: CaptureWriter?
    private let decoder: FrameDecoder
    private let limit: Int?
    private let verifyChecksums: Bool
    /// With packet lines: the tcpdump part of each line is written here, on the reader thread.
    private var printer: TcpdumpPrinter?
    private var lines = OutputBuffer.memory()
    /// The read error that ended the input, phrased for the user; set before `.readFailure` is sent.
    private(set) var failure: String? = nil

    init(source: CaptureSource, writer: CaptureWriter?, decoder: FrameDecoder, limit: Int?, verifyChecksums: Bool,
         printer: TcpdumpPrinter?) {
        self.source = source
        self.writer = writer
        self.decoder = decoder
        self.limit = limit
        self.verifyChecksums = verifyChecksums
        self.printer = printer
    }

    func run(into pipe: PacketPipe<DecodedBatch>) {
        var number = 0, tcp = 0
        var batch = pipe.batchToFill()
        reading: while true {
            if let limit, tcp >= limit {
                batch.pointee.append(.end)
                break
            }
            switch source.next() {
            case .packet(let record):
                writer?.write(record)
                number += 1
                if batch.pointee.append(record, number: number, decoder: decoder, verifyChecksums: verifyChecksums,
                                        printer: &printer, lines: &lines) {
                    tcp += 1
                }
            case .timeout:
                continue
            case .end:
                batch.pointee.append(.end)
                break reading
            case .failure(let message):
                failure = CaptureSource.describeReadFailure(message)
                batch.pointee.append(.readFailure)
                break reading
            }
            if batch.pointee.isFull {
                batch.pointee.takeText(from: &lines)
                batch.pointee.fileOffset = source.fileOffset
                pipe.send()
                batch = pipe.batchToFill()
            }
        }
        batch.pointee.takeText(from: &lines)
        pipe.send()
    }
}
