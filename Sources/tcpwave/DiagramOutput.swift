#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Flows
import Render

/// `--diagram`, `--ladder`, `--flow`: what to draw once the input has ended.
struct DiagramSettings {
    enum FileKind { case svg, html }

    /// `--diagram FILE`: the path, its kind, and the descriptor opened before the first packet
    /// (so a bad path fails at once, and a live capture can still write it after dropping root).
    var file: (path: String, kind: FileKind, descriptor: Int32)?
    /// `--ladder`: the text ladder on standard output instead of the packet lines.
    var ladder = false
    /// Columns the ladder may use.
    var ladderWidth = LadderTerminal.defaultWidth
    /// `--flow N`: only this connection.
    var flow: Int?
    /// The capture's name, for the HTML page's title.
    var sourceName = ""

    /// `.svg` or `.html` (any case); nil for another extension.
    static func kind(of path: String) -> FileKind? {
        let lower = path.lowercased()
        if lower.hasSuffix(".svg") { return .svg }
        if lower.hasSuffix(".html") || lower.hasSuffix(".htm") { return .html }
        return nil
    }

    /// Creates (or truncates) the diagram file; a message naming `--diagram` if it cannot.
    static func openFile(_ path: String) -> Result<Int32, DiagramError> {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if fd < 0 { return .failure(DiagramError("--diagram: cannot write \(path): \(String(cString: strerror(errno)))")) }
        return .success(fd)
    }

    /// `COLUMNS` if set and sane, else the terminal's width (standard output, then standard
    /// error), else 100.
    static func terminalWidth() -> Int {
        if let text = getenv("COLUMNS").map({ String(cString: $0) }), let n = Int(text), n > 0 {
            return Swift.max(LadderTerminal.minimumWidth, Swift.min(n, 1000))
        }
        var size = winsize()
        for fd: Int32 in [1, 2] where ioctl(fd, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 0 {
            return Swift.max(LadderTerminal.minimumWidth, Int(size.ws_col))
        }
        return LadderTerminal.defaultWidth
    }
}

struct DiagramError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Draws what the ladder recorder collected: the ladder on `out`, the diagram into its file.
enum DiagramOutput {
    /// False when something could not be written or the selected connection never appeared
    /// (the reason is on standard error).
    static func write(_ recorder: LadderRecorder, _ settings: DiagramSettings, msl: Nanoseconds,
                      into out: inout OutputBuffer) -> Bool {
        let flows = recorder.flows
        var ok = true
        if let n = settings.flow, flows.isEmpty {
            out.flush()
            diagnose("--flow \(n): no connection #\(n) in the input (connections are numbered from 1 in order of their first packet)")
            ok = false
        }
        if settings.ladder && !(settings.flow != nil && flows.isEmpty) {
            LadderTerminal.write(flows, width: settings.ladderWidth, msl: msl, omitted: recorder.omitted, into: &out)
            out.endLine()
        }
        if let file = settings.file, settings.flow != nil && flows.isEmpty {
            // Nothing to draw: leave no empty file behind.
            close(file.descriptor)
            unlink(file.path)
        } else if let file = settings.file {
            let text: String
            switch file.kind {
            case .svg: text = LadderSVG.document(flows, msl: msl, omitted: recorder.omitted)
            case .html: text = LadderHTML.document(flows, msl: msl, source: settings.sourceName, omitted: recorder.omitted)
            }
            var buffer = OutputBuffer(fileDescriptor: file.descriptor)
            buffer.append(string: text)
            buffer.flush()
            if buffer.failed {
                diagnose("--diagram: writing \(file.path) failed: \(String(cString: strerror(errno)))")
                ok = false
            }
            if close(file.descriptor) != 0 && ok {
                diagnose("--diagram: writing \(file.path) failed: \(String(cString: strerror(errno)))")
                ok = false
            }
        }
        return ok
    }
}
