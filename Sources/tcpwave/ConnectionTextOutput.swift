import Flows
import Render

/// `--timeline` and `--summary` as text: each connection's state timeline, or its one summary
/// line, when it ends. A consumer of ended connections.
struct ConnectionTextOutput {
    enum Form { case timeline(msl: Nanoseconds), summary }
    let form: Form

    func ended(_ ended: [EndedConnection], into out: inout OutputBuffer) {
        switch form {
        case .timeline(let msl):
            for i in ended.indices { ConnectionText.writeTimeline(ended[i], msl: msl, into: &out) }
        case .summary:
            for i in ended.indices { ConnectionText.writeSummary(ended[i], into: &out) }
        }
        out.endLine()
    }
}
