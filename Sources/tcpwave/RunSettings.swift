import Capture
import Flows
import Render

/// What to print.
enum OutputMode {
    /// Packet lines (annotated unless asked not to).
    case lines
    /// Packet lines, and each connection's timeline when it ends.
    case linesAndTimelines
    /// Only a summary line per connection.
    case summary
}

/// Text, or one of the machine-readable forms.
enum OutputFormat: Equatable {
    /// tcpdump lines, timelines, summaries.
    case text
    /// Newline-delimited JSON records (schema tcpwave/1).
    case json
    /// Zeek conn.log rows only.
    case connLog(ConnLog.Format)
}

/// Everything a run needs, decided before the first packet.
struct RunSettings {
    var style: TcpdumpStyle
    var annotate: Bool
    var output: OutputMode
    var tracker: TrackerConfiguration
    var packetLimit: Int?
    var filter: String?
    /// `--json` or `--conn-log`: machine-readable records instead of text lines.
    var format: OutputFormat = .text
    /// Verify checksums for the Zeek columns (machine output without `--ignore-checksums`).
    var verifyChecksums = false
    /// `--note-names`: one line per TCP packet, `number<TAB>flow<TAB>names`, instead of the lines.
    var noteNames = false
    /// `--diagram`, `--ladder`: ladder diagrams drawn when the input ends (DiagramOutput.swift).
    var diagram: DiagramSettings? = nil
    /// `--explain`: plain-language sentences after each annotated line, in this language.
    var explain: ExplainLanguage? = nil
    /// `--single-thread`: read, decode and track on one thread (OfflineRun).
    var singleThread = false
    /// `-C`, `-G`, `-W`, `-z`: the `-w` file rotated (RotatingWriter.swift).
    var rotation: FileRotation? = nil
    /// `--state-interval`: a `states` record (JSON) every this much capture time.
    var stateInterval: Nanoseconds? = nil
    /// `--shard K/N`: only the connections in this shard are tracked and printed (ShardSelection.swift).
    var shard: FlowShard? = nil
    /// `--sensor NAME`: every JSON record and conn.log row names where it came from.
    var sensor: String? = nil
}
