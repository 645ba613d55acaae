#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The end of a run, file or live: what is still open is reported, diagrams are written and the
/// counts printed. A failed write to standard output is said once, in tcpdump's words
/// (`tcpwave: Unable to write output: No space left on device`), and makes the status 1.
enum RunEnd {
    static func finish(_ session: inout Session, status: Int32) -> Int32 {
        var status = status
        var said = false
        if let code = session.outputError {
            // Said before the counts, as soon as the run stopped for it.
            diagnose(message(code))
            said = true
        }
        session.finish()
        if session.diagramFailed { status = 1 }
        if let code = session.outputError {
            // The last writes (summaries, records, the diagram text) may be the ones that failed.
            if !said { diagnose(message(code)) }
            status = 1
        }
        return status
    }

    static func message(_ code: Int32) -> String {
        "Unable to write output: \(String(cString: strerror(code)))"
    }
}
