#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CPcap

extension CaptureSource {
    /// How far into a capture file libpcap has read, in bytes (nil for a live capture or a
    /// stream that cannot tell): for the progress line.
    public var fileOffset: Int? {
        guard !isLive, let file = pcap_file(handle) else { return nil }
        let offset = ftello(file)
        return offset >= 0 ? Int(offset) : nil
    }
}
