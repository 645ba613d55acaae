import Flows
import Render

/// SYN flood, stuck-state and pile-up alerts as text lines (`ALERT …`): among the packet lines,
/// timelines or summaries; with `--conn-log` on standard error, so that standard output stays
/// conn.log. A consumer of alert events; `--json` writes them as records instead (JSONOutput).
struct AlertLines {
    let ephemeralPorts: Int
    /// `--conn-log`: machine-readable standard output stays pure.
    let toStandardError: Bool

    func alerts(_ alerts: [SynFloodAlert], _ stateAlerts: [StateAlert], into out: inout OutputBuffer) {
        if toStandardError {
            guard !alerts.isEmpty || !stateAlerts.isEmpty else { return }
            out.flush()
            ProgressLine.erase()
            var err = OutputBuffer(fileDescriptor: 2)
            write(alerts, stateAlerts, into: &err)
            err.flush()
            return
        }
        write(alerts, stateAlerts, into: &out)
        out.endLine()
    }

    private func write(_ alerts: [SynFloodAlert], _ stateAlerts: [StateAlert], into out: inout OutputBuffer) {
        for a in alerts { AlertText.write(a, into: &out) }
        for a in stateAlerts { StateAlertText.write(a, ephemeralPorts: ephemeralPorts, into: &out) }
    }
}
