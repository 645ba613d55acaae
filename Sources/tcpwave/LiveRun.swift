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
///
/// The loop takes every packet libpcap has ready, then, when none is, flushes what it printed
/// (standard output and the `-w` file) and waits in poll() for the next block of packets, a
/// signal or the deadline: a line reaches a pipe within about the read timeout (1 s) of its
/// packet, and a quiet interface still ends on time.
struct LiveRun {
    let interface: String
    var settings: RunSettings
    let options: LiveOptions
    let writePath: String?
    /// Drop root to this user once the device is open (nil: stay).
    let user: String?
    let duration: Double?
    let lineBuffered: Bool
    /// `-U`: flush the `-w` file after every packet, not only when the capture is idle.
    var packetBuffered = false

    /// The longest poll() between checks of the clock; a signal or a packet wakes it sooner.
    static let idleWaitMilliseconds: Double = 1000

    func run() -> Int32 {
        let source: CaptureSource
        let decoder: FrameDecoder
        var writer: CaptureWriter? = nil
        var settings = settings
        do {
            source = try CaptureSource.openInterface(interface, options: options)
            if let filter = settings.filter { try source.setFilter(filter) }
            if let writePath { writer = try CaptureWriter(path: writePath, for: source, rotation: settings.rotation) }
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
            // The unprivileged user may not be able to replace the diagram file: open it now.
            if geteuid() == 0, settings.diagram?.file != nil {
                if case .failure(let error) = settings.diagram!.openBeforeDroppingPrivileges() {
                    diagnose(error.description)
                    return 1
                }
            }
            do { _ = try Privileges.drop(to: user) } catch {
                diagnose("\(error)")
                return 1
            }
        }
        diagnose("listening on \(interface), link-type \(source.linkTypeText), snapshot length \(source.snapshotLength) bytes")

        var session = Session(settings: settings, linkType: source.linkType, sourceName: interface, lineBuffered: lineBuffered)
        let deadline = duration.map { LiveRun.now() + $0 }
        var status: Int32 = 0
        capture: while !StopRequest.isRequested {
            if Signals.takeReportRequest() { report(session, source) }
            if let limit = settings.packetLimit, session.counts.tcp >= limit { break }
            if let deadline, LiveRun.now() >= deadline { break }
            switch source.next() {
            case .packet(let record):
                if let writer {
                    writer.write(record)
                    if packetBuffered { writer.flush() }
                }
                session.handle(record, decoder: decoder)
                if session.outputError != nil { break capture }
            case .timeout:
                // Nothing ready: the capture's clock still moves (stuck states age without a
                // packet); hand over what was printed, then sleep until there is more.
                session.clockMoved(to: TopRun.realTime() &- Session.quietClockLag)
                if session.hasPendingOutput {
                    session.flushOutput()
                    if session.outputError != nil { break capture }
                }
                writer?.flush()
                var wait = LiveRun.idleWaitMilliseconds
                if let deadline { wait = Swift.min(wait, Swift.max(0, (deadline - LiveRun.now()) * 1000)) }
                source.waitForPackets(milliseconds: Int32(wait.rounded(.up)), wake: Signals.wakeDescriptor)
            case .end:
                break capture
            case .failure(let message):
                session.flushOutput()
                diagnose("\(interface): \(message)")
                status = 1
                break capture
            }
        }
        status = RunEnd.finish(&session, status: status)
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

    /// SIGUSR1: what tcpdump prints for it (libpcap's counters), and tcpwave's counts.
    private func report(_ session: borrowing Session, _ source: CaptureSource) {
        diagnose(session.progressLine)
        if let stats = source.statistics() {
            inform("\(stats.received) packet\(stats.received == 1 ? "" : "s") received by filter")
            inform("\(stats.dropped) packet\(stats.dropped == 1 ? "" : "s") dropped by kernel")
        }
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
