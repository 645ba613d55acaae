#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ArgumentParser
import Capture
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

    @Option(name: .customShort("V"), parsing: .unconditional, help: ArgumentHelp("Read the captures this file lists, one a line ('-' for standard input), as one stream: connections, packet numbers and -c carry on from one file into the next. A file that cannot be read is reported and skipped.", valueName: "file"), completion: .file())
    var captureList: String?

    @Flag(name: .customLong("merge"), help: "With several captures (-r more than once, or -V): order their packets by time across the files, as mergecap does, instead of reading one file after the other.")
    var merge = false

    /// The captures to read: `-V`'s list, or the `-r` files.
    func capturePaths(_ files: [String]) throws(FilterFile.ReadError) -> [String] {
        guard let captureList else { return files }
        let paths = try MultiFileRun.readList(captureList)
        if paths.isEmpty { throw FilterFile.ReadError(description: "-V \(captureList): lists no capture files") }
        return paths
    }

    /// Whether the captures are read by MultiFileRun rather than OfflineRun.
    func readsSeveral(_ files: [String]) -> Bool { captureList != nil || files.count > 1 }

    func validateInputs(_ files: [String], live: Bool) throws {
        if captureList != nil && !files.isEmpty { throw ValidationError("-V and -r are alternatives: list every capture in the -V file, or give -r once for each") }
        if captureList != nil && live { throw ValidationError("-V and -i are alternatives; choose one") }
        if merge && !readsSeveral(files) { throw ValidationError("--merge orders the packets of several captures: give -r more than once, or -V FILE") }
        if files.filter({ $0 == "-" }).count > 1 { throw ValidationError("standard input (-r -) can be read only once") }
    }

    @Option(name: .customShort("C"), parsing: .unconditional, help: ArgumentHelp("With -w: start a new file once the current one is larger than this many millions of bytes; the files after the first get a number after the name (1, 2, ...), as tcpdump names them.", valueName: "MB"), transform: NumberArgument.seconds)
    var fileSize: Double?

    @Option(name: .customShort("G"), parsing: .unconditional, help: ArgumentHelp("With -w: start a new file every this many seconds; the -w name may hold strftime(3) conversions (%Y-%m-%d_%H:%M:%S).", valueName: "seconds"), transform: NumberArgument.whole)
    var rotateSeconds: Int?

    @Option(name: .customShort("W"), parsing: .unconditional, help: ArgumentHelp("With -C: use this many file names in turn, overwriting the oldest (a ring of files); with -G alone: stop after this many files.", valueName: "count"), transform: NumberArgument.whole)
    var fileCount: Int?

    @Option(name: .customShort("z"), parsing: .unconditional, help: ArgumentHelp("With -C or -G: run 'COMMAND FILE' on each file a rotation closes (gzip, a script...).", valueName: "command"), completion: .shellCommand("compgen -c"))
    var postRotateCommand: String?

    /// `-C`/`-G`/`-W`/`-z` for the `-w` file; nil without `-C` or `-G`.
    var rotation: FileRotation? {
        guard fileSize != nil || rotateSeconds != nil else { return nil }
        var r = FileRotation(maxBytes: fileSize.map { Int(($0 * 1_000_000).rounded()) }, seconds: rotateSeconds,
                             fileCount: fileCount, postRotateCommand: postRotateCommand)
        r.onLimit = { count in
            inform("Maximum file limit reached: \(count)")
            StopRequest.signal = SIGTERM
        }
        r.onError = { message in diagnose(message) }
        return r
    }

    func validateOthers(live: Bool) throws {
        if (linkType != nil || timestampType != nil) && !live { throw ValidationError("\(linkType != nil ? "-y" : "-j") applies to live capture (-i)") }
        if let direction {
            if CaptureDirection(rawValue: direction) == nil { throw ValidationError("-Q \(direction): give in, out or inout") }
            if !live { throw ValidationError("-Q applies to live capture (-i)") }
        }
        if let timestampPrecision, !["micro", "nano"].contains(timestampPrecision) {
            throw ValidationError("--time-stamp-precision \(timestampPrecision): give micro or nano")
        }
    }

    func validateRotation(writing: Bool) throws {
        let given = [("-C", fileSize != nil), ("-G", rotateSeconds != nil), ("-W", fileCount != nil), ("-z", postRotateCommand != nil)]
        if let (letter, _) = given.first(where: { $0.1 }), !writing { throw ValidationError("\(letter) applies to the file written with -w") }
        if let fileSize, !(fileSize > 0 && fileSize <= 1e12) { throw ValidationError("-C \(fileSize): the file size must be more than 0 (millions of bytes)") }
        if let rotateSeconds, rotateSeconds <= 0 { throw ValidationError("-G \(rotateSeconds): the rotation period must be a positive number of seconds") }
        if let fileCount, fileCount <= 0 { throw ValidationError("-W \(fileCount): the file count must be positive") }
        if fileCount != nil && rotation == nil { throw ValidationError("-W applies with -C or -G") }
        if postRotateCommand != nil && rotation == nil { throw ValidationError("-z applies with -C or -G") }
    }

    @Flag(name: .customShort("K"), help: "Verify no IP or TCP checksum: none printed with -v, and for the Zeek columns as --ignore-checksums.")
    var noChecksums = false

    @Flag(name: .customShort("N"), help: "Do not print domain names qualified (tcpwave never resolves names; accepted for habit).")
    var unqualifiedNames = false

    @Flag(name: .customLong("count"), help: "Print only the number of packets read (those the filter passes), as tcpdump --count does.")
    var countOnly = false

    @Option(name: .customLong("time-stamp-precision"), parsing: .unconditional, help: ArgumentHelp("Timestamps in micro(seconds) or nano(seconds): libpcap scales a file's times, and a live capture asks the kernel for them (--nano is the same as nano).", valueName: "micro|nano"), completion: .list(["micro", "nano"]))
    var timestampPrecision: String?

    @Option(name: [.customShort("Q"), .customLong("direction")], parsing: .unconditional, help: ArgumentHelp("Live capture: only packets received (in), sent (out), or both (inout, the default).", valueName: "in|out|inout"), completion: .list(["in", "out", "inout"]))
    var direction: String?

    @Flag(name: .customShort("L"), help: "List the data link types the interface (-i) can deliver, and exit.")
    var listLinkTypes = false

    @Option(name: [.customShort("y"), .customLong("linktype")], parsing: .unconditional, help: ArgumentHelp("Live capture: ask the interface for this data link type (a name -L prints, such as EN10MB or LINUX_SLL2).", valueName: "type"))
    var linkType: String?

    @Flag(name: [.customShort("J"), .customLong("list-time-stamp-types")], help: "List the timestamp sources the interface (-i) offers, and exit.")
    var listTimestampTypes = false

    @Option(name: [.customShort("j"), .customLong("time-stamp-type")], parsing: .unconditional, help: ArgumentHelp("Live capture: take timestamps from this source (a name -J prints, such as host or adapter).", valueName: "type"))
    var timestampType: String?

    /// `-L`, `-J`: tcpdump's listings, on standard error as tcpdump writes them.
    func listTypes(interface: String) throws {
        do {
            if listLinkTypes {
                let types = try CaptureSource.dataLinkTypes(of: interface)
                inform("Data link types for \(interface) (use option -y to set):")
                for t in types { inform("  \(t.name) (\(t.description))") }
            }
            if listTimestampTypes {
                let types = try CaptureSource.timestampTypes(of: interface)
                if types.isEmpty {
                    inform("Time stamp type cannot be set for \(interface)")
                } else {
                    inform("Time stamp types for \(interface) (use option -j to set):")
                    for t in types { inform("  \(t.name) (\(t.description))") }
                }
            }
        } catch {
            diagnose("\(error)")
            throw ExitCode(1)
        }
    }

    /// `-x`, `-X`, `-A` as one dump (tcpdump's precedence: -X, then -x, then -A).
    var payloadDump: PayloadDump? { PayloadDump(x: hex, X: hexAndASCII, A: ascii) }

    func validate() throws {
        if hex > 2 || hexAndASCII > 2 || ascii > 2 {
            throw ValidationError("-x, -X and -A are given once or twice (-xx, -XX, -AA)")
        }
    }
}
