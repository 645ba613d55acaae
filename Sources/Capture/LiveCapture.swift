import CPcap
import Wire

/// How to open an interface, with tcpdump's defaults.
public struct LiveOptions: Sendable {
    public var snapshotLength = 262_144
    public var promiscuous = true
    /// Kernel buffer in KiB (`-B`); nil leaves libpcap's default.
    public var bufferKiB: Int? = nil
    /// Deliver each packet as it arrives instead of batching.
    public var immediate = true
    /// How long a read may block before `next()` returns `.timeout` (checks for stop requests).
    public var readTimeoutMilliseconds: Int32 = 200

    public init() {}
}

extension CaptureSource {
    /// Opens a network interface (`lo`, `any`, `eth0`...) for live capture.
    public static func openInterface(_ name: String, options: LiveOptions) throws(CaptureError) -> CaptureSource {
        var errbuf = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE) + 1)
        guard let h = pcap_create(name, &errbuf) else {
            throw .openInterface(name: name, message: cString(errbuf), hint: nil)
        }
        pcap_set_snaplen(h, Int32(clamping: options.snapshotLength))
        pcap_set_promisc(h, options.promiscuous ? 1 : 0)
        pcap_set_timeout(h, options.readTimeoutMilliseconds)
        if options.immediate { pcap_set_immediate_mode(h, 1) }
        if let kib = options.bufferKiB { pcap_set_buffer_size(h, Int32(clamping: kib * 1024)) }
        let status = pcap_activate(h)
        if status < 0 {
            let detail = String(cString: pcap_geterr(h))
            pcap_close(h)
            throw activationError(name, status, detail)
        }
        return CaptureSource(liveHandle: h, name: name)
    }

    private static func activationError(_ name: String, _ status: Int32, _ detail: String) -> CaptureError {
        switch status {
        case PCAP_ERROR_PERM_DENIED:
            return .openInterface(
                name: name, message: "permission denied: capturing needs root or CAP_NET_RAW and CAP_NET_ADMIN",
                hint: "run with sudo, or once: sudo setcap cap_net_raw,cap_net_admin=eip $(command -v tcpwave)")
        case PCAP_ERROR_NO_SUCH_DEVICE:
            return .openInterface(name: name, message: "no such interface", hint: "tcpwave -D lists them")
        case PCAP_ERROR_IFACE_NOT_UP:
            return .openInterface(name: name, message: "interface is down", hint: "bring it up: ip link set \(name) up")
        default:
            return .openInterface(name: name, message: detail.isEmpty ? String(cString: pcap_statustostr(status)) : detail, hint: nil)
        }
    }

    /// One interface as `tcpwave -D` lists it.
    public struct Interface: Sendable {
        public var name: String
        public var description: String?
        public var flags: UInt32

        /// tcpdump's `-D` line body: `lo [Up, Running, Loopback]`.
        public var listing: String {
            var items: [String] = []
            if flags & UInt32(PCAP_IF_UP) != 0 { items.append("Up") }
            if flags & UInt32(PCAP_IF_RUNNING) != 0 { items.append("Running") }
            if flags & UInt32(PCAP_IF_LOOPBACK) != 0 { items.append("Loopback") }
            let wireless = flags & UInt32(PCAP_IF_WIRELESS) != 0
            if wireless { items.append("Wireless") }
            switch flags & UInt32(PCAP_IF_CONNECTION_STATUS) {
            case UInt32(PCAP_IF_CONNECTION_STATUS_UNKNOWN):
                items.append(wireless ? "Association status unknown" : "Connection status unknown")
            case UInt32(PCAP_IF_CONNECTION_STATUS_CONNECTED):
                items.append(wireless ? "Associated" : "Connected")
            case UInt32(PCAP_IF_CONNECTION_STATUS_DISCONNECTED):
                items.append(wireless ? "Not associated" : "Disconnected")
            default:
                break
            }
            let described = description.map { " (\($0))" } ?? ""
            return "\(name)\(described) [\(items.isEmpty ? "none" : items.joined(separator: ", "))]"
        }
    }

    /// The interfaces libpcap can open, in its order.
    public static func interfaces() throws(CaptureError) -> [Interface] {
        var errbuf = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE) + 1)
        var list: UnsafeMutablePointer<pcap_if_t>? = nil
        guard pcap_findalldevs(&list, &errbuf) == 0 else { throw .listInterfaces(message: cString(errbuf)) }
        defer { pcap_freealldevs(list) }
        var result: [Interface] = []
        var cursor = list
        while let d = cursor {
            result.append(Interface(name: String(cString: d.pointee.name),
                                    description: d.pointee.description.map { String(cString: $0) },
                                    flags: d.pointee.flags))
            cursor = d.pointee.next
        }
        return result
    }
}
