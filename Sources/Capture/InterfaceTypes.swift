#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CPcap

/// What an interface offers beyond its packets: the data link types it can deliver (tcpdump's
/// `-L`, chosen with `-y`) and its timestamp sources (`-J`, chosen with `-j`).
extension CaptureSource {
    /// A type as libpcap names and describes it (`EN10MB`, `Ethernet`).
    public struct NamedType: Sendable {
        public let name: String
        public let description: String
    }

    /// The data link types `interface` can deliver (opening it needs the capture privileges).
    public static func dataLinkTypes(of interface: String) throws(CaptureError) -> [NamedType] {
        var errbuf = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE) + 1)
        guard let h = pcap_create(interface, &errbuf) else {
            throw .openInterface(name: interface, message: cString(errbuf), hint: nil)
        }
        defer { pcap_close(h) }
        let status = pcap_activate(h)
        if status < 0 { throw .openInterface(name: interface, message: String(cString: pcap_geterr(h)), hint: nil) }
        var list: UnsafeMutablePointer<Int32>? = nil
        let n = pcap_list_datalinks(h, &list)
        guard n >= 0, let list else { throw .openInterface(name: interface, message: String(cString: pcap_geterr(h)), hint: nil) }
        defer { pcap_free_datalinks(list) }
        return (0..<Int(n)).map { i in
            let value = list[i]
            let name = pcap_datalink_val_to_name(value).map { String(cString: $0) } ?? "DLT \(value)"
            let text = pcap_datalink_val_to_description(value).map { String(cString: $0) } ?? "unknown"
            return NamedType(name: name, description: text)
        }
    }

    /// The timestamp sources `interface` offers; empty when the type cannot be chosen.
    public static func timestampTypes(of interface: String) throws(CaptureError) -> [NamedType] {
        var errbuf = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE) + 1)
        guard let h = pcap_create(interface, &errbuf) else {
            throw .openInterface(name: interface, message: cString(errbuf), hint: nil)
        }
        defer { pcap_close(h) }
        var list: UnsafeMutablePointer<Int32>? = nil
        let n = pcap_list_tstamp_types(h, &list)
        guard n >= 0 else { throw .openInterface(name: interface, message: String(cString: pcap_geterr(h)), hint: nil) }
        guard n > 0, let list else { return [] }
        defer { pcap_free_tstamp_types(list) }
        return (0..<Int(n)).map { i in
            let value = list[i]
            let name = pcap_tstamp_type_val_to_name(value).map { String(cString: $0) } ?? "\(value)"
            let text = pcap_tstamp_type_val_to_description(value).map { String(cString: $0) } ?? "unknown"
            return NamedType(name: name, description: text)
        }
    }
}
