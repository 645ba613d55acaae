import Flows
import PcapCraft
import Wire

/// Runs a crafted capture through the decoder and the tracker, as the CLI does, without libpcap.
struct ScenarioRun {
    var events: [PacketEvent] = []
    var ended: [EndedConnection] = []
    var tracker: FlowTracker

    init(_ capture: CraftedCapture, configuration: TrackerConfiguration = TrackerConfiguration()) {
        tracker = FlowTracker(configuration: configuration)
        let decoder = try! FrameDecoder(linkType: LinkType(rawValue: Int32(capture.linkType)))
        for (index, record) in capture.records.enumerated() {
            let time = Nanoseconds(record.seconds) * 1_000_000_000 + Nanoseconds(record.nanos)
            record.frame.withUnsafeBytes { bytes in
                guard case .tcp(let view) = decoder.decode(bytes, wireLength: bytes.count) else { return }
                let segment = Segment(view, options: TCPOptionSummary(bytes, tcp: view.tcp), time: time, packetNumber: index + 1)
                events.append(tracker.process(segment))
            }
            ended += tracker.takeEnded()
        }
        tracker.finish()
        ended += tracker.takeEnded()
    }
}
