import Flows
import Render
import Wire

/// A sequence of frames through decoder, tracker and renderers, as the CLI runs them. The
/// input is a list of records: 2-byte length, 1-byte time step, frame bytes. Connections are
/// few (the tuples collide), so states go everywhere. IP fragments go through a reassembler with
/// small limits, whose bounds are checked after every fragment, and what it completes is tracked.
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
    let limits = FragmentLimits(memory: 64 * 1024, fragmentsPerDatagram: 32, ipv4Timeout: 3_000_000_000, ipv6Timeout: 6_000_000_000)
    var fragments = FragmentReassembler(limits: limits)
    var datagram: [UInt8] = []
    func reassemble(_ network: NetworkHeader, _ offset: Int, _ length: Int, _ frame: UnsafeRawBufferPointer) {
        let outcome = fragments.add(network, dataOffset: offset, dataLength: length, frame, time: time, datagram: &datagram)
        precondition(fragments.memory <= limits.memory, "reassembly memory over its limit")
        FragmentText.write(outcome, event: nil, into: &out)
        guard outcome.result == .reassembled else { return }
        precondition(datagram.count <= 65535 + 60, "reassembled datagram over 65,535 bytes")
        datagram.withUnsafeBytes { whole in
            if case .tcp(let view) = FrameDecoder.decodeReassembled(whole), view.hasValidHeaderLength {
                precondition(!view.network.isFragment, "reassembled datagram is still a fragment")
                let segment = Segment(view, options: TCPOptionSummary(whole, tcp: view.tcp), time: time, packetNumber: number)
                Annotation.write(tracker.process(segment), into: &out)
            }
        }
    }
    while at + 3 <= input.count {
        let length = Int(input.load(fromByteOffset: at, as: UInt8.self)) << 8 | Int(input.load(fromByteOffset: at + 1, as: UInt8.self))
        time += Nanoseconds(input.load(fromByteOffset: at + 2, as: UInt8.self)) * 100_000_000
        at += 3
        let end = Swift.min(input.count, at + length)
        let frame = UnsafeRawBufferPointer(rebasing: input[at..<end])
        at = end
        number += 1
        switch decoder.decode(frame, wireLength: frame.count) {
        case .tcp(let view) where view.network.isFragment:
            printer.writeTCP(view, frame, into: &out)
            reassemble(view.network, view.tcp.offset, view.segmentLength, frame)
        case let .truncatedTCP(network, offset, length) where network.isFragment:
            printer.writeTruncatedTCP(network: network, transportOffset: offset, transportLength: length, frame, into: &out)
            reassemble(network, offset, length, frame)
        case .laterFragment(let fragment):
            printer.writeLaterFragment(fragment, frame, into: &out)
            reassemble(fragment.network, fragment.dataOffset, fragment.dataLength, frame)
        case .tcp(let view) where view.hasValidHeaderLength:
            let segment = Segment(view, options: TCPOptionSummary(frame, tcp: view.tcp), time: time, packetNumber: number)
            let event = tracker.process(segment)
            printer.writeTCP(view, frame, into: &out)
            Annotation.write(event, into: &out)
        default:
            break
        }
        for ended in tracker.takeEnded() {
            ConnectionText.writeTimeline(ended, msl: 2_000_000_000, into: &out)
        }
        _ = out.takeString()
    }
    fragments.finish()
    precondition(fragments.memory == 0 && fragments.pendingDatagrams == 0)
    tracker.finish()
    for ended in tracker.takeEnded() { ConnectionText.writeSummary(ended, into: &out) }
    return 0
}
