#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Capture
import Flows
import Render
import Wire

/// Captures from an interface until Ctrl-C, SIGTERM, `-c` or `--duration`, then flushes open
/// connections and prints libpcap's statistics like tcpdump.
struct LiveRun {
    let interface: String
    let settings: RunSettings
    let options: LiveOptions
    let writePath: String?
    /// Drop root to this user once the device is open (nil: stay).
    let user: String?
    let duration: Double?
    let lineBuffered: Bool

    func run() -> Int32 {
        let source: CaptureSource
        let decoder: FrameDecoder
        var writer: CaptureWriter? = nil
        do {
            source = try CaptureSource.openInterface(interface, options: options)
            if let filter = settings.filter { try source.setFilter(filter) }
            if let writePath { writer = try CaptureWriter(path: writePath, for: source) }
        } catch {
            diagnose("\(error)")
            return 1
        }
        do {
            decoder = try FrameDecoder(linkType: source.linkType)
        } catch {
            diagnose("\(interface): \(error)")
            return 1
        }
        if let user {
            do { _ = try Privileges.drop(to: user) } catch {
                diagnose("\(error)")
                return 1
            }
        }
        StopSignals.install(for: source)
        diagnose("listening on \(interface), link-type \(source.linkTypeText), snapshot length \(source.snapshotLength) bytes")

        var session = Session(settings: settings, linkType: source.linkType, sourceName: interface, lineBuffered: lineBuffered)
        let deadline = duration.map { LiveRun.now() + $0 }
        var status: Int32 = 0
        capture: while StopSignals.received == nil {
            if let limit = settings.packetLimit, session.counts.tcp >= limit { break }
            if let deadline, LiveRun.now() >= deadline { break }
            switch source.next() {
            case .packet(let record):
                writer?.write(record)
                writer?.flush()
                session.handle(record, decoder: decoder)
            case .timeout:
                continue
            case .end:
                break capture
            case .failure(let message):
                session.flushOutput()
                diagnose("\(interface): \(message)")
                status = 1
                break capture
            }
        }
        session.finish()
        if session.diagramFailed { status = 1 }
        writer = nil
        if let stats = source.statistics() {
            let captured = session.counts.read
            inform("\(captured) packet\(captured == 1 ? "" : "s") captured")
            inform("\(stats.received) packet\(stats.received == 1 ? "" : "s") received by filter")
            inform("\(stats.dropped) packet\(stats.dropped == 1 ? "" : "s") dropped by kernel")
            if stats.interfaceDropped > 0 { inform("\(stats.interfaceDropped) packets dropped by interface") }
        }
        return status
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
