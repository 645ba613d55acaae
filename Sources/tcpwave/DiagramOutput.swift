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

    /// `--diagram FILE`: the path and its kind. The file is written only once the input has ended,
    /// into a temporary file beside it that is then renamed over it: a bad filter, a file that
    /// is not a capture or Ctrl-C never leaves it truncated.
    var file: (path: String, kind: FileKind)?
    /// A live capture that drops root opens the file first (without truncating it), because the
    /// unprivileged user may not be allowed to create or rename files in its directory; the
    /// file is then truncated and written in place when the capture ends.
    var openedBeforeDroppingPrivileges: Int32? = nil
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

    /// Checks, before the first packet, that the diagram can be written: its directory must take
    /// a new file, and the path must not be a directory. Touches nothing.
    static func checkWritable(_ path: String) -> DiagramError? {
        func failure(_ code: Int32) -> DiagramError {
            DiagramError("--diagram: cannot write \(path): \(String(cString: strerror(code)))")
        }
        var info = stat()
        if stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR { return failure(EISDIR) }
        if faccessat(AT_FDCWD, directory(of: path), W_OK | X_OK, AT_EACCESS) != 0 { return failure(errno) }
        return nil
    }

    /// The directory a path's file is in (`.` for a bare name).
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let dir = String(path[..<slash])
        return dir.isEmpty ? "/" : dir
    }

    /// Opens the diagram file before a live capture drops root, without truncating it.
    mutating func openBeforeDroppingPrivileges() -> Result<Void, DiagramError> {
        guard let file else { return .success(()) }
        let fd = open(file.path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
        if fd < 0 { return .failure(DiagramError("--diagram: cannot write \(file.path): \(String(cString: strerror(errno)))")) }
        openedBeforeDroppingPrivileges = fd
        return .success(())
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
        if settings.file != nil, settings.flow != nil && flows.isEmpty {
            // Nothing to draw: an existing file stays as it was.
            if let fd = settings.openedBeforeDroppingPrivileges { close(fd) }
        } else if let file = settings.file {
            let text: String
            switch file.kind {
            case .svg: text = LadderSVG.document(flows, msl: msl, omitted: recorder.omitted)
            case .html: text = LadderHTML.document(recorder, msl: msl, source: settings.sourceName)
            }
            let written: DiagramError?
            if let fd = settings.openedBeforeDroppingPrivileges {
                written = writeInPlace(text, fd: fd, path: file.path)
            } else {
                written = writeReplacing(text, path: file.path)
            }
            if let written {
                diagnose(written.description)
                ok = false
            }
        }
        return ok
    }

    /// Writes `text` to a temporary file in the diagram's directory, then renames it over the
    /// diagram, so that the path holds either the old diagram or the complete new one.
    static func writeReplacing(_ text: String, path: String) -> DiagramError? {
        func failure(_ what: String, _ code: Int32) -> DiagramError {
            DiagramError("--diagram: \(what) \(path) failed: \(String(cString: strerror(code)))")
        }
        let dir = DiagramSettings.directory(of: path)
        let base = path.split(separator: "/").last.map(String.init) ?? path
        var template = Array("\(dir)/.\(base).XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        if fd < 0 { return failure("writing", errno) }
        let temporary = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        // mkstemp makes the file private; give it the mode a newly created file would get.
        let mask = umask(0)
        umask(mask)
        fchmod(fd, 0o644 & ~mask)
        if let error = writeAll(text, fd: fd) {
            close(fd)
            unlink(temporary)
            return failure("writing", error)
        }
        if close(fd) != 0 {
            let code = errno
            unlink(temporary)
            return failure("writing", code)
        }
        if rename(temporary, path) != 0 {
            let code = errno
            unlink(temporary)
            return failure("replacing", code)
        }
        return nil
    }

    /// Writes `text` over the file opened before root was dropped.
    static func writeInPlace(_ text: String, fd: Int32, path: String) -> DiagramError? {
        var error: Int32? = ftruncate(fd, 0) == 0 ? writeAll(text, fd: fd) : errno
        if close(fd) != 0 && error == nil { error = errno }
        return error.map { DiagramError("--diagram: writing \(path) failed: \(String(cString: strerror($0)))") }
    }

    /// Writes all of `text`; the errno of a failed write, or nil.
    private static func writeAll(_ text: String, fd: Int32) -> Int32? {
        var text = text
        return text.withUTF8 { bytes -> Int32? in
            var offset = 0
            while offset < bytes.count {
                let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += n
            }
            return nil
        }
    }
}
