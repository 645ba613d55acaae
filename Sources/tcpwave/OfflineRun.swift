import Capture
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
        reading: while true {
            if let limit = settings.packetLimit, session.counts.read >= limit { break }
            switch source.next() {
            case .packet(let record):
                writer?.write(record)
                session.handle(record, decoder: decoder)
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
        session.finish()
        if session.diagramFailed { status = 1 }
        return status
    }
}
