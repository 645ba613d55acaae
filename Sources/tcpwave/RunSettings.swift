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

/// Everything a run needs, decided before the first packet.
struct RunSettings {
    var style: TcpdumpStyle
    var annotate: Bool
    var output: OutputMode
    var tracker: TrackerConfiguration
    var packetLimit: Int?
    var filter: String?
    /// `--note-names`: one line per TCP packet, `number<TAB>flow<TAB>names`, instead of the lines.
    var noteNames = false
}
