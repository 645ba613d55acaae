import CPcap

extension CaptureSource {
    /// libpcap's own description of itself, as `tcpdump --version` prints it:
    /// `libpcap version 1.10.3 (with TPACKET_V3)`.
    public static var libraryVersion: String { String(cString: pcap_lib_version()) }
}
