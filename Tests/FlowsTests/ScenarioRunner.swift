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
        capture.forEachRecord { segment in
            if let segment { events.append(tracker.process(segment)) }
            ended += tracker.takeEnded()
        }
        tracker.finish()
        ended += tracker.takeEnded()
    }
}

extension CraftedCapture {
    /// Each record in capture order, with its TCP segment decoded as tcpwave reads it (nil for a
    /// frame that is not TCP), numbered from 1 like the CLI's packets.
    func forEachRecord(_ body: (Segment?) -> Void) {
        let decoder = try! FrameDecoder(linkType: LinkType(rawValue: Int32(linkType)))
        for (index, record) in records.enumerated() {
            let time = Nanoseconds(record.seconds) * 1_000_000_000 + Nanoseconds(record.nanos)
            let segment: Segment? = record.frame.withUnsafeBytes { bytes in
                guard case .tcp(let view) = decoder.decode(bytes, wireLength: bytes.count) else { return nil }
                return Segment(view, options: TCPOptionSummary(bytes, tcp: view.tcp), time: time, packetNumber: index + 1)
            }
            body(segment)
        }
    }
}
