import CPcap

/// Saves packets to a pcap file through libpcap's dump writer, with the source's link type
/// and snapshot length.
public final class CaptureWriter {
    private let dumper: OpaquePointer
    public let path: String

    public init(path: String, for source: CaptureSource) throws(CaptureError) {
        guard let d = pcap_dump_open(source.rawHandle, path) else {
            throw .write(path: path, message: String(cString: pcap_geterr(source.rawHandle)))
        }
        self.dumper = d
        self.path = path
    }

    deinit { pcap_dump_close(dumper) }

    /// Appends one packet. The file takes the source's timestamp precision, so the fraction
    /// is written as the source reported it.
    public func write(_ record: PacketRecord) {
        var header = pcap_pkthdr()
        header.ts.tv_sec = record.seconds
        header.ts.tv_usec = record.fraction
        header.caplen = UInt32(record.captureLength)
        header.len = UInt32(record.wireLength)
        guard let base = record.bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        withUnsafePointer(to: &header) { h in
            pcap_dump(UnsafeMutableRawPointer(dumper).assumingMemoryBound(to: UInt8.self), h, base)
        }
    }

    /// Pushes buffered packets to disk so the file is readable while capture goes on.
    public func flush() { pcap_dump_flush(dumper) }
}
