#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Capture
import Dispatch
import Flows
import Render
import Wire

/// Reads a capture file (or stdin) to its end, or until Ctrl-C or SIGTERM: decode, track, print.
/// Interrupted, it ends as a live capture does: connections still open are reported, diagrams
/// written, the counts printed.
struct OfflineRun {
    let path: String
    let settings: RunSettings
    /// Also save the packets read (after the filter) to this pcap file.
    var writePath: String? = nil
    /// `-l`, or standard output is a terminal: each line is written when complete.
    var lineBuffered = false
    /// `-U`: flush the `-w` file after every packet.
    var packetBuffered = false

    private var displayName: String { path == "-" ? "<stdin>" : path }

    func run() -> Int32 {
        let source: CaptureSource
        var writer: CaptureWriter? = nil
        do {
            source = try CaptureSource.openFile(path, nanosecondPrecision: settings.style.nanoseconds)
            if let filter = settings.filter { try source.setFilter(filter) }
            if let writePath { writer = try CaptureWriter(path: writePath, for: source, rotation: settings.rotation) }
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
        // printed needs the packet bytes. Only for a regular file: a batch waits for 1024 packets,
        // and standard input or a FIFO may deliver them slowly.
        if !session.needsPacketBytes && !settings.singleThread && OfflineRun.isRegularFile(path) {
            let printer = session.printsPacketLines ? TcpdumpPrinter(style: settings.style, linkType: source.linkType) : nil
            status = runPipelined(&session, PacketReader(source: source, writer: writer, decoder: decoder,
                                                        limit: settings.packetLimit, verifyChecksums: settings.verifyChecksums,
                                                        shard: settings.shard, printer: printer, packetBuffered: packetBuffered), &progress)
        } else {
            status = runOneThread(&session, source, decoder, writer, &progress)
        }
        ProgressLine.erase()
        return RunEnd.finish(&session, status: status)
    }

    private func runOneThread(_ session: inout Session, _ source: CaptureSource, _ decoder: FrameDecoder,
                              _ writer: CaptureWriter?, _ progress: inout ProgressLine?) -> Int32 {
        // Standard input or a FIFO: what was printed is handed on before the read would wait.
        let streaming = !OfflineRun.isRegularFile(path)
        while !StopRequest.isRequested {
            if Signals.reportRequested, Signals.takeReportRequest() { diagnose(session.progressLine) }
            if streaming && session.hasPendingOutput && !source.inputReady {
                session.flushOutput()
                writer?.flush()
                if session.outputError != nil { return 1 }
            }
            // -c counts the packets with a line (TCP), as tcpdump counts the packets it prints.
            if let limit = settings.packetLimit, session.counts.tcp >= limit { break }
            switch source.next() {
            case .packet(let record):
                if let writer {
                    writer.write(record)
                    if packetBuffered { writer.flush() }
                }
                session.handle(record, decoder: decoder)
                if session.outputError != nil { return 1 }
                if progress != nil && session.counts.read % ProgressLine.packetStride == 0 {
                    progress!.update(bytes: source.fileOffset, packets: session.counts.read)
                }
            case .timeout:
                continue
            case .end:
                return 0
            case .failure(let message):
                // A read from standard input interrupted by Ctrl-C is the end asked for.
                if StopRequest.isRequested { return 0 }
                session.flushOutput()
                diagnose("\(displayName): packet \(session.counts.read + 1): \(CaptureSource.describeReadFailure(message))")
                return 1
            }
        }
        return 0
    }

    /// Whether `path` names a regular file (not `-`, a FIFO or a device).
    static func isRegularFile(_ path: String) -> Bool {
        guard path != "-" else { return false }
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
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
        var draining = false
        while true {
            let batch = pipe.batchToDrain()
            if draining {
                // Output failed: the reader's last batches are not printed.
                let last = batch.pointee.kinds.last
                pipe.recycle()
                if last == .end || last == .readFailure { break }
                continue
            }
            if Signals.reportRequested, Signals.takeReportRequest() { diagnose(session.progressLine) }
            let last = session.handle(batch.pointee)
            progress?.update(bytes: batch.pointee.fileOffset, packets: session.counts.read)
            pipe.recycle()
            if session.outputError != nil {
                status = 1
                if last != nil { break }
                reader.stop()
                draining = true
                continue
            }
            if last == .readFailure {
                session.flushOutput()
                diagnose("\(displayName): packet \(session.counts.read + 1): \(reader.failure ?? "read error")")
                status = 1
            }
            if last != nil { break }
        }
        // The reader has sent its last batch; wait until it lets go of the capture handle.
        finished.wait()
        session.fragmentStatistics = reader.fragmentStatistics
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
    private let shard: FlowShard?
    /// With packet lines: the tcpdump part of each line is written on the reader thread.
    private let printer: TcpdumpPrinter?
    /// The reassembler's counts, once the input ended.
    private(set) var fragmentStatistics: FragmentStatistics? = nil
    /// The read error that ended the input, phrased for the user; set before `.readFailure` is sent.
    private(set) var failure: String? = nil
    private let packetBuffered: Bool
    /// Set by the consumer when its output failed: the reader ends the input early.
    private var stopped = false

    init(source: CaptureSource, writer: CaptureWriter?, decoder: FrameDecoder, limit: Int?, verifyChecksums: Bool,
         shard: FlowShard? = nil, printer: TcpdumpPrinter?, packetBuffered: Bool = false) {
        self.shard = shard
        self.source = source
        self.writer = writer
        self.decoder = decoder
        self.limit = limit
        self.verifyChecksums = verifyChecksums
        self.printer = printer
        self.packetBuffered = packetBuffered
    }

    /// Asks the reader to end the input at the next packet (the consumer cannot write).
    func stop() { stopped = true }

    /// Reads on a worker thread, with the stop signals blocked there so that they reach the main
    /// thread (whose blocked write they must interrupt); a stop request ends the input.
    func run(into pipe: PacketPipe<DecodedBatch>) {
        Signals.blocked { read(into: pipe) }
    }

    private func read(into pipe: PacketPipe<DecodedBatch>) {
        var number = 0, tcp = 0
        // Locals, not properties: a class's stored property passed inout costs a dynamic
        // exclusivity check per packet (measured with callgrind: 4 per packet, 5% of --summary).
        var printer = printer
        var lines = OutputBuffer.memory()
        // IP fragments of TCP are joined here, before the tracker.
        var fragments = FragmentReassembler()
        var datagram: [UInt8] = []
        var batch = pipe.batchToFill()
        reading: while true {
            if let limit, tcp >= limit {
                batch.pointee.append(.end)
                break
            }
            if stopped || StopRequest.isRequested {
                batch.pointee.append(.end)
                break
            }
            switch source.next() {
            case .packet(let record):
                if let writer {
                    writer.write(record)
                    if packetBuffered { writer.flush() }
                }
                number += 1
                if batch.pointee.append(record, number: number, decoder: decoder, verifyChecksums: verifyChecksums,
                                        shard: shard, printer: &printer, lines: &lines, fragments: &fragments, datagram: &datagram) {
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
        fragments.finish()
        fragmentStatistics = fragments.statistics
        batch.pointee.takeText(from: &lines)
        pipe.send()
    }
}
