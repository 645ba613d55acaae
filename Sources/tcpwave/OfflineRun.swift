import Capture
import Flows
import Render
import Wire

/// Reads a capture file (or stdin) to its end: decode, track, print.
struct OfflineRun {
    let path: String
    let settings: RunSettings

    private var displayName: String { path == "-" ? "<stdin>" : path }

    func run() -> Int32 {
        let source: CaptureSource
        do {
            source = try CaptureSource.openFile(path, nanosecondPrecision: settings.style.nanoseconds)
            if let filter = settings.filter { try source.setFilter(filter) }
        } catch {
            diagnose("\(error)")
            return 1
        }
        let decoder: FrameDecoder
        do {
            decoder = try FrameDecoder(linkType: source.linkType)
        } catch {
            diagnose("\(displayName): \(error)")
            return 1
        }
        inform("reading from file \(path), link-type \(source.linkTypeText), snapshot length \(source.snapshotLength)")
        var session = Session(settings: settings, linkType: source.linkType, sourceName: displayName)
        var status: Int32 = 0
        reading: while true {
            if let limit = settings.packetLimit, session.counts.read >= limit { break }
            switch source.next() {
            case .packet(let record):
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
        return status
    }
}
