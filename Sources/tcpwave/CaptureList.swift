#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Capture
import Render
import Wire

/// Several captures read as one stream: `-r` given more than once, or `-V FILE` listing them one
/// a line (the files tcpdump `-C`/`-G` writes). Connections, packet numbers (`-#`) and `-c`
/// carry on from one file into the next, as tcpdump's do. A file that cannot be opened or read is
/// one line naming it, and the others are still read (the run then ends with status 1).
/// `--merge` orders the packets of all the files by time, as mergecap does, for captures that
/// overlap in time (taken on several interfaces or hosts at once).
struct MultiFileRun {
    let paths: [String]
    let settings: RunSettings
    var merge = false
    var writePath: String? = nil
    var lineBuffered = false
    var packetBuffered = false

    /// `-V FILE`'s list: one path a line; blank lines are skipped and a CR before the line break
    /// is dropped. `-` reads the list from standard input.
    static func readList(_ listPath: String) throws(FilterFile.ReadError) -> [String] {
        let text: String
        if listPath == "-" {
            var bytes: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 65_536)
            while true {
                let n = chunk.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                bytes += chunk[0..<n]
            }
            text = String(decoding: bytes, as: UTF8.self)
        } else {
            text = try FilterFile.text(at: listPath, option: "-V")
        }
        return text.split(separator: "\n").compactMap { line in
            let path = line.hasSuffix("\r") ? line.dropLast() : line
            return path.allSatisfy({ $0 == " " || $0 == "\t" }) ? nil : String(path)
        }
    }

    /// One file of the list, open, with what reading it needs.
    private final class Input {
        let path: String
        let source: CaptureSource
        let decoder: FrameDecoder
        /// Merge mode: the packet waiting its turn (its bytes stay valid until the next read).
        var head: PacketRecord? = nil
        /// Packets read from this file, for messages naming one.
        var read = 0

        init(path: String, source: CaptureSource, decoder: FrameDecoder) {
            self.path = path
            self.source = source
            self.decoder = decoder
        }

        var displayName: String { path == "-" ? "<stdin>" : path }
    }

    func run() -> Int32 {
        let reader = Reader(self)
        var rest = ArraySlice(paths)
        var first: Input? = nil
        while first == nil, let path = rest.popFirst() { first = reader.open(path) }
        guard let first else {
            diagnose(paths.count == 1 ? "the capture could not be read" : "none of the \(paths.count) captures could be read")
            return 1
        }
        var session = Session(settings: settings, linkType: first.source.linkType, sourceName: first.displayName,
                              lineBuffered: lineBuffered)
        if merge {
            var inputs = [first]
            for path in rest { if let input = reader.open(path) { inputs.append(input) } }
            reader.readMerged(inputs, &session)
        } else {
            reader.read(first, &session)
            for path in rest {
                if reader.mustStop(session) { break }
                // Opened only when its turn comes, as tcpdump does: -c may end the run first.
                if let input = reader.open(path) { reader.read(input, &session) }
            }
        }
        ProgressLine.erase()
        reader.writer?.flush()
        return RunEnd.finish(&session, status: reader.status)
    }

    /// The run's state beside the session: the `-w` file, the status, whether output failed.
    private final class Reader {
        let run: MultiFileRun
        var writer: CaptureWriter? = nil
        var writerLinkType: LinkType? = nil
        var status: Int32 = 0
        var outputFailed = false

        init(_ run: MultiFileRun) { self.run = run }

        /// Opens `path`, sets the filter, checks the link type against the `-w` file's; nil
        /// (after one line saying why, and status 1) when the file is skipped.
        func open(_ path: String) -> Input? {
            let name = path == "-" ? "<stdin>" : path
            let source: CaptureSource
            do {
                source = try CaptureSource.openFile(path, nanosecondPrecision: run.settings.style.nanoseconds)
                if let filter = run.settings.filter { try source.setFilter(filter) }
            } catch {
                return skip("\(error)")
            }
            guard let decoder = try? FrameDecoder(linkType: source.linkType) else {
                return skip("\(name): link type \(source.linkTypeText) is not decoded; supported: \(LinkType.supportedNames); file skipped")
            }
            if let writePath = run.writePath {
                if let writerLinkType, writerLinkType != source.linkType {
                    // A pcap file holds one link type (tcpdump: "new dlt does not match original").
                    return skip("\(name): link type \(source.linkTypeText) differs from the -w file's (\(writerLinkType.name)); file skipped")
                }
                if writer == nil {
                    do {
                        writer = try CaptureWriter(path: writePath, for: source, rotation: run.settings.rotation)
                        writerLinkType = source.linkType
                    } catch {
                        return skip("\(error)")
                    }
                }
            }
            inform("reading from file \(path), link-type \(source.linkTypeText), snapshot length \(source.snapshotLength)")
            return Input(path: path, source: source, decoder: decoder)
        }

        private func skip(_ message: String) -> Input? {
            diagnose(message)
            status = 1
            return nil
        }

        /// `-c` reached, Ctrl-C, or standard output failed.
        func mustStop(_ session: borrowing Session) -> Bool {
            if outputFailed || StopRequest.isRequested { return true }
            if let limit = run.settings.packetLimit, session.counts.tcp >= limit { return true }
            return false
        }

        func handle(_ record: PacketRecord, _ input: Input, _ session: inout Session) {
            if let writer {
                writer.write(record)
                if run.packetBuffered { writer.flush() }
            }
            session.handle(record, decoder: input.decoder)
            if session.outputError != nil {
                outputFailed = true
                status = 1
            }
        }

        /// A read failure ends that file, not the run.
        func failed(_ input: Input, _ message: String, _ session: inout Session) {
            session.flushOutput()
            diagnose("\(input.displayName): packet \(input.read + 1): \(CaptureSource.describeReadFailure(message)); the rest of the file is skipped")
            status = 1
        }

        /// One file to its end, after the files before it.
        func read(_ input: Input, _ session: inout Session) {
            session.beginFile(sourceName: input.displayName, linkType: input.source.linkType)
            var progress = ProgressLine(path: input.path)
            defer { ProgressLine.erase() }
            while !mustStop(session) {
                if Signals.reportRequested, Signals.takeReportRequest() { diagnose(session.progressLine) }
                switch input.source.next() {
                case .packet(let record):
                    input.read += 1
                    handle(record, input, &session)
                    if progress != nil && input.read % ProgressLine.packetStride == 0 {
                        progress!.update(bytes: input.source.fileOffset, packets: session.counts.read)
                    }
                case .timeout:
                    continue
                case .end:
                    return
                case .failure(let message):
                    if !StopRequest.isRequested { failed(input, message, &session) }
                    return
                }
            }
        }

        /// `--merge`: always the earliest waiting packet of all the files; on a tie, the file
        /// listed first (as mergecap does).
        func readMerged(_ inputs: [Input], _ session: inout Session) {
            func advance(_ input: Input) -> Bool {
                switch input.source.next() {
                case .packet(let record):
                    input.read += 1
                    input.head = record
                    return true
                case .end, .timeout:
                    input.head = nil
                    return false
                case .failure(let message):
                    input.head = nil
                    if !StopRequest.isRequested { failed(input, message, &session) }
                    return false
                }
            }
            var waiting = inputs.filter { advance($0) }
            while !waiting.isEmpty && !mustStop(session) {
                if Signals.reportRequested, Signals.takeReportRequest() { diagnose(session.progressLine) }
                var earliest = 0
                for i in 1..<waiting.count where waiting[i].head!.time < waiting[earliest].head!.time { earliest = i }
                let input = waiting[earliest]
                session.beginFile(sourceName: input.displayName, linkType: input.source.linkType)
                handle(input.head!, input, &session)
                if !advance(input) { waiting.remove(at: earliest) }
            }
        }
    }
}
