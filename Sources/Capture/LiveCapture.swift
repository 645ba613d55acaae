#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CPcap
import Wire

/// How to open an interface, with tcpdump's defaults: buffered delivery with a timeout.
public struct LiveOptions: Sendable {
    public var snapshotLength = 262_144
    public var promiscuous = true
    /// Kernel buffer in KiB (`-B`); nil takes `defaultBufferKiB`.
    public var bufferKiB: Int? = nil
    /// `--immediate-mode`: deliver each packet as it arrives. Off by default, as in tcpdump:
    /// libpcap then uses a TPACKET_V3 ring of variable-size frames that holds thousands of
    /// packets, where immediate mode's TPACKET_V2 ring holds a few dozen at snaplen 262144.
    public var immediate = false
    /// The kernel hands over a block of packets when it is full or this long after its first
    /// packet (tcpdump's 1000 ms): the upper bound on a line's delay in buffered delivery.
    public var readTimeoutMilliseconds: Int32 = 1000
    /// `-Q`: only packets received (`in`), sent (`out`), or both (`inout`, the default).
    public var direction: CaptureDirection? = nil
    /// `-y`: the data link type to ask for, by libpcap's name (`EN10MB`, `LINUX_SLL2`...).
    public var linkTypeName: String? = nil
    /// `--nano`: the kernel's timestamps in nanoseconds (else libpcap scales them to microseconds).
    public var nanosecondPrecision = false
    /// `-j`: the timestamp source, by libpcap's name (`host`, `adapter`...).
    public var timestampTypeName: String? = nil

    /// 4 MiB: twice libpcap's default, so that a burst of short connections fits while the
    /// tracker catches up.
    public static let defaultBufferKiB = 4096

    public init() {}
}

/// `-Q`'s directions, as tcpdump names them.
public enum CaptureDirection: String, Sendable, CaseIterable {
    case `in`, out, `inout`
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
        pcap_set_buffer_size(h, Int32(clamping: (options.bufferKiB ?? LiveOptions.defaultBufferKiB) * 1024))
        if let type = options.timestampTypeName {
            let value = pcap_tstamp_type_name_to_val(type)
            if value < 0 {
                pcap_close(h)
                throw .openInterface(name: name, message: "-j \(type): not a time stamp type (tcpwave -J -i \(name) lists them)", hint: nil)
            }
            if pcap_set_tstamp_type(h, value) != 0 {
                // As tcpdump: a source the device lacks is a warning, and the default is used.
                var line = Array("tcpwave: WARNING: When trying to set timestamp type '\(type)' on \(name): That type of time stamp is not supported by that device\n".utf8)
                _ = line.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
            }
        }
        if options.nanosecondPrecision { pcap_set_tstamp_precision(h, Int32(PCAP_TSTAMP_PRECISION_NANO)) }
        let status = pcap_activate(h)
        if status < 0 {
            let detail = String(cString: pcap_geterr(h))
            pcap_close(h)
            throw activationError(name, status, detail)
        }
        if let direction = options.direction {
            let value: pcap_direction_t
            switch direction {
            case .in: value = PCAP_D_IN
            case .out: value = PCAP_D_OUT
            case .inout: value = PCAP_D_INOUT
            }
            if pcap_setdirection(h, value) != 0 {
                let detail = String(cString: pcap_geterr(h))
                pcap_close(h)
                throw .openInterface(name: name, message: "-Q \(direction.rawValue): \(detail)", hint: nil)
            }
        }
        // Linux's "any" device: cooked v2 carries the interface and direction that tcpdump 4.99
        // prints (`eth0  In  IP ...`). Older kernels or libpcaps keep cooked v1.
        if name == "any" && options.linkTypeName == nil { _ = pcap_set_datalink(h, 276 /* DLT_LINUX_SLL2 */) }
        if let type = options.linkTypeName {
            let value = pcap_datalink_name_to_val(type)
            guard value >= 0, pcap_set_datalink(h, value) == 0 else {
                pcap_close(h)
                throw .openInterface(name: name, message: "-y \(type): not one of the data link types this device supports (tcpwave -L -i \(name) lists them)", hint: nil)
            }
        }
        // The caller waits in poll() (`waitForPackets`) so that a deadline, a signal or a flush
        // does not depend on packets arriving; reads then only take what is ready.
        guard pcap_setnonblock(h, 1, &errbuf) == 0 else {
            let detail = cString(errbuf)
            pcap_close(h)
            throw .openInterface(name: name, message: detail, hint: nil)
        }
        // libpcap reports what it could give: nanoseconds only where the platform has them.
        let nano = options.nanosecondPrecision && pcap_get_tstamp_precision(h) == Int32(PCAP_TSTAMP_PRECISION_NANO)
        return CaptureSource(liveHandle: h, name: name, nanosecondPrecision: nano)
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
