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

    /// Capture time in nanoseconds since the epoch, clamped to 1970...2242 so that every sum
    /// and difference of capture times downstream stays far from Int64's limits, whatever a
    /// damaged or hostile file (pcapng has 64-bit timestamps) says.
    @inlinable
    public var time: Int64 {
        let s = Int64(Swift.min(Swift.max(seconds, 0), 1 << 33))
        let f = Int64(Swift.min(Swift.max(fraction, 0), nanosecondPrecision ? 999_999_999 : 999_999))
        return s * 1_000_000_000 + f * (nanosecondPrecision ? 1 : 1000)
    }
}

