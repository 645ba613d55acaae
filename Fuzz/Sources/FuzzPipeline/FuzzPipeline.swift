import Flows
import Render
import Wire

/// A sequence of frames through decoder, tracker and renderers, as the CLI runs them. The
/// input is a list of records: 2-byte length, 1-byte time step, frame bytes. Connections are
/// few (the tuples collide), so states go everywhere.
@_cdecl("LLVMFuzzerTestOneInput")
public func LLVMFuzzerTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    guard let decoder = try? FrameDecoder(linkType: .raw) else { return 0 }
    var tracker = FlowTracker(configuration: TrackerConfiguration(msl: 2_000_000_000, idleTimeout: 10_000_000_000, maxConnections: 8))
    var printer = TcpdumpPrinter(style: TcpdumpStyle(), linkType: .raw)
    var out = OutputBuffer.memory()
    var at = 0
    var time: Nanoseconds = 1_700_000_000_000_000_000
    var number = 0
    while at + 3 <= input.count {
        let length = Int(input.load(fromByteOffset: at, as: UInt8.self)) << 8 | Int(input.load(fromByteOffset: at + 1, as: UInt8.self))
        time += Nanoseconds(input.load(fromByteOffset: at + 2, as: UInt8.self)) * 100_000_000
        at += 3
        let end = Swift.min(input.count, at + length)
        let frame = UnsafeRawBufferPointer(rebasing: input[at..<end])
        at = end
        number += 1
        if case .tcp(let view) = decoder.decode(frame, wireLength: frame.count), view.hasValidHeaderLength {
            let segment = Segment(view, options: TCPOptionSummary(frame, tcp: view.tcp), time: time, packetNumber: number)
            let event = tracker.process(segment)
            printer.writeTCP(view, frame, into: &out)
            Annotation.write(event, into: &out)
        }
        for ended in tracker.takeEnded() {
            ConnectionText.writeTimeline(ended, msl: 2_000_000_000, into: &out)
        }
        _ = out.takeString()
    }
    tracker.finish()
    for ended in tracker.takeEnded() { ConnectionText.writeSummary(ended, into: &out) }
    return 0
}
