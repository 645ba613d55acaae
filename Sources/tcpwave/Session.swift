#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Capture
import Flows
import Render
import Wire

/// The per-packet work shared by file and live capture: decode, track, print, and report
/// connections as they end. Owns the output buffer.
struct Session: ~Copyable {
    let settings: RunSettings
    var sourceName: String
    var counts = PacketCounts()
    var printer: TcpdumpPrinter
    var tracker: FlowTracker
    var out: OutputBuffer
    /// IP fragments of TCP, joined for the tracker (Session+Fragments.swift); on the pipelined
    /// path the reader thread's reassembler does this and hands its counts over at the end.
    var fragments = FragmentReassembler()
    var fragmentStatistics: FragmentStatistics? = nil
    var reassembledBytes: [UInt8] = []
    /// `--state-interval`: when `states` records are due (Session+States.swift).
    var stateSampler: StateSampler?
    /// Machine records of closed connections, held for `recordDelay` (FIFO from `pendingHead`).
    private var pendingRecords: [EndedConnection] = []
    private var pendingHead = 0
    /// The connections that ended since the last packet, swapped out of the tracker.
    private var endedBatch: [EndedConnection] = []
    /// Connections still half-open when the input ended.
    private var halfOpenAtEnd = 0
    /// `--diagram`/`--ladder`: what the diagrams need, collected per packet (nil otherwise).
    var ladders: LadderRecorder?
    /// The HTML report's state chart samples the tracker's census (Session+States.swift).
    let chartsStates: Bool
    /// `--explain`: the sentences after each annotated line.
    private let explainer: Explainer?
    /// tcpdump-style text lines for packets, and JSON packet records.
    let printing: Bool
    let jsonPackets: Bool
    /// A diagram could not be written, or the `--flow` asked for never appeared.
    private(set) var diagramFailed = false
    /// Checksums verified for the Zeek columns, for the warning at the end.
    private var checksums = ChecksumTally()
    /// SYN flood alerts reported so far (for SIGUSR1's report).
    private var alertCount = 0
    /// `--shard`: the connections this run tracks and prints.
    let shard: FlowShard?
    /// `--sensor` with `--json`: what ends every JSON record (JSONLines+Sensor.swift).
    let sensorEnding: [UInt8]?

    init(settings: RunSettings, linkType: LinkType, sourceName: String, lineBuffered: Bool = false) {
        self.settings = settings
        self.sourceName = sourceName
        self.printer = TcpdumpPrinter(style: settings.style, linkType: linkType)
        self.tracker = FlowTracker(configuration: settings.tracker)
        self.out = OutputBuffer(fileDescriptor: 1, lineBuffered: lineBuffered)
        self.ladders = settings.diagram.map {
            LadderRecorder(selected: $0.flow, collectsReport: $0.file?.kind == .html)
        }
        self.chartsStates = settings.diagram?.file?.kind == .html
        self.explainer = settings.explain.map { Explainer(language: $0, msl: settings.tracker.msl) }
        self.printing = settings.output != .summary && !settings.noteNames && settings.format == .text && settings.diagram?.ladder != true
        self.jsonPackets = settings.format == .json && settings.output != .summary
        self.stateSampler = settings.stateInterval.map { StateSampler(interval: $0) }
        self.shard = settings.shard
        self.sensorEnding = settings.format == .json ? settings.sensor.map(JSONLines.sensorEnding) : nil
        if settings.format == .connLog(.tsv) {
            ConnLog.writeHeader(opened: time(nil), sensorColumn: settings.sensor != nil, into: &out)
        }
    }

    /// The packets that follow come from another file of a list read as one stream (MultiFileRun):
    /// connections, counts and packet numbers carry on.
    mutating func beginFile(sourceName: String, linkType: LinkType) {
        self.sourceName = sourceName
        printer.switchLinkType(linkType)
    }

    /// Whether some output reads a packet beyond what a `DecodedBatch` carries. When not, a file
    /// is read and decoded on another thread (OfflineRun) and handed over in batches.
    var needsPacketBytes: Bool {
        jsonPackets || settings.noteNames || ladders != nil || explainer != nil || settings.style.payloadDump != nil
    }

    /// Packet lines are printed: on the pipelined path the reader writes their tcpdump part.
    var printsPacketLines: Bool { printing }

    /// The tracker's view of a TCP packet whose header length is valid.
    static func segment(_ view: TCPSegmentView, _ record: PacketRecord, number: Int, verifyChecksums: Bool,
                        decoder: FrameDecoder) -> Segment {
        // The tracker reads options only on SYNs (window scale); other segments skip parsing.
        let options = view.tcp.flags.contains(.syn) ? TCPOptionSummary(record.bytes, tcp: view.tcp) : TCPOptionSummary()
        var segment = Segment(view, options: options, time: record.time, packetNumber: number)
        if view.tunnel != 0 {
            // The same 4-tuple in another tunnel is another connection (docs/records.md).
            let tunnel = TunnelRegistry.shared.number(for: view.tunnel) {
                TunnelText.describe(record.bytes, decoder: decoder, wireLength: record.wireLength)
            }
            segment.source.tunnel = tunnel
            segment.destination.tunnel = tunnel
        }
        segment.truncatedPayload = view.tcp.offset + view.segmentLength > record.bytes.count
        if verifyChecksums { segment.checksum = SegmentChecksum.verdict(view, record.bytes) }
        return segment
    }

    /// The packets of a batch decoded on the reader thread (only when `needsPacketBytes` is
    /// false); returns `.end` or `.readFailure` when the batch ends the input, else nil.
    mutating func handle(_ batch: borrowing DecodedBatch) -> DecodedBatch.Kind? {
        var nextSegment = 0, nextTime = 0, nextError = 0, nextLine = 0, lineStart = 0, nextFragment = 0, nextOtherShard = 0
        for kind in batch.kinds {
            switch kind {
            case .segment, .badTCPHeader:
                counts.read += 1
                counts.tcp += 1
                var event: PacketEvent? = nil
                if kind == .segment {
                    event = track(batch.segments[nextSegment])
                    nextSegment += 1
                } else {
                    badTCPHeader(batch.badHeaderTimes[nextTime])
                    nextTime += 1
                }
                if printing { writeLine(batch, &nextLine, &lineStart, event) }
                afterTCP()
            case .fragment:
                counts.read += 1
                counts.tcp += 1
                let outcome = batch.fragmentOutcomes[nextFragment]
                nextFragment += 1
                var event: PacketEvent? = nil
                if outcome.result == .reassembled && batch.fragmentHasSegment[nextFragment - 1] {
                    let segment = batch.segments[nextSegment]
                    if shard?.contains(segment.source, segment.destination) ?? true {
                        event = track(segment)
                    } else {
                        advanceClock(segment.time)
                    }
                    nextSegment += 1
                }
                if printing { writeLine(batch, &nextLine, &lineStart, event, fragment: outcome) }
                afterTCP()
            case .truncatedTCP:
                counts.read += 1
                counts.tcp += 1
                counts.truncatedTCP += 1
                if printing { writeLine(batch, &nextLine, &lineStart, nil) }
            case .other:
                counts.read += 1
                counts.other += 1
            case .otherShard:
                counts.read += 1
                counts.otherShard += 1
            case .otherShardSegment:
                counts.read += 1
                otherShardSegment(batch.otherShardTimes[nextOtherShard])
                nextOtherShard += 1
            case .malformed:
                counts.read += 1
                malformed(batch.errors[nextError])
                nextError += 1
            case .end, .readFailure:
                return kind
            }
        }
        return nil
    }

    /// A packet line whose tcpdump part the reader wrote: that part, then the annotation.
    mutating func writeLine(_ batch: borrowing DecodedBatch, _ line: inout Int, _ start: inout Int, _ event: PacketEvent?,
                            fragment: FragmentOutcome? = nil) {
        let end = Int(batch.lineEnds[line])
        batch.text.withUnsafeBytes { out.append(bytes: UnsafeRawBufferPointer(rebasing: $0[start..<end])) }
        line += 1
        start = end
        if settings.annotate {
            if let fragment { FragmentText.write(fragment, event: event, into: &out) } else if let event { Annotation.write(event, into: &out) }
        }
        out.append(UInt8(ascii: "\n"))
        out.endLine()
    }

    mutating func track(_ segment: borrowing Segment) -> PacketEvent {
        // Before the tracker expires anything, so a held record still finds its connection.
        if pendingHead < pendingRecords.count { flushPendingRecords(now: segment.time) }
        checksums.count(segment.checksum)
        if stateSampler != nil || chartsStates { sampleStates(before: segment.time) }
        let event = tracker.process(segment)
        ladders?.record(segment, event)
        return event
    }

    /// A segment of another shard's connection (`--shard`): not tracked, but the capture's
    /// clock moves on, and what it makes due (held records, idle timeouts) happens now, as in a
    /// run that tracks every connection.
    private mutating func otherShardSegment(_ time: Nanoseconds) {
        counts.otherShard += 1
        advanceClock(time)
        afterTCP()
    }

    /// The capture's clock reached `time` on a segment of another shard: held records and
    /// timeouts due by then are done, as before tracking a segment.
    mutating func advanceClock(_ time: Nanoseconds) {
        if pendingHead < pendingRecords.count { flushPendingRecords(now: time) }
        tracker.skipSegment(at: time)
    }

    private mutating func badTCPHeader(_ time: Nanoseconds) {
        if pendingHead < pendingRecords.count { flushPendingRecords(now: time) }
        counts.truncatedTCP += 1
    }

    mutating func afterTCP() {
        if tracker.hasEnded { reportEnded() }
        if tracker.hasAlerts || tracker.hasStateAlerts { reportAlerts() }
    }

    private mutating func malformed(_ error: DecodeError) {
        counts.malformed += 1
        out.flush()
        diagnose("\(sourceName): packet \(counts.read): \(error)")
    }

    mutating func handle(_ record: PacketRecord, decoder: FrameDecoder) {
        counts.read += 1
        let number = counts.read
        let bytes = record.bytes
        switch decoder.decode(bytes, wireLength: record.wireLength) {
        case .tcp(let view) where view.network.isFragment:
            handleFragment(record, number: number, decoder: decoder)
        case .truncatedTCP(let network, _, _) where network.isFragment:
            handleFragment(record, number: number, decoder: decoder)
        case .laterFragment:
            handleFragment(record, number: number, decoder: decoder)
        case .tcp(let view):
            if let shard, !shard.contains(view.source, view.destination) {
                if view.hasValidHeaderLength { otherShardSegment(record.time) } else { counts.otherShard += 1 }
                printer.skip(seconds: record.seconds, fraction: record.fraction)
                return
            }
            counts.tcp += 1
            var event: PacketEvent? = nil
            if view.hasValidHeaderLength {
                event = track(Session.segment(view, record, number: number, verifyChecksums: settings.verifyChecksums, decoder: decoder))
            } else {
                badTCPHeader(record.time)
            }
            if settings.noteNames, let event { writeNoteNames(number, event) }
            if jsonPackets {
                JSONLines.writePacket(number: number, time: record.time, fractionDigits: fractionDigits, view: view, event: event, into: &out)
                if let sensorEnding { JSONLines.tagRecord(sensorEnding, &out) }
                out.endLine()
            }
            if printing {
                printer.writePrefix(packetNumber: number, seconds: record.seconds, fraction: record.fraction, into: &out)
                printer.writeTCP(view, bytes, wireLength: record.wireLength, into: &out)
                if settings.annotate, let event { Annotation.write(event, into: &out) }
                if let dump = settings.style.payloadDump {
                    // tcpdump dumps from the outermost network header, a tunnel's included.
                    let network = view.tunnel == 0 ? view.network.offset
                        : decoder.encapsulationLayers(bytes, wireLength: record.wireLength).first?.offset ?? view.network.offset
                    let linkHeader = decoder.tcpdumpLinkHeaderLength(bytes, networkOffset: network)
                    dump.write(bytes, linkHeaderLength: printer.readPastCapture ? 0 : linkHeader, into: &out)
                }
                out.append(UInt8(ascii: "\n"))
                if let explainer, let event {
                    explainer.write(event, payloadLength: Swift.max(0, view.payloadLength), flags: view.tcp.flags, into: &out)
                }
                out.endLine()
            }
            afterTCP()
        case let .truncatedTCP(network, offset, length):
            let ports = FlowShard.truncatedPorts(bytes, offset, length)
            if let shard, !shard.containsTruncated(network, ports: ports) {
                counts.otherShard += 1
                printer.skip(seconds: record.seconds, fraction: record.fraction)
                return
            }
            counts.tcp += 1
            counts.truncatedTCP += 1
            if jsonPackets {
                JSONLines.writeTruncatedPacket(number: number, time: record.time, fractionDigits: fractionDigits, network: network,
                                               ports: ports, into: &out)
                if let sensorEnding { JSONLines.tagRecord(sensorEnding, &out) }
                out.endLine()
            }
            if printing {
                printer.writePrefix(packetNumber: number, seconds: record.seconds, fraction: record.fraction, into: &out)
                printer.writeTruncatedTCP(network: network, transportOffset: offset, transportLength: length, bytes,
                                          wireLength: record.wireLength, into: &out)
                settings.style.payloadDump?.write(bytes, linkHeaderLength: decoder.tcpdumpLinkHeaderLength(bytes, networkOffset: network.offset),
                                                  into: &out)
                out.append(UInt8(ascii: "\n"))
                out.endLine()
            }
        case .other:
            counts.other += 1
            printer.skip(seconds: record.seconds, fraction: record.fraction)
        case .malformed(let error):
            printer.skip(seconds: record.seconds, fraction: record.fraction)
            malformed(error)
        }
    }

    /// `--note-names`: `packet<TAB>flow<TAB>name,name` (`-` when none), for scripts and tests.
    mutating func writeNoteNames(_ number: Int, _ event: PacketEvent) {
        out.append(decimal: number)
        out.append(9)
        out.append(decimal: event.flow)
        out.append(9)
        var first = true
        for (note, name) in PacketNotes.names where event.notes.contains(note) {
            if !first { out.append(UInt8(ascii: ",")) }
            out.append(string: name)
            first = false
        }
        if first { out.append(UInt8(ascii: "-")) }
        out.append(UInt8(ascii: "\n"))
        out.endLine()
    }

    /// SYN flood alert records: text lines in every output mode but `--note-names` and
    /// `--no-annotate` (plain tcpdump lines); `"type":"alert"` records with `--json`.
    private mutating func reportAlerts() {
        let alerts = tracker.takeAlerts()
        let stateAlerts = tracker.takeStateAlerts()
        alertCount += alerts.count + stateAlerts.count
        ladders?.alerts(alerts)
        guard !settings.noteNames else { return }
        if settings.format == .json {
            for a in alerts {
                JSONLines.writeAlert(a, fractionDigits: fractionDigits, into: &out)
                if let sensorEnding { JSONLines.tagRecord(sensorEnding, &out) }
            }
            Session.writeStateAlerts(stateAlerts, settings: settings, fractionDigits: fractionDigits, to: &out)
            out.endLine()
            return
        }
        guard settings.annotate else { return }
        if settings.format != .text {
            // Machine-readable standard output stays pure; alerts go to standard error.
            guard !alerts.isEmpty else { return }
            out.flush()
            ProgressLine.erase()
            var err = OutputBuffer(fileDescriptor: 2)
            for a in alerts { AlertText.write(a, into: &err) }
            Session.writeStateAlerts(stateAlerts, settings: settings, fractionDigits: fractionDigits, to: &err)
            err.flush()
            return
        }
        for a in alerts { AlertText.write(a, into: &out) }
        Session.writeStateAlerts(stateAlerts, settings: settings, fractionDigits: fractionDigits, to: &out)
        out.endLine()
    }

    /// `finish` is draining the tracker.
    private var finishing = false

    private mutating func reportEnded() {
        var ended: [EndedConnection] = []
        swap(&ended, &endedBatch)
        tracker.takeEnded(into: &ended)
        report(ended)
        ended.removeAll(keepingCapacity: true)
        swap(&ended, &endedBatch)
    }

    private mutating func report(_ ended: [EndedConnection]) {
        ladders?.ended(ended)
        for i in ended.indices where ended[i].reason == .endOfInput && ended[i].connection.isHalfOpen { halfOpenAtEnd += 1 }
        if settings.noteNames { return }
        switch settings.format {
        case .text:
            break
        case .json, .connLog:
            for e in ended {
                // At the end of input nothing more can come for a closed connection.
                if e.reason == .closed && !finishing { pendingRecords.append(e) } else { writeRecord(e) }
            }
            out.endLine()
            return
        }
        switch settings.output {
        case .lines:
            return
        case .linesAndTimelines:
            for i in ended.indices { ConnectionText.writeTimeline(ended[i], msl: settings.tracker.msl, into: &out) }
        case .summary:
            for i in ended.indices { ConnectionText.writeSummary(ended[i], into: &out) }
        }
        out.endLine()
    }

    /// How long a closed connection's machine record waits, in capture time, for packets that
    /// still belong to it (the last ACK, a retransmitted FIN, the rest of a connection whose SYN
    /// an injected RST "refused"), which Zeek counts: it logs a connection 5 s after the close
    /// (`ZeekConnection.removalTime`). The tracker must keep a closed connection whole that long.
    static let recordDelay: Nanoseconds = 6 * TrackerConfiguration.second

    /// A connection record or conn.log row.
    private mutating func writeRecord(_ e: EndedConnection) {
        switch settings.format {
        case .text:
            break
        case .json:
            let msl: Nanoseconds? = settings.output == .linesAndTimelines ? settings.tracker.msl : nil
            JSONLines.writeConnection(e, fractionDigits: fractionDigits, timeline: msl, into: &out)
            if let sensorEnding { JSONLines.tagRecord(sensorEnding, &out) }
        case .connLog(let format):
            ConnLog.writeRow(e, format: format, sensor: settings.sensor, into: &out)
        }
    }

    /// Writes the held records that are due at `now` (all when nil), each with the latest state
    /// of its connection while the tracker still holds it.
    private mutating func flushPendingRecords(now: Nanoseconds?) {
        while pendingHead < pendingRecords.count {
            var e = pendingRecords[pendingHead]
            if let now, now < e.time &+ Session.recordDelay { break }
            if let live = tracker.connection(between: e.connection.client, and: e.connection.server),
               live.number == e.connection.number {
                e.connection = live
            }
            writeRecord(e)
            pendingHead += 1
        }
        if pendingHead == pendingRecords.count {
            pendingRecords.removeAll(keepingCapacity: true)
            pendingHead = 0
        } else if pendingHead >= 4096 {
            pendingRecords.removeFirst(pendingHead)
            pendingHead = 0
        }
        out.endLine()
    }

    /// Decimals of JSON times: nanoseconds with --nano, else microseconds.
    var fractionDigits: Int { settings.style.nanoseconds ? 9 : 6 }

    /// The last line of machine-readable output: JSON's stats record, conn.log's #close.
    private mutating func writeTrailer() {
        switch settings.format {
        case .text, .connLog(.json):
            break
        case .connLog(.tsv):
            ConnLog.writeFooter(closed: time(nil), into: &out)
        case .json:
            let s = tracker.statistics
            var fields: [(name: StaticString, value: Int)] = [
                ("packets", counts.read), ("tcp", counts.tcp), ("other", counts.other), ("malformed", counts.malformed),
                ("truncated_tcp", counts.truncatedTCP), ("connections", s.connections), ("closed", s.closed),
                ("idle_expired", s.idleExpired), ("evicted", s.evicted), ("peak_live", s.peakLive),
            ]
            let f = fragmentStatistics ?? fragments.statistics
            if f.fragments > 0 {
                // Only for captures with fragments, so other records keep their shape.
                fields += [("ip_fragments", f.fragments), ("datagrams_reassembled", f.reassembled),
                           ("datagrams_lost", f.lost), ("fragment_overlaps", f.count(.overlap)),
                           ("fragment_duplicates", f.count(.duplicate))]
            }
            if let shard { fields += [("shard", shard.index), ("shards", shard.count), ("other_shard_tcp", counts.otherShard)] }
            JSONLines.writeStats(fields, into: &out)
            if let sensorEnding { JSONLines.tagRecord(sensorEnding, &out) }
        }
    }

    mutating func flushOutput() { out.flush() }

    /// Output is waiting in the buffer (a live capture flushes it when idle).
    var hasPendingOutput: Bool { !out.isEmpty }

    /// The errno of a failed write to standard output, once one failed: the run must stop.
    var outputError: Int32? { out.writeError }

    /// SIGUSR1's report: the counts so far, connections open now, alerts so far.
    var progressLine: String {
        let s = tracker.statistics
        return counts.line + "; \(s.connections) connection\(s.connections == 1 ? "" : "s"), \(s.live) open, "
            + "\(alertCount) alert\(alertCount == 1 ? "" : "s")"
    }

    /// Reports connections still open, flushes output, and prints the run's counts.
    mutating func finish() {
        fragments.finish()
        flushPendingRecords(now: nil)
        writeFinalStates()
        finishing = true
        // In batches, so the connections left at the end are never all held twice.
        while tracker.finish(batch: 1024) { reportEnded() }
        reportAlerts()
        reportEnded()
        if let ladders, let diagram = settings.diagram,
           !DiagramOutput.write(ladders, diagram, msl: settings.tracker.msl, into: &out) {
            diagramFailed = true
        }
        writeTrailer()
        out.flush()
        let s = tracker.statistics
        var line = counts.line + "; \(s.connections) connection\(s.connections == 1 ? "" : "s")"
        if s.evicted > 0 { line += ", \(s.evicted) evicted (flow table full)" }
        if s.idleExpired > 0 { line += ", \(s.idleExpired) idle-expired" }
        if halfOpenAtEnd > 0 { line += ", \(halfOpenAtEnd) half-open at end" }
        diagnose(line)
        if let warning = checksums.warning { diagnose(warning) }
        let fragmentCounts = fragmentStatistics ?? fragments.statistics
        if fragmentCounts.fragments > 0 { diagnose(FragmentText.summary(fragmentCounts)) }
    }
}
