import Capture
import Flows
import Render
import Wire

/// One run's stages wired together, for file and live capture alike: each packet read is
/// decoded here (or arrives decoded from the reader thread, `DecodedBatch`), tracked by the
/// track stage, and its events rendered by the outputs the options chose (Outputs.swift).
struct Session: ~Copyable {
    let settings: RunSettings
    var sourceName: String
    var counts = PacketCounts()
    var track: TrackStage
    var outputs: Outputs
    /// IP fragments of TCP, joined for the tracker (Session+Fragments.swift); on the pipelined
    /// path the reader thread's reassembler does this and hands its counts over at the end.
    var fragments = FragmentReassembler()
    var fragmentStatistics: FragmentStatistics? = nil
    var reassembledBytes: [UInt8] = []

    init(settings: RunSettings, linkType: LinkType, sourceName: String, lineBuffered: Bool = false) {
        self.settings = settings
        self.sourceName = sourceName
        self.outputs = Outputs(settings: settings, linkType: linkType, lineBuffered: lineBuffered)
        self.track = TrackStage(settings: settings, holdsRecords: outputs.writesRecords)
    }

    /// The packets that follow come from another file of a list read as one stream (MultiFileRun):
    /// connections, counts and packet numbers carry on.
    mutating func beginFile(sourceName: String, linkType: LinkType) {
        self.sourceName = sourceName
        outputs.switchLinkType(linkType)
    }

    /// Whether some output reads a packet beyond what a `DecodedBatch` carries. When not, a file
    /// is read and decoded on another thread (OfflineRun) and handed over in batches.
    var needsPacketBytes: Bool { outputs.needsPacketBytes }

    /// Packet lines are printed: on the pipelined path the reader writes their tcpdump part.
    var printsPacketLines: Bool { outputs.printsPacketLines }

    /// A packet read on this thread: decode, track, render.
    mutating func handle(_ record: PacketRecord, decoder: FrameDecoder) {
        counts.read += 1
        let number = counts.read
        switch decoder.decode(record.bytes, wireLength: record.wireLength) {
        case .tcp(let view):
            if view.network.isFragment {
                handleFragment(record, number: number, decoder: decoder)
            } else {
                handleTCP(view, record, number: number, decoder: decoder)
            }
        case let .truncatedTCP(network, offset, length):
            if network.isFragment {
                handleFragment(record, number: number, decoder: decoder)
            } else {
                handleTruncatedTCP(network, offset, length, record, number: number, decoder: decoder)
            }
        case .laterFragment:
            handleFragment(record, number: number, decoder: decoder)
        case .other:
            counts.other += 1
            outputs.skip(record)
        case .malformed(let error):
            outputs.skip(record)
            malformed(error)
        }
    }

    @inline(__always)
    private mutating func handleTCP(_ view: TCPSegmentView, _ record: PacketRecord, number: Int, decoder: FrameDecoder) {
        if let shard = track.shard, !shard.contains(view.source, view.destination) {
            if view.hasValidHeaderLength {
                counts.otherShard += 1
                track.advanceClock(record.time, &outputs)
                track.afterPacket(&outputs)
            } else {
                counts.otherShard += 1
            }
            outputs.skip(record)
            return
        }
        counts.tcp += 1
        var event: PacketEvent? = nil
        if view.hasValidHeaderLength {
            let segment = SegmentDecoding.segment(view, record, number: number, verifyChecksums: settings.verifyChecksums,
                                                  decoder: decoder)
            event = track.track(segment, &outputs)
        } else {
            track.untrackedTCP(at: record.time, &outputs)
            counts.truncatedTCP += 1
        }
        outputs.tcp(view, record, number: number, event: event, decoder: decoder)
        track.afterPacket(&outputs)
    }

    private mutating func handleTruncatedTCP(_ network: NetworkHeader, _ offset: Int, _ length: Int, _ record: PacketRecord,
                                             number: Int, decoder: FrameDecoder) {
        if let shard = track.shard, !shard.containsTruncated(network, ports: FlowShard.truncatedPorts(record.bytes, offset, length)) {
            counts.otherShard += 1
            outputs.skip(record)
            return
        }
        counts.tcp += 1
        counts.truncatedTCP += 1
        outputs.truncatedTCP(network: network, offset: offset, length: length, record, number: number, decoder: decoder)
    }

    /// The packets of a batch decoded on the reader thread (only when `needsPacketBytes` is
    /// false); returns `.end` or `.readFailure` when the batch ends the input, else nil.
    mutating func handle(_ batch: borrowing DecodedBatch) -> DecodedBatch.Kind? {
        // Segments are read in place: `batch.segments[i]` copied each one out first (callgrind:
        // a memcpy per packet, 2.5% of --summary).
        batch.segments.withUnsafeBufferPointer { handle(batch, segments: $0) }
    }

    private mutating func handle(_ batch: borrowing DecodedBatch, segments: UnsafeBufferPointer<Segment>) -> DecodedBatch.Kind? {
        var nextSegment = 0, nextTime = 0, nextError = 0, nextLine = 0, lineStart = 0, nextFragment = 0, nextOtherShard = 0
        let printing = outputs.printsPacketLines
        for kind in batch.kinds {
            switch kind {
            case .segment:
                counts.read += 1
                counts.tcp += 1
                // Not an optional: wrapping the event in one copied it (callgrind: 2% of --summary).
                let event = track.track(segments[nextSegment], &outputs)
                nextSegment += 1
                if printing { completeLine(batch, &nextLine, &lineStart, event: event) }
                track.afterPacket(&outputs)
            case .badTCPHeader:
                counts.read += 1
                counts.tcp += 1
                track.untrackedTCP(at: batch.badHeaderTimes[nextTime], &outputs)
                counts.truncatedTCP += 1
                nextTime += 1
                if printing { completeLine(batch, &nextLine, &lineStart, nil) }
                track.afterPacket(&outputs)
            case .fragment:
                counts.read += 1
                counts.tcp += 1
                let outcome = batch.fragmentOutcomes[nextFragment]
                nextFragment += 1
                var event: PacketEvent? = nil
                if outcome.result == .reassembled && batch.fragmentHasSegment[nextFragment - 1] {
                    if track.shard?.contains(segments[nextSegment].source, segments[nextSegment].destination) ?? true {
                        event = track.track(segments[nextSegment], &outputs)
                    } else {
                        track.advanceClock(segments[nextSegment].time, &outputs)
                    }
                    nextSegment += 1
                }
                if printing { completeLine(batch, &nextLine, &lineStart, event, fragment: outcome) }
                track.afterPacket(&outputs)
            case .truncatedTCP:
                counts.read += 1
                counts.tcp += 1
                counts.truncatedTCP += 1
                if printing { completeLine(batch, &nextLine, &lineStart, nil) }
            case .other:
                counts.read += 1
                counts.other += 1
            case .otherShard:
                counts.read += 1
                counts.otherShard += 1
            case .otherShardSegment:
                counts.read += 1
                counts.otherShard += 1
                track.advanceClock(batch.otherShardTimes[nextOtherShard], &outputs)
                track.afterPacket(&outputs)
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

    /// The same for a tracked segment.
    private mutating func completeLine(_ batch: borrowing DecodedBatch, _ line: inout Int, _ start: inout Int,
                                       event: PacketEvent) {
        let end = Int(batch.lineEnds[line])
        batch.text.withUnsafeBytes {
            outputs.completeLine(UnsafeRawBufferPointer(rebasing: $0[start..<end]), event: event)
        }
        line += 1
        start = end
    }

    /// A packet line whose tcpdump part the reader wrote: that part, then the annotation.
    private mutating func completeLine(_ batch: borrowing DecodedBatch, _ line: inout Int, _ start: inout Int, _ event: PacketEvent?,
                                       fragment: FragmentOutcome? = nil) {
        let end = Int(batch.lineEnds[line])
        batch.text.withUnsafeBytes {
            outputs.completeLine(UnsafeRawBufferPointer(rebasing: $0[start..<end]), event: event, fragment: fragment)
        }
        line += 1
        start = end
    }

    private mutating func malformed(_ error: DecodeError) {
        counts.malformed += 1
        outputs.out.flush()
        diagnose("\(sourceName): packet \(counts.read): \(error)")
    }

    mutating func flushOutput() { outputs.out.flush() }

    /// Output is waiting in the buffer (a live capture flushes it when idle).
    var hasPendingOutput: Bool { !outputs.out.isEmpty }

    /// The errno of a failed write to standard output, once one failed: the run must stop.
    var outputError: Int32? { outputs.out.writeError }

    /// A diagram could not be written, or the `--flow` asked for never appeared.
    var diagramFailed: Bool { outputs.diagramFailed }

    /// How far behind the wall clock a quiet live capture's clock is moved: packets captured
    /// but not yet delivered (libpcap's buffer timeout is under a second) are not overtaken.
    static let quietClockLag: Nanoseconds = 2 * TrackerConfiguration.second

    /// A live capture's clock moved on to `time` while no packet came (TrackStage.clockMoved).
    mutating func clockMoved(to time: Nanoseconds) {
        guard counts.tcp > 0 else { return }
        track.clockMoved(to: time, &outputs)
    }

    /// SIGUSR1's report: the counts so far, connections open now, alerts so far.
    var progressLine: String {
        let s = track.tracker.statistics
        let alerts = track.alertCount
        return counts.line + "; \(s.connections) connection\(s.connections == 1 ? "" : "s"), \(s.live) open, "
            + "\(alerts) alert\(alerts == 1 ? "" : "s")"
    }

    /// Reports connections still open, writes the diagrams and the last record, flushes output,
    /// and prints the run's counts.
    mutating func finish() {
        fragments.finish()
        track.finish(&outputs)
        let fragmentCounts = fragmentStatistics ?? fragments.statistics
        let s = track.tracker.statistics
        outputs.finish(RunTotals(counts: counts, tracker: s, fragments: fragmentCounts, shard: track.shard))
        var line = counts.line + "; \(s.connections) connection\(s.connections == 1 ? "" : "s")"
        if s.evicted > 0 { line += ", \(s.evicted) evicted (flow table full)" }
        if s.idleExpired > 0 { line += ", \(s.idleExpired) idle-expired" }
        if track.halfOpenAtEnd > 0 { line += ", \(track.halfOpenAtEnd) half-open at end" }
        diagnose(line)
        if let warning = track.checksums.warning { diagnose(warning) }
        if fragmentCounts.fragments > 0 { diagnose(FragmentText.summary(fragmentCounts)) }
    }
}
