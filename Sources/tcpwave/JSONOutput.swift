import Capture
import Flows
import Render
import Wire

/// `--json`: newline-delimited records (schema tcpwave/1, docs/records.md): a `packet` record
/// per TCP packet (not with `--summary`), a `connection` record per connection when it is due,
/// `alert` records, `states` records (`--state-interval`), and the `stats` record last. Each ends
/// with `"sensor":…` under `--sensor`. A consumer of every kind of event.
struct JSONOutput {
    private let packets: Bool
    /// Decimals of times: nanoseconds with --nano, else microseconds.
    let fractionDigits: Int
    /// `--timeline`: each connection record carries its timeline.
    private let timelineMSL: Nanoseconds?
    private let ephemeralPorts: Int
    private let stateInterval: Nanoseconds?
    /// `--sensor`: what ends every record (JSONLines+Sensor.swift).
    private let sensorEnding: [UInt8]?

    init(settings: RunSettings) {
        packets = settings.output != .summary
        fractionDigits = settings.style.nanoseconds ? 9 : 6
        timelineMSL = settings.output == .linesAndTimelines ? settings.tracker.msl : nil
        ephemeralPorts = settings.tracker.stateAlerts.ephemeralPorts
        stateInterval = settings.stateInterval
        sensorEnding = settings.sensor.map(JSONLines.sensorEnding)
    }

    private func tag(_ out: inout OutputBuffer) {
        if let sensorEnding { JSONLines.tagRecord(sensorEnding, &out) }
    }

    /// A TCP packet (a reassembled datagram's, for the fragment that completed it).
    func packet(_ view: TCPSegmentView, time: Nanoseconds, number: Int, event: PacketEvent?, into out: inout OutputBuffer) {
        guard packets else { return }
        JSONLines.writePacket(number: number, time: time, fractionDigits: fractionDigits, view: view, event: event, into: &out)
        tag(&out)
        out.endLine()
    }

    /// TCP with fewer than 20 header bytes captured: what can be read of it.
    func truncatedPacket(network: NetworkHeader, offset: Int, length: Int, _ record: PacketRecord, number: Int,
                         into out: inout OutputBuffer) {
        guard packets else { return }
        let ports = FlowShard.truncatedPorts(record.bytes, offset, length)
        JSONLines.writeTruncatedPacket(number: number, time: record.time, fractionDigits: fractionDigits, network: network,
                                       ports: ports, into: &out)
        tag(&out)
        out.endLine()
    }

    /// A connection record, when it is due (TrackStage holds closed ones for late packets).
    func connection(_ e: EndedConnection, into out: inout OutputBuffer) {
        JSONLines.writeConnection(e, fractionDigits: fractionDigits, timeline: timelineMSL, into: &out)
        tag(&out)
    }

    func alerts(_ alerts: [SynFloodAlert], _ stateAlerts: [StateAlert], into out: inout OutputBuffer) {
        for a in alerts {
            JSONLines.writeAlert(a, fractionDigits: fractionDigits, into: &out)
            tag(&out)
        }
        for a in stateAlerts {
            JSONLines.writeStateAlert(a, ephemeralPorts: ephemeralPorts, fractionDigits: fractionDigits, into: &out)
            tag(&out)
        }
        out.endLine()
    }

    /// A `states` record: the counts at an interval boundary, or when the input ended.
    func states(_ snapshot: StateSnapshot, final: Bool, into out: inout OutputBuffer) {
        guard let stateInterval else { return }
        JSONLines.writeStates(snapshot, interval: stateInterval, final: final, fractionDigits: fractionDigits, into: &out)
        tag(&out)
        out.endLine()
    }

    /// The last record: the run's counts.
    func stats(_ totals: RunTotals, into out: inout OutputBuffer) {
        let s = totals.tracker
        var fields: [(name: StaticString, value: Int)] = [
            ("packets", totals.counts.read), ("tcp", totals.counts.tcp), ("other", totals.counts.other),
            ("malformed", totals.counts.malformed), ("truncated_tcp", totals.counts.truncatedTCP), ("connections", s.connections),
            ("closed", s.closed), ("idle_expired", s.idleExpired), ("evicted", s.evicted), ("peak_live", s.peakLive),
        ]
        let f = totals.fragments
        if f.fragments > 0 {
            // Only for captures with fragments, so other records keep their shape.
            fields += [("ip_fragments", f.fragments), ("datagrams_reassembled", f.reassembled),
                       ("datagrams_lost", f.lost), ("fragment_overlaps", f.count(.overlap)),
                       ("fragment_duplicates", f.count(.duplicate))]
        }
        if let shard = totals.shard {
            fields += [("shard", shard.index), ("shards", shard.count), ("other_shard_tcp", totals.counts.otherShard)]
        }
        JSONLines.writeStats(fields, into: &out)
        tag(&out)
    }
}

/// What the end of a run reports: the stats record, the line on standard error.
struct RunTotals {
    var counts: PacketCounts
    var tracker: TrackerStatistics
    var fragments: FragmentStatistics
    var shard: FlowShard?
}
