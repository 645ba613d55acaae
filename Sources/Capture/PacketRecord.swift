/// One captured packet as libpcap hands it over. `bytes` borrow libpcap's buffer and are valid
/// only until the next read from the same source.
public struct PacketRecord {
    public var seconds: Int
    /// The fraction of the second as libpcap reports it: microseconds, or nanoseconds when the
    /// source was opened with nanosecond precision. Kept raw, so an out-of-range value in a
    /// damaged file prints as tcpdump prints it.
    public var fraction: Int
    public var nanosecondPrecision: Bool
    public var captureLength: Int
    public var wireLength: Int
    public var bytes: UnsafeRawBufferPointer

    @inlinable
    public init(seconds: Int, fraction: Int, nanosecondPrecision: Bool, captureLength: Int, wireLength: Int, bytes: UnsafeRawBufferPointer) {
        self.seconds = seconds
        self.fraction = fraction
        self.nanosecondPrecision = nanosecondPrecision
        self.captureLength = captureLength
        self.wireLength = wireLength
        self.bytes = bytes
    }

    /// Capture time in nanoseconds since the epoch (wrapping on absurd values, never trapping).
    @inlinable
    public var time: Int64 {
        Int64(seconds) &* 1_000_000_000 &+ Int64(fraction) &* (nanosecondPrecision ? 1 : 1000)
    }
}

