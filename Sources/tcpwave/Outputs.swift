import Capture
import Flows
import Render
import Wire

/// The render stage: the consumers of the event stream that the options chose, and the buffer
/// they write standard output into. Events come in capture order (Session, TrackStage):
/// a packet (with what the tracker made of it), connections that ended, connection records
/// when due, alerts, state counts, and the end. Each consumer is in its own file; this one only
/// chooses them and hands each event to those that take it.
struct Outputs: ~Copyable {
    var out: OutputBuffer
    /// Packet lines (PacketLines.swift).
    private var lines: PacketLines?
    /// `--note-names` lines instead of packet lines.
    private let noteNames: Bool
    /// `--json` records (JSONOutput.swift).
    private let json: JSONOutput?
    /// `--conn-log` rows (ConnLogOutput.swift).
    private let connLog: ConnLogOutput?
    /// `--timeline`, `--summary` as text (ConnectionTextOutput.swift).
    private let connectionText: ConnectionTextOutput?
    /// Alert lines (AlertLines.swift).
    private let alertLines: AlertLines?
    /// `--diagram`/`--ladder`: what the diagrams need, collected per packet, drawn at the end.
    private var ladders: LadderRecorder?
    private let diagram: DiagramSettings?
    /// The HTML report's state chart samples the tracker's census (TrackStage).
    let chartsStates: Bool
    private let msl: Nanoseconds
    /// Some output reads a packet beyond what a `DecodedBatch` carries.
    let needsPacketBytes: Bool
    /// A diagram could not be written, or the `--flow` asked for never appeared.
    private(set) var diagramFailed = false

    init(settings: RunSettings, linkType: LinkType, lineBuffered: Bool) {
        // Every consumer is chosen first and the properties set once, in order.
        let noteNames = settings.noteNames
        let text = settings.format == .text && !noteNames
        let printsLines = text && settings.output != .summary && settings.diagram?.ladder != true
        var connLog: ConnLogOutput? = nil
        if case .connLog(let format) = settings.format, !noteNames { connLog = ConnLogOutput(format: format, sensor: settings.sensor) }
        let connectionText: ConnectionTextOutput?
        switch settings.output {
        case .lines: connectionText = nil
        case .linesAndTimelines: connectionText = text ? ConnectionTextOutput(form: .timeline(msl: settings.tracker.msl)) : nil
        case .summary: connectionText = text ? ConnectionTextOutput(form: .summary) : nil
        }
        let json = settings.format == .json && !noteNames ? JSONOutput(settings: settings) : nil
        out = OutputBuffer(fileDescriptor: 1, lineBuffered: lineBuffered)
        self.noteNames = noteNames
        lines = printsLines ? PacketLines(settings: settings, linkType: linkType) : nil
        self.json = json
        self.connLog = connLog
        self.connectionText = connectionText
        alertLines = !noteNames && settings.format != .json && settings.annotate
            ? AlertLines(ephemeralPorts: settings.tracker.stateAlerts.ephemeralPorts, toStandardError: settings.format != .text) : nil
        ladders = settings.diagram.map {
            LadderRecorder(selected: $0.flow, collectsReport: $0.file?.kind == .html)
        }
        chartsStates = settings.diagram?.file?.kind == .html
        diagram = settings.diagram
        msl = settings.tracker.msl
        needsPacketBytes = (json != nil && settings.output != .summary) || noteNames || settings.diagram != nil
            || settings.explain != nil || settings.style.payloadDump != nil
        connLog?.header(into: &out)
    }

    /// Packet lines are printed: on the pipelined path the reader writes their tcpdump part.
    var printsPacketLines: Bool { lines != nil }

    /// Connection records are written (`--json`, `--conn-log`): the tracker holds closed ones.
    var writesRecords: Bool { json != nil || connLog != nil }

    mutating func switchLinkType(_ type: LinkType) { lines?.switchLinkType(type) }

    // MARK: packet events

    /// A packet that prints no line (not TCP, another shard's, malformed).
    mutating func skip(_ record: PacketRecord) { lines?.skip(record) }

    /// The tracker followed a segment (before the packet's own output).
    mutating func tracked(_ segment: borrowing Segment, _ event: PacketEvent) { ladders?.record(copy segment, event) }

    /// A TCP packet, not a fragment; `event` is nil when its header length is not valid.
    mutating func tcp(_ view: TCPSegmentView, _ record: PacketRecord, number: Int, event: PacketEvent?, decoder: FrameDecoder) {
        if noteNames, let event { NoteNamesLine.write(number, event, into: &out) }
        json?.packet(view, time: record.time, number: number, event: event, into: &out)
        lines?.tcp(view, record, number: number, event: event, decoder: decoder, into: &out)
    }

    mutating func truncatedTCP(network: NetworkHeader, offset: Int, length: Int, _ record: PacketRecord, number: Int,
                               decoder: FrameDecoder) {
        json?.truncatedPacket(network: network, offset: offset, length: length, record, number: number, into: &out)
        lines?.truncatedTCP(network: network, offset: offset, length: length, record, number: number, decoder: decoder, into: &out)
    }

    /// The segment of a reassembled datagram, tracked at the fragment that completed it.
    mutating func reassembled(_ view: TCPSegmentView, time: Nanoseconds, number: Int, event: PacketEvent) {
        json?.packet(view, time: time, number: number, event: event, into: &out)
    }

    /// An IP fragment of TCP, after reassembly (and tracking, when it completed a datagram).
    mutating func fragment(_ frame: DecodedFrame, _ record: PacketRecord, number: Int, network: NetworkHeader,
                           outcome: FragmentOutcome, event: PacketEvent?) {
        if noteNames, let event { NoteNamesLine.write(number, event, into: &out) }
        lines?.fragment(frame, record, number: number, network: network, outcome: outcome, event: event, into: &out)
    }

    /// The pipelined path: a tracked segment's line whose tcpdump part the reader thread wrote.
    mutating func completeLine(_ text: UnsafeRawBufferPointer, event: PacketEvent) {
        lines?.completeLine(text, event: event, into: &out)
    }

    /// The pipelined path: a line whose tcpdump part the reader thread wrote.
    mutating func completeLine(_ text: UnsafeRawBufferPointer, event: PacketEvent?, fragment: FragmentOutcome? = nil) {
        lines?.completeLine(text, event: event, fragment: fragment, into: &out)
    }

    // MARK: connection, alert and state events

    /// Connections that ended at this packet (or at the end of the input).
    mutating func ended(_ list: [EndedConnection]) {
        ladders?.ended(list)
        connectionText?.ended(list, into: &out)
    }

    /// A connection's machine record is due.
    mutating func record(_ e: EndedConnection) {
        json?.connection(e, into: &out)
        connLog?.connection(e, into: &out)
    }

    mutating func alerts(_ alerts: [SynFloodAlert], _ stateAlerts: [StateAlert]) {
        ladders?.alerts(alerts)
        json?.alerts(alerts, stateAlerts, into: &out)
        alertLines?.alerts(alerts, stateAlerts, into: &out)
    }

    mutating func states(_ snapshot: StateSnapshot, final: Bool) {
        json?.states(snapshot, final: final, into: &out)
    }

    /// The HTML report's state chart: a sample of the census is due by `time`.
    func chartIsDue(_ time: Nanoseconds) -> Bool { ladders?.stateSeries?.isDue(time) == true }

    /// Samples the census into the chart up to `time` (the chart reads the tracker's census).
    mutating func sampleChart(upTo time: Nanoseconds, _ tracker: inout FlowTracker) {
        ladders?.stateSeries?.sample(upTo: time, &tracker)
    }

    /// The chart's last sample: the counts when the input ended.
    mutating func finishChart(_ tracker: borrowing FlowTracker) { ladders?.stateSeries?.finish(tracker) }

    /// The input ended and every connection was reported: the diagrams, then the last record.
    mutating func finish(_ totals: RunTotals) {
        if let ladders, let diagram, !DiagramOutput.write(ladders, diagram, msl: msl, into: &out) {
            diagramFailed = true
        }
        json?.stats(totals, into: &out)
        connLog?.footer(into: &out)
        out.flush()
    }
}
