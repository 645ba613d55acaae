#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Flows
import Render

/// `--conn-log`: Zeek's conn.log, one row per connection when its record is due, between the
/// TSV header and `#close` (or bare JSON rows). A consumer of connection records only.
struct ConnLogOutput {
    private let format: ConnLog.Format
    private let sensor: String?

    init(format: ConnLog.Format, sensor: String?) {
        self.format = format
        self.sensor = sensor
    }

    /// The TSV header, written before the first packet: it carries the time the log was opened.
    func header(into out: inout OutputBuffer) {
        if format == .tsv { ConnLog.writeHeader(opened: time(nil), sensorColumn: sensor != nil, into: &out) }
    }

    func connection(_ e: EndedConnection, into out: inout OutputBuffer) {
        ConnLog.writeRow(e, format: format, sensor: sensor, into: &out)
    }

    func footer(into out: inout OutputBuffer) {
        if format == .tsv { ConnLog.writeFooter(closed: time(nil), into: &out) }
    }
}
