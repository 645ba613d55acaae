#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ArgumentParser
import Capture
import Flows
import Render

/// `--conn-log`'s values.
enum ConnLogChoice: String, ExpressibleByArgument {
    case tsv, json
}

@main
struct TCPWave: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tcpwave",
        abstract: "Explain every TCP connection in a capture: tcpdump lines annotated with handshake and teardown steps and both endpoints' RFC 9293 states.",
        discussion: """
        Reads a pcap or pcapng file (-r FILE, or -r - for standard input) or captures live (-i). \
        A filter expression may follow the options, written as for tcpdump: tcpwave -r x.pcap tcp port 80. \
        Options are spelled as tcpdump takes them: values attached or apart (-c100, -c 100, -rFILE), \
        letters run together (-nnr FILE, -vvv).
        """,
        version: TCPWave.versionText)

    /// tcpwave's own version.
    static let version = "0.9.0"

    /// What `--version` prints, as tcpdump prints its own and libpcap's.
    static var versionText: String { "tcpwave version \(version)\n\(CaptureSource.libraryVersion)" }

    @Option(name: .customShort("r"), parsing: .unconditionalSingleValue, help: ArgumentHelp("Read packets from a capture file ('-' for standard input); given more than once, the files are read in order as one stream (see -V).", valueName: "file"), completion: .file())
    var file: [String] = []

    @Option(name: .customShort("i"), parsing: .unconditional, help: ArgumentHelp("Capture live from an interface (lo, any, eth0...); needs root or CAP_NET_RAW+CAP_NET_ADMIN.", valueName: "interface"), completion: .shellCommand("ls /sys/class/net 2>/dev/null; echo any"))
    var interface: String?

    @Flag(name: .customShort("D"), help: "List the interfaces tcpwave can capture on, and exit.")
    var listInterfaces = false

    @Option(name: .customShort("s"), parsing: .unconditional, help: ArgumentHelp("Snapshot length for live capture, in bytes (0: 262144, as tcpdump takes it).", valueName: "snaplen"), transform: NumberArgument.whole)
    var snapshotLength: Int = 262_144

    @Flag(name: .customShort("p"), help: "Do not put the interface into promiscuous mode.")
    var noPromiscuous = false

    @Option(name: .customShort("B"), parsing: .unconditional, help: ArgumentHelp("Kernel capture buffer size, in KiB.", valueName: "KiB"), transform: NumberArgument.whole)
    var bufferSize: Int?

    @Option(name: .customShort("w"), parsing: .unconditional, help: ArgumentHelp("Also save the raw packets to this pcap file.", valueName: "file"), completion: .file())
    var writeFile: String?

    @Option(name: .customShort("Z"), parsing: .unconditional, help: ArgumentHelp("When started as root, drop to this user once the interface is open (default: nobody).", valueName: "user"), completion: .shellCommand("cut -d: -f1 /etc/passwd"))
    var user: String?

    @Flag(name: .customShort("l"), help: "Line-buffered output: each line is written as soon as it is complete (the default when standard output is a terminal).")
    var lineBuffered = false

    @Flag(name: [.customShort("U"), .customLong("packet-buffered")], help: "With -w, write each packet to the file as soon as it is captured or read, not in blocks.")
    var packetBuffered = false

    @Flag(name: .customLong("immediate-mode"), help: "Live capture: have the kernel deliver each packet at once instead of in blocks (lower latency, but packets are dropped sooner under load).")
    var immediateMode = false

    @Option(name: .customLong("duration"), parsing: .unconditional, help: ArgumentHelp("Stop a live capture after this many seconds.", valueName: "seconds"), transform: NumberArgument.seconds)
    var duration: Double?

    @Flag(name: .customShort("n"), help: "Do not resolve addresses or ports (tcpwave never does; accepted as -n or -nn).")
    var noResolve: Int

    @Flag(name: .customShort("S"), help: "Print absolute TCP sequence numbers.")
    var absoluteSequence = false

    @Flag(name: .customShort("t"), help: "Timestamps: -t none, -tt epoch seconds, -ttt since previous, -tttt date, -ttttt since first.")
    var timestampFlags: Int

    @Flag(name: .customLong("nano"), help: "Print timestamps with nanoseconds.")
    var nano = false

    @Flag(name: .customShort("v"), help: "Verbose: IP header details and TCP checksums (-vv prints seq on every packet).")
    var verbosity: Int

    @Flag(name: .customShort("q"), help: "Quick output: 'tcp N' instead of flags and numbers.")
    var quick = false

    @Flag(name: .customShort("e"), help: "Print the link-level header on each line, as tcpdump -e does (MAC addresses, EtherType, VLAN tags, frame length; the cooked, loopback, PPP, HDLC, 802.11, PPI, ARCNET, Juniper and IPoIB headers).")
    var linkHeaders = false

    @Option(name: .customShort("c"), parsing: .unconditional, help: ArgumentHelp("Stop after this many TCP packets (the packets tcpwave prints a line for), as tcpdump stops after this many printed packets.", valueName: "count"), transform: NumberArgument.whole)
    var count: Int?

    @Flag(name: .customShort("#"), help: "Print the packet number before each line.")
    var packetNumbers = false

    @Flag(name: .customLong("no-annotate"), help: "Print plain tcpdump lines, without tcpwave's annotations.")
    var noAnnotate = false

    @Flag(name: .customLong("timeline"), help: "Print each connection's state timeline and summary when it ends.")
    var timeline = false

    @Flag(name: .customLong("summary"), help: "Print only one summary line per connection, no packet lines.")
    var summary = false

    @Option(name: .customLong("msl"), parsing: .unconditional, help: ArgumentHelp("Maximum segment lifetime in seconds; TIME_WAIT lasts 2xMSL.", valueName: "seconds"), transform: NumberArgument.seconds)
    var msl: Double = 60

    @Option(name: .customLong("idle-timeout"), parsing: .unconditional, help: ArgumentHelp("Forget a connection after this many seconds without a packet, whatever its state. Default: by state, as Linux conntrack (5 days established; 120 s opening or closing, 60 s SYN_RECEIVED or CLOSE_WAIT, 30 s LAST_ACK).", valueName: "seconds"), transform: NumberArgument.seconds)
    var idleTimeout: Double?

    @Option(name: .customLong("max-flows"), parsing: .unconditional, help: ArgumentHelp("Track at most this many connections; the oldest idle one is evicted.", valueName: "n"), transform: NumberArgument.whole)
    var maxFlows: Int = 131_072

    @Option(name: .customLong("syn-flood-threshold"), parsing: .unconditional, help: ArgumentHelp("Alert when this many half-open connections to one server endpoint begin within one window (0: off).", valueName: "n"), transform: NumberArgument.whole)
    var synFloodThreshold: Int = 100

    @Option(name: .customLong("syn-flood-window"), parsing: .unconditional, help: ArgumentHelp("Length of the SYN flood counting window, in seconds.", valueName: "seconds"), transform: NumberArgument.seconds)
    var synFloodWindow: Double = 5

    @Option(name: .customLong("stuck-after"), parsing: .unconditional, help: ArgumentHelp("Alert when endpoints stay in CLOSE_WAIT, FIN_WAIT_2 or LAST_ACK longer than this many seconds of capture time (0: off). Connections in those states are then followed at least 5 times as long without a packet.", valueName: "seconds"), transform: NumberArgument.seconds)
    var stuckAfter: Double = 60

    @Option(name: .customLong("half-open-threshold"), parsing: .unconditional, help: ArgumentHelp("Alert when this many connections to one server endpoint are in SYN_RECEIVED at once (0: off).", valueName: "n"), transform: NumberArgument.whole)
    var halfOpenThreshold: Int = 128

    @Option(name: .customLong("ephemeral-ports"), parsing: .unconditional, help: ArgumentHelp("Ephemeral ports of a client address (Linux: 28232); alert when its TIME_WAIT connections reach three quarters of them (0: off).", valueName: "n"), transform: NumberArgument.whole)
    var ephemeralPorts: Int = 28_232

    @Option(name: .customLong("state-interval"), parsing: .unconditional, help: ArgumentHelp("With --json, add a 'states' record every this many seconds of capture time: endpoints per state for the whole capture and the busiest server endpoints.", valueName: "seconds"), transform: NumberArgument.seconds)
    var stateInterval: Double?

    @Flag(name: .customLong("top"), help: "A full-screen board of every endpoint's connections by state, refreshed each second: states with a sparkline of the last minute, the busiest server endpoints, the alerts in force (q quits, s or arrows change the sort). With -r the file is replayed in capture time (--speed). When standard output is not a terminal, the board is printed as text for every second of capture time that has packets.")
    var top = false

    @Option(name: .customLong("speed"), parsing: .unconditional, help: ArgumentHelp("With --top -r: replay this many times faster than capture time, or 'max' (default 1).", valueName: "n|max"))
    var speed: String?

    @Flag(name: .customLong("single-thread"), help: "Read, decode and track a file on one thread. By default a file is read and decoded (and the tcpdump part of each line written) on a second thread, unless --json packet records, --note-names, diagrams or --explain are asked for.")
    var singleThread = false

    @Flag(name: .customLong("note-names"), help: "Instead of packet lines, print 'packet<TAB>flow<TAB>notes' per TCP packet, notes by machine name (retransmission, duplicate_ack, keepalive...) or '-'.")
    var noteNames = false

    @Flag(name: .customLong("json"), help: "Newline-delimited JSON instead of text (schema tcpwave/1): a record per TCP packet (none with --summary; timelines with --timeline), one per connection as it ends, and a final stats record.")
    var json = false

    @Option(name: .customLong("conn-log"), help: ArgumentHelp("Print only Zeek conn.log rows, one per connection: --conn-log (Zeek's tab-separated log with its # headers) or --conn-log=json (Zeek's JSON form).", valueName: "tsv|json"), completion: .list(["tsv", "json"]))
    var connLog: ConnLogChoice?

    @Flag(name: .customLong("ignore-checksums"), help: "For the Zeek columns, do not verify checksums (Zeek's -C). Otherwise a packet with a bad TCP checksum only adds 'C' to the history, and one with a bad IPv4 header checksum is left out.")
    var ignoreChecksums = false

    @Option(name: .customLong("likely-server-ports"), parsing: .unconditional, help: ArgumentHelp("Zeek's likely_server_ports, which pick the originator of a connection seen without its SYN: ports separated by commas, 'default' (Zeek's default scripts) or 'none'.", valueName: "ports"))
    var likelyServerPorts = "default"

    @OptionGroup var cluster: ClusterOptions

    @Option(name: .customLong("diagram"), parsing: .unconditional, help: ArgumentHelp("Draw ladder diagrams of the connections into FILE.svg (one below another) or FILE.html (a report: endpoints per state over time, every connection in a searchable table, ladders and time-sequence graphs), when the input ends.", valueName: "file"), completion: .file(extensions: ["svg", "html"]))
    var diagram: String?

    @Flag(name: .customLong("ladder"), help: "Instead of packet lines, print each connection's ladder diagram as text, fitted to the terminal (COLUMNS, else its width, else 100).")
    var ladder = false

    @Option(name: .customLong("flow"), parsing: .unconditional, help: ArgumentHelp("Draw only connection N (the #N of the annotations) with --diagram or --ladder.", valueName: "n"), transform: NumberArgument.whole)
    var flow: Int?

    @Flag(name: .customLong("explain"), help: "After each annotated line, one or two sentences in plain language on what happened and why.")
    var explain = false

    @Option(name: .customLong("lang"), parsing: .unconditional, help: ArgumentHelp("Language of --explain: en (default) or zh.", valueName: "en|zh"), completion: .list(["en", "zh"]))
    var lang: String?

    @OptionGroup
    var more: TcpdumpOptions

    @Argument(help: ArgumentHelp("Capture filter, as tcpdump takes it (pcap-filter(7)).", valueName: "expression"))
    var filter: [String] = []

    /// tcpdump's spellings (`-c100`, `-rFILE`, `-nnr FILE`, `--conn-log` alone) first become the
    /// ones ArgumentParser parses (TcpdumpArgv.swift).
    static func main() {
        main(TcpdumpArgv.rewrite(Array(CommandLine.arguments.dropFirst())))
    }

    /// `--likely-server-ports`: a port list where `default` stands for Zeek's default set; nil if malformed.
    static func parsePorts(_ text: String) -> Set<UInt16>? {
        if text == "none" { return [] }
        var ports = Set<UInt16>()
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            if part == "default" {
                ports.formUnion(ZeekOptions.defaultLikelyServerPorts)
            } else if let port = UInt16(part) {
                ports.insert(port)
            } else {
                return nil
            }
        }
        return ports
    }

    /// `--json`, `--conn-log` and the Zeek model's options.
    func configureMachineOutput(_ settings: inout RunSettings) {
        if json {
            settings.format = .json
        } else if let connLog {
            settings.format = .connLog(connLog == .json ? .json : .tsv)
        }
        settings.verifyChecksums = settings.format != .text && !ignoreChecksums && !more.noChecksums
        // Zeek's records count packets until 5 s after a close: keep closed connections whole
        // that long (costs memory on captures with many short connections, so only here).
        if settings.format != .text { settings.tracker.closedGrace = TrackStage.recordDelay }
        settings.tracker.zeekModel = settings.format != .text
        if let ports = TCPWave.parsePorts(likelyServerPorts) { settings.tracker.zeek.likelyServerPorts = ports }
    }

    func validate() throws {
        if listInterfaces { return }
        if more.listLinkTypes || more.listTimestampTypes {
            if interface == nil { throw ValidationError("\(more.listLinkTypes ? "-L" : "-J") lists what an interface offers: give it with -i") }
            return
        }
        if more.filterFile != nil && !filter.isEmpty {
            throw ValidationError("-F \(more.filterFile!) and an expression on the command line ('\(filter.joined(separator: " "))') are alternatives; put the whole expression in the file")
        }
        if file.isEmpty && more.captureList == nil && interface == nil {
            throw ValidationError("give a capture to read with -r FILE (-r - for standard input) or an interface with -i")
        }
        if !file.isEmpty && interface != nil { throw ValidationError("-r and -i are alternatives; choose one") }
        try more.validateInputs(file, live: interface != nil)
        try more.validateRotation(writing: writeFile != nil)
        try more.validateOthers(live: interface != nil)
        if more.countOnly && interface != nil { throw ValidationError("--count applies to capture files (-r, -V)") }
        if let duration, !(duration > 0 && duration <= 365.0 * 86_400) { throw ValidationError("--duration \(duration): must be more than 0 and at most a year of seconds") }
        if duration != nil && interface == nil { throw ValidationError("--duration applies to live capture (-i)") }
        if immediateMode && interface == nil { throw ValidationError("--immediate-mode applies to live capture (-i)") }
        if snapshotLength < 0 || snapshotLength > 262_144 { throw ValidationError("-s \(snapshotLength): the snapshot length must be between 0 (262144, as tcpdump takes it) and 262144 bytes") }
        if let bufferSize, bufferSize <= 0 { throw ValidationError("-B \(bufferSize): the buffer size must be a positive number of KiB") }
        if timestampFlags > 5 { throw ValidationError("only -t, -tt, -ttt, -tttt and -ttttt are supported") }
        if let count, count <= 0 { throw ValidationError("-c \(count): the packet count must be positive") }
        let year = 365.0 * 86_400
        if !(msl > 0 && msl <= year) { throw ValidationError("--msl \(msl): must be more than 0 and at most a year of seconds") }
        if let idleTimeout, !(idleTimeout > 0 && idleTimeout <= year) { throw ValidationError("--idle-timeout \(idleTimeout): must be more than 0 and at most a year of seconds") }
        if maxFlows <= 0 { throw ValidationError("--max-flows \(maxFlows): must be positive") }
        if synFloodThreshold < 0 { throw ValidationError("--syn-flood-threshold \(synFloodThreshold): must be 0 (off) or positive") }
        if !(synFloodWindow >= 0.001 && synFloodWindow <= 86_400) { throw ValidationError("--syn-flood-window \(synFloodWindow): must be between 0.001 and 86400 seconds") }
        if !(stuckAfter >= 0 && stuckAfter <= year) { throw ValidationError("--stuck-after \(stuckAfter): must be 0 (off) or at most a year of seconds") }
        if halfOpenThreshold < 0 { throw ValidationError("--half-open-threshold \(halfOpenThreshold): must be 0 (off) or positive") }
        if ephemeralPorts < 0 || ephemeralPorts > 65_536 { throw ValidationError("--ephemeral-ports \(ephemeralPorts): must be between 0 (off) and 65536") }
        if let stateInterval {
            if !(stateInterval >= 0.001 && stateInterval <= 86_400) { throw ValidationError("--state-interval \(stateInterval): must be between 0.001 and 86400 seconds") }
            if !json { throw ValidationError("--state-interval adds records to --json output; add --json") }
        }
        try validateTopOptions()
        if summary && timeline { throw ValidationError("--summary and --timeline are alternatives; choose one") }
        if json && connLog != nil { throw ValidationError("--json and --conn-log are alternatives; choose one") }
        if noteNames && (json || connLog != nil) { throw ValidationError("--note-names does not combine with --json or --conn-log") }
        if connLog != nil && (summary || timeline) { throw ValidationError("--conn-log prints only conn.log rows; leave out --summary and --timeline") }
        try validateDiagramOptions()
        try cluster.validate(machineOutput: json || connLog != nil)
        if TCPWave.parsePorts(likelyServerPorts) == nil {
            throw ValidationError("--likely-server-ports takes port numbers separated by commas, 'default' or 'none'")
        }
    }

    func run() throws {
        if listInterfaces {
            do {
                for (i, interface) in try CaptureSource.interfaces().enumerated() { print("\(i + 1).\(interface.listing)") }
            } catch {
                diagnose("\(error)")
                throw ExitCode(1)
            }
            return
        }
        if more.listLinkTypes || more.listTimestampTypes {
            try more.listTypes(interface: interface!)
            return
        }
        Signals.install()
        var style = TcpdumpStyle()
        style.verbosity = verbosity
        style.absoluteSequence = absoluteSequence
        style.quick = quick
        style.packetNumbers = packetNumbers
        style.timestamps = TimestampStyle(tCount: timestampFlags)
        style.nanoseconds = nano || more.timestampPrecision == "nano"
        style.skipChecksums = more.noChecksums
        style.payloadDump = more.payloadDump
        style.linkHeaders = linkHeaders
        var tracker = TrackerConfiguration(
            msl: Nanoseconds(msl * 1e9), idleTimeout: idleTimeout.map { Nanoseconds($0 * 1e9) }, maxConnections: maxFlows)
        tracker.synFlood = SynFloodConfiguration(threshold: synFloodThreshold, window: Nanoseconds(synFloodWindow * 1e9))
        tracker.stateAlerts = StateAlertConfiguration(stuckAfter: Nanoseconds(stuckAfter * 1e9), halfOpenThreshold: halfOpenThreshold,
                                                      ephemeralPorts: ephemeralPorts)
        tracker.followStuckEndpoints()
        let output: OutputMode = summary ? .summary : (timeline ? .linesAndTimelines : .lines)
        let expression: String?
        do { expression = try more.filterExpression(filter) } catch {
            diagnose(error.description)
            throw ExitCode(1)
        }
        var settings = RunSettings(style: style, annotate: !noAnnotate, output: output, tracker: tracker,
                                   packetLimit: count, filter: expression,
                                   noteNames: noteNames)
        configureMachineOutput(&settings)
        cluster.configure(&settings)
        try configureDiagrams(&settings)
        settings.singleThread = singleThread
        settings.rotation = more.rotation
        settings.stateInterval = stateInterval.map { Nanoseconds(($0 * 1e9).rounded()) }
        // Work no chosen output reads is not done: timelines only for --timeline (text or JSON).
        // The sequence analysis always runs: every output counts a connection's anomalies.
        if settings.output != .linesAndTimelines { settings.tracker.timelines = false }
        if top {
            var live = LiveOptions()
            live.snapshotLength = snapshotLength == 0 ? 262_144 : snapshotLength
            live.promiscuous = !noPromiscuous
            live.bufferKiB = bufferSize
            live.immediate = immediateMode
            let status = TopRun(file: file.first, interface: interface, settings: settings, live: live, speed: topSpeed,
                                user: user ?? (geteuid() == 0 ? "nobody" : nil), duration: duration).run()
            if status != 0 { throw ExitCode(status) }
            return
        }
        let status: Int32
        // Like tcpdump: a person watching a terminal sees each line at once.
        let lines = lineBuffered || isatty(1) != 0
        if let interface {
            var live = LiveOptions()
            live.snapshotLength = snapshotLength == 0 ? 262_144 : snapshotLength
            live.promiscuous = !noPromiscuous
            live.bufferKiB = bufferSize
            live.immediate = immediateMode
            live.direction = more.direction.flatMap(CaptureDirection.init(rawValue:))
            live.linkTypeName = more.linkType
            live.nanosecondPrecision = style.nanoseconds
            live.timestampTypeName = more.timestampType
            status = LiveRun(interface: interface, settings: settings, options: live, writePath: writeFile,
                             user: user ?? (geteuid() == 0 ? "nobody" : nil), duration: duration,
                             lineBuffered: lines, packetBuffered: packetBuffered).run()
        } else if more.countOnly {
            let paths: [String]
            do { paths = try more.capturePaths(file) } catch {
                diagnose(error.description)
                throw ExitCode(1)
            }
            status = CountRun(paths: paths, settings: settings).run()
        } else if more.readsSeveral(file) {
            let paths: [String]
            do { paths = try more.capturePaths(file) } catch {
                diagnose(error.description)
                throw ExitCode(1)
            }
            status = MultiFileRun(paths: paths, settings: settings, merge: more.merge, writePath: writeFile,
                                  lineBuffered: lines, packetBuffered: packetBuffered).run()
        } else {
            status = OfflineRun(path: file[0], settings: settings, writePath: writeFile, lineBuffered: lines,
                                packetBuffered: packetBuffered).run()
        }
        if status != 0 { throw ExitCode(status) }
    }
}
