/// The tcpdump options that shape a printed line.
public struct TcpdumpStyle: Sendable {
    /// `-v` count.
    public var verbosity = 0
    /// `-S`: absolute sequence numbers.
    public var absoluteSequence = false
    /// `-q`: `tcp N` instead of flags and numbers.
    public var quick = false
    /// `-#`: packet numbers before the timestamp.
    public var packetNumbers = false
    public var timestamps: TimestampStyle = .timeOfDay
    /// `--nano`: nanosecond fractions.
    public var nanoseconds = false
    /// `-x`/`-X`/`-A` and their doubled forms: the packet's bytes after its line (PayloadDump.swift).
    public var payloadDump: PayloadDump? = nil
    /// `-K`: no IP or TCP checksum is verified (nor printed with `-v`).
    public var skipChecksums = false
    /// `-e`: the link-level header before the network layer.
    public var linkHeaders = false

    public init() {}
}
