import ArgumentParser
import Render

/// tcpdump's everyday options beyond the core ones in TCPWave.swift: packet dumps, filter files,
/// several input files, rotation while saving, direction, link and timestamp types.
struct TcpdumpOptions: ParsableArguments {
    @Flag(name: .customShort("x"), help: "After each packet's line, its bytes in hex from the network header on (-xx: from the link-layer header).")
    var hex: Int

    @Flag(name: .customShort("X"), help: "As -x, with the bytes as ASCII beside the hex (-XX: from the link-layer header).")
    var hexAndASCII: Int

    @Flag(name: .customShort("A"), help: "After each packet's line, its bytes as ASCII text from the network header on (-AA: from the link-layer header).")
    var ascii: Int

    @Option(name: .customShort("F"), parsing: .unconditional, help: ArgumentHelp("Read the filter expression from this file ('#' starts a comment); no expression may follow the options then.", valueName: "file"), completion: .file())
    var filterFile: String?

    /// The filter: `-F`'s file, or the words after the options; nil for every packet.
    func filterExpression(_ commandLine: [String]) throws(FilterFile.ReadError) -> String? {
        if let filterFile { return try FilterFile.expression(at: filterFile) }
        return commandLine.isEmpty ? nil : commandLine.joined(separator: " ")
    }

    /// `-x`, `-X`, `-A` as one dump (tcpdump's precedence: -X, then -x, then -A).
    var payloadDump: PayloadDump? { PayloadDump(x: hex, X: hexAndASCII, A: ascii) }

    func validate() throws {
        if hex > 2 || hexAndASCII > 2 || ascii > 2 {
            throw ValidationError("-x, -X and -A are given once or twice (-xx, -XX, -AA)")
        }
    }
}
