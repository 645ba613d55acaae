#if canImport(Glibc)
import Glibc
#endif
import CPcap
import Wire

/// A libpcap handle reading a file, stdin or an interface. The only place that calls libpcap's
/// reading API; closes the handle when it goes away.
public final class CaptureSource {
    @usableFromInline let handle: OpaquePointer
    /// File path, `-` for stdin, or interface name: used in messages.
    public let name: String
    public let isLive: Bool
    public let linkType: LinkType
    public let snapshotLength: Int
    /// Timestamps come in nanoseconds (else microseconds).
    public let nanosecondPrecision: Bool

    init(handle: OpaquePointer, name: String, isLive: Bool, nanosecondPrecision: Bool) {
        self.handle = handle
        self.nanosecondPrecision = nanosecondPrecision
        self.name = name
        self.isLive = isLive
        self.linkType = LinkType(rawValue: pcap_datalink(handle))
        self.snapshotLength = Int(pcap_snapshot(handle))
    }

    /// A live handle, already activated; timestamps in microseconds.
    convenience init(liveHandle: OpaquePointer, name: String, nanosecondPrecision: Bool = false) {
        self.init(handle: liveHandle, name: name, isLive: true, nanosecondPrecision: nanosecondPrecision)
    }

    deinit { pcap_close(handle) }

    /// Text of a NUL-terminated C buffer.
    static func cString(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Opens a pcap or pcapng file (`-` reads standard input). libpcap scales timestamps to
    /// the precision asked for, as it does for tcpdump's `--nano`.
    public static func openFile(_ path: String, nanosecondPrecision: Bool) throws(CaptureError) -> CaptureSource {
        var errbuf = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE) + 1)
        let precision = UInt32(nanosecondPrecision ? PCAP_TSTAMP_PRECISION_NANO : PCAP_TSTAMP_PRECISION_MICRO)
        guard let h = pcap_open_offline_with_tstamp_precision(path, precision, &errbuf) else {
            throw .openFile(path: path, message: CaptureSource.describeOpenFailure(path: path, libpcap: cString(errbuf)))
        }
        return CaptureSource(handle: h, name: path, isLive: false, nanosecondPrecision: nanosecondPrecision)
    }

    /// Reads a capture from an open stdio stream (which libpcap closes with the source); for
    /// the fuzzer, which hands over memory.
    public static func openStream(_ stream: UnsafeMutablePointer<FILE>, name: String) throws(CaptureError) -> CaptureSource {
        var errbuf = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE) + 1)
        guard let h = pcap_fopen_offline_with_tstamp_precision(stream, UInt32(PCAP_TSTAMP_PRECISION_MICRO), &errbuf) else {
            fclose(stream)
            throw .openFile(path: name, message: cString(errbuf))
        }
        return CaptureSource(handle: h, name: name, isLive: false, nanosecondPrecision: false)
    }

    /// libpcap's name and description of the link type, as tcpdump prints them:
    /// `EN10MB (Ethernet)`.
    public var linkTypeText: String {
        let dlt = pcap_datalink(handle)
        guard let name = pcap_datalink_val_to_name(dlt) else { return "\(dlt)" }
        let description = pcap_datalink_val_to_description(dlt).map { String(cString: $0) } ?? ""
        return "\(String(cString: name)) (\(description))"
    }

    /// libpcap's messages for common mistakes are terse; say what the user is looking at.
    static func describeOpenFailure(path: String, libpcap: String) -> String {
        let stripped = libpcap.hasPrefix(path + ": ") ? String(libpcap.dropFirst(path.count + 2)) : libpcap
        if stripped.contains("unknown file format") {
            return "not a pcap or pcapng capture (unknown file format)"
        }
        if stripped.contains("Is a directory") { return "is a directory, not a capture file" }
        if stripped.contains("truncated dump file") || stripped.contains("truncated pcapng") {
            return "truncated capture file header (\(stripped))"
        }
        return stripped
    }

    /// A read error in libpcap's words, made plain where it is a cut-off file.
    public static func describeReadFailure(_ libpcap: String) -> String {
        if libpcap.contains("truncated dump file") || libpcap.contains("truncated pcapng") {
            return "capture record cut short at end of file (\(libpcap))"
        }
        if libpcap.contains("different from the type of the first interface") {
            // libpcap 1.10 (and so tcpdump) hands out one link type per file and stops at the first
            // packet of an interface with another.
            return "\(libpcap); libpcap reads a pcapng file only while its interfaces share one link type, "
                + "as tcpdump does (split it: tshark -r FILE -Y 'frame.interface_id == N' -w PART.pcapng)"
        }
        return libpcap
    }

    /// Compiles and installs a BPF filter written as tcpdump takes it.
    public func setFilter(_ expression: String) throws(CaptureError) {
        var program = bpf_program()
        let netmask: bpf_u_int32 = 0xffffffff // PCAP_NETMASK_UNKNOWN
        guard pcap_compile(handle, &program, expression, 1, netmask) == 0 else {
            throw .filter(expression: expression, message: String(cString: pcap_geterr(handle)))
        }
        defer { pcap_freecode(&program) }
        guard pcap_setfilter(handle, &program) == 0 else {
            throw .filter(expression: expression, message: String(cString: pcap_geterr(handle)))
        }
    }

    /// The outcome of one read.
    public enum Next {
        case packet(PacketRecord)
        /// A live capture has no packet ready (see `waitForPackets`).
        case timeout
        case end
        case failure(String)
    }

    /// Reads the next packet; its bytes stay valid until the following call.
    @inlinable
    public func next() -> Next {
        var header: UnsafeMutablePointer<pcap_pkthdr>? = nil
        var data: UnsafePointer<UInt8>? = nil
        let rc = pcap_next_ex(handle, &header, &data)
        switch rc {
        case 1:
            guard let header, let data else { return .failure("libpcap returned no packet data") }
            let h = header.pointee
            let caplen = Int(h.caplen)
            return .packet(PacketRecord(
                seconds: Int(h.ts.tv_sec), fraction: Int(h.ts.tv_usec), nanosecondPrecision: nanosecondPrecision,
                captureLength: caplen, wireLength: Int(h.len),
                bytes: UnsafeRawBufferPointer(start: data, count: caplen)))
        case 0:
            return .timeout
        case -2:
            // End of file, or pcap_breakloop on a live handle: either way, no more packets.
            return .end
        default:
            return .failure(String(cString: pcap_geterr(handle)))
        }
    }

    /// Waits until a live capture has packets ready, `wake` is readable (a signal handler's
    /// self-pipe), a signal arrives, or `milliseconds` pass. The pipe is drained. The
    /// kernel hands over a block of packets when it is full or the read timeout after its first
    /// packet, so this also wakes when packets are due.
    public func waitForPackets(milliseconds: Int32, wake: Int32) {
        var fds = [pollfd(fd: pcap_get_selectable_fd(handle), events: Int16(POLLIN), revents: 0),
                   pollfd(fd: wake, events: Int16(POLLIN), revents: 0)]
        let n = poll(&fds, wake >= 0 ? 2 : 1, milliseconds)
        if n > 0 && fds[1].revents != 0 {
            var sink = [UInt8](repeating: 0, count: 64)
            while read(wake, &sink, sink.count) > 0 {}
        }
    }

    /// For a capture read from a pipe or FIFO: whether the next packet can be read without
    /// waiting, that is, bytes are left in the stdio buffer or the descriptor is readable. A reader
    /// flushes its output before it would wait, so that `tcpdump -w - -U | tcpwave -r - | grep`
    /// streams. Always true where the stdio buffer cannot be inspected.
    public var inputReady: Bool {
        guard !isLive, let file = pcap_file(handle) else { return true }
        #if canImport(Glibc)
        if let next = file.pointee._IO_read_ptr, let end = file.pointee._IO_read_end, next < end { return true }
        var p = pollfd(fd: fileno(file), events: Int16(POLLIN), revents: 0)
        return poll(&p, 1, 0) != 0
        #else
        return true
        #endif
    }

    /// libpcap's counters for a live capture (received, dropped by kernel, dropped by interface).
    public func statistics() -> (received: UInt32, dropped: UInt32, interfaceDropped: UInt32)? {
        var stats = pcap_stat()
        guard pcap_stats(handle, &stats) == 0 else { return nil }
        return (stats.ps_recv, stats.ps_drop, stats.ps_ifdrop)
    }

    /// The raw handle, for the dump writer that must share it.
    var rawHandle: OpaquePointer { handle }
}
