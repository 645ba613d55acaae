import ArgumentParser
import Render

/// `--diagram`, `--ladder`, `--flow`, `--explain`, `--lang`: checks and settings.
extension TCPWave {
    func validateDiagramOptions() throws {
        if let lang, ExplainLanguage(rawValue: lang) == nil {
            throw ValidationError("--lang must be en or zh (got '\(lang)')")
        }
        if lang != nil && !explain { throw ValidationError("--lang chooses the language of --explain; add --explain") }
        if explain {
            let conflict = json ? "--json" : connLog != nil ? "--conn-log" : noteNames ? "--note-names"
                : summary ? "--summary" : noAnnotate ? "--no-annotate" : ladder ? "--ladder" : nil
            if let conflict {
                throw ValidationError("--explain follows the annotated packet lines; it does not combine with \(conflict)")
            }
        }
        if let diagram {
            if DiagramSettings.kind(of: diagram) == nil {
                throw ValidationError("--diagram writes FILE.svg or FILE.html (got '\(diagram)')")
            }
        }
        if ladder {
            let conflict = json ? "--json" : connLog != nil ? "--conn-log" : noteNames ? "--note-names" : summary ? "--summary" : nil
            if let conflict {
                throw ValidationError("--ladder prints the text ladder instead of the packet lines; it does not combine with \(conflict)")
            }
        }
        if let flow {
            if flow <= 0 { throw ValidationError("--flow \(flow): needs a connection number: 1, 2, ... (the #N of the annotations)") }
            if diagram == nil && !ladder { throw ValidationError("--flow selects the connection for --diagram or --ladder; add one of them") }
        }
    }

    /// Checks before the first packet that the diagram file can be written (DiagramOutput.swift).
    func configureDiagrams(_ settings: inout RunSettings) throws {
        if explain { settings.explain = ExplainLanguage(rawValue: lang ?? "en") ?? .en }
        guard diagram != nil || ladder else { return }
        var d = DiagramSettings()
        d.ladder = ladder
        d.flow = flow
        d.sourceName = file.isEmpty ? (more.captureList ?? interface ?? "") : file.map { $0 == "-" ? "<stdin>" : $0 }.joined(separator: ", ")
        if ladder { d.ladderWidth = DiagramSettings.terminalWidth() }
        if let diagram, let kind = DiagramSettings.kind(of: diagram) {
            if let error = DiagramSettings.checkWritable(diagram) {
                diagnose(error.description)
                throw ExitCode(1)
            }
            d.file = (diagram, kind)
        }
        settings.diagram = d
    }
}
