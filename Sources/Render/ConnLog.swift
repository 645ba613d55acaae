#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Flows
import Wire

/// Zeek's conn.log for tcpwave's connections (`--conn-log`): the ASCII form with Zeek's `#`
/// header lines and tab-separated rows, or Zeek's JSON form (`LogAscii::use_json=T`), one
/// object per row with unset fields left out. The columns are Zeek 9's default conn.log.
public enum ConnLog {
    public enum Format: String, Sendable, CaseIterable {
        case tsv, json
    }

    public static let fields: [(name: StaticString, type: StaticString)] = [
        ("ts", "time"), ("uid", "string"), ("id.orig_h", "addr"), ("id.orig_p", "port"),
        ("id.resp_h", "addr"), ("id.resp_p", "port"), ("proto", "enum"), ("service", "string"),
        ("duration", "interval"), ("orig_bytes", "count"), ("resp_bytes", "count"), ("conn_state", "string"),
        ("local_orig", "bool"), ("local_resp", "bool"), ("missed_bytes", "count"), ("history", "string"),
        ("orig_pkts", "count"), ("orig_ip_bytes", "count"), ("resp_pkts", "count"), ("resp_ip_bytes", "count"),
        ("tunnel_parents", "set[string]"), ("ip_proto", "count"),
    ]

    /// `--sensor`'s column, after Zeek's: a log with it still loads wherever its `#fields` and
    /// `#types` are read, as logs that Zeek scripts extend do.
    public static let sensorField: (name: StaticString, type: StaticString) = ("sensor", "string")

    /// The header lines of the ASCII form; `opened` is the wall-clock time, as Zeek writes it.
    /// With `sensorColumn`, the header declares `sensor` as the last column.
    public static func writeHeader(opened: Int, sensorColumn: Bool = false, into out: inout OutputBuffer) {
        let fields = sensorColumn ? ConnLog.fields + [sensorField] : ConnLog.fields
        out.append("#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tconn\n#open\t")
        appendLogTime(opened, &out)
        out.append("\n#fields")
        for f in fields {
            out.append(9)
            out.append(f.name)
        }
        out.append("\n#types")
        for f in fields {
            out.append(9)
            out.append(f.type)
        }
        out.append(UInt8(ascii: "\n"))
    }

    public static func writeFooter(closed: Int, into out: inout OutputBuffer) {
        out.append("#close\t")
        appendLogTime(closed, &out)
        out.append(UInt8(ascii: "\n"))
    }

    /// One row for a connection; `sensor` (already checked to need no escaping) last.
    public static func writeRow(_ ended: EndedConnection, format: Format, sensor: String? = nil, into out: inout OutputBuffer) {
        let c = ended.connection
        let z = c.zeek
        // A connection whose every packet Zeek would have dropped (bad IP checksums) still gets
        // a row, named after tcpwave's client and server.
        let orig = z.started ? z.originator : c.client
        let resp = z.started ? z.responder : c.server
        let ts = z.started ? z.startTime : c.firstTime
        let hasDuration = z.started && z.duration > 0
        switch format {
        case .tsv:
            appendMicroseconds(ts, &out)
            out.append(9)
            appendUID(c, &out)
            out.append(9)
            out.append(address: orig.address)
            out.append(9)
            out.append(decimal: UInt64(orig.port))
            out.append(9)
            out.append(address: resp.address)
            out.append(9)
            out.append(decimal: UInt64(resp.port))
            out.append("\ttcp\t-\t")
            if hasDuration {
                appendMicroseconds(z.duration, &out)
                out.append(9)
                out.append(decimal: z.origBytes)
                out.append(9)
                out.append(decimal: z.respBytes)
            } else {
                out.append("-\t-\t-")
            }
            out.append(9)
            out.append(string: z.connState.rawValue)
            out.append(9)
            out.append(isLocal(orig.address) ? "T" : "F")
            out.append(9)
            out.append(isLocal(resp.address) ? "T" : "F")
            out.append(9)
            out.append(decimal: z.missedBytes)
            out.append(9)
            if z.history.isEmpty {
                out.append(UInt8(ascii: "-"))
            } else {
                for b in z.history.letters { out.append(b) }
            }
            out.append(9)
            out.append(decimal: z.origPackets)
            out.append(9)
            out.append(decimal: z.origIPBytes)
            out.append(9)
            out.append(decimal: z.respPackets)
            out.append(9)
            out.append(decimal: z.respIPBytes)
            out.append("\t-\t6")
            if let sensor {
                out.append(9)
                out.append(string: sensor)
            }
            out.append(UInt8(ascii: "\n"))
        case .json:
            out.append("{\"ts\":")
            appendJSONSeconds(ts, &out)
            out.append(",\"uid\":\"")
            appendUID(c, &out)
            out.append("\",\"id.orig_h\":\"")
            out.append(address: orig.address)
            out.append("\",\"id.orig_p\":")
            out.append(decimal: UInt64(orig.port))
            out.append(",\"id.resp_h\":\"")
            out.append(address: resp.address)
            out.append("\",\"id.resp_p\":")
            out.append(decimal: UInt64(resp.port))
            out.append(",\"proto\":\"tcp\"")
            if hasDuration {
                out.append(",\"duration\":")
                appendJSONSeconds(z.duration, &out)
                out.append(",\"orig_bytes\":")
                out.append(decimal: z.origBytes)
                out.append(",\"resp_bytes\":")
                out.append(decimal: z.respBytes)
            }
            out.append(",\"conn_state\":\"")
            out.append(string: z.connState.rawValue)
            out.append("\",\"local_orig\":")
            out.append(isLocal(orig.address) ? "true" : "false")
            out.append(",\"local_resp\":")
            out.append(isLocal(resp.address) ? "true" : "false")
            out.append(",\"missed_bytes\":")
            out.append(decimal: z.missedBytes)
            if !z.history.isEmpty {
                out.append(",\"history\":")
                JSONLines.appendString(z.history.text, &out)
            }
            out.append(",\"orig_pkts\":")
            out.append(decimal: z.origPackets)
            out.append(",\"orig_ip_bytes\":")
            out.append(decimal: z.origIPBytes)
            out.append(",\"resp_pkts\":")
            out.append(decimal: z.respPackets)
            out.append(",\"resp_ip_bytes\":")
            out.append(decimal: z.respIPBytes)
            out.append(",\"ip_proto\":6")
            if let sensor {
                out.append(",\"sensor\":")
                JSONLines.appendString(sensor, &out)
            }
            out.append("}\n")
        }
    }

    // MARK: - Values

    /// A deterministic uid in Zeek's form ('C' and base62): the same input gives the same uids,
    /// so logs and JSON records of one run can be joined, and the shards of a capture give
    /// each connection the uid a whole run gives it.
    public static func appendUID(_ c: Connection, _ out: inout OutputBuffer) {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ v: UInt64) {
            var x = v
            for _ in 0..<8 {
                h ^= x & 0xff
                h = h &* 0x0000_0100_0000_01b3
                x >>= 8
            }
        }
        // The first packet's number, not the connection's: a shard (--shard) numbers its
        // connections apart from a whole run, but sees the same packets.
        mix(UInt64(bitPattern: Int64(c.firstPacket)))
        mix(UInt64(bitPattern: c.firstTime))
        for e in [c.client, c.server] {
            mix(e.address.high)
            mix(e.address.low)
            mix(UInt64(e.port))
        }
        out.append(UInt8(ascii: "C"))
        let digits: StaticString = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
        digits.withUTF8Buffer { table in
            var v = h
            for _ in 0..<11 {
                out.append(table[Int(v % 62)])
                v /= 62
            }
        }
    }

    /// `%.6f` seconds, as Zeek's ASCII writer prints times and intervals.
    static func appendMicroseconds(_ ns: Nanoseconds, _ out: inout OutputBuffer) {
        JSONLines.appendSeconds(ns, fractionDigits: 6, &out)
    }

    /// Seconds as Zeek's JSON writer prints a double: the shortest form, at least one decimal.
    static func appendJSONSeconds(_ ns: Nanoseconds, _ out: inout OutputBuffer) {
        var micros = (ns.magnitude + 500) / 1000
        if ns < 0 { out.append(UInt8(ascii: "-")) }
        out.append(decimal: micros / 1_000_000)
        out.append(UInt8(ascii: "."))
        micros %= 1_000_000
        if micros == 0 { out.append(UInt8(ascii: "0")); return }
        var width = 6
        while micros % 10 == 0 {
            micros /= 10
            width -= 1
        }
        out.append(decimal: Int(micros), zeroPadded: width)
    }

    /// Zeek's `#open`/`#close` form: local time, `YYYY-MM-DD-HH-MM-SS`.
    static func appendLogTime(_ seconds: Int, _ out: inout OutputBuffer) {
        var t = time_t(seconds)
        var parts = tm()
        guard localtime_r(&t, &parts) != nil else { out.append("0000-00-00-00-00-00"); return }
        out.append(decimal: Int(parts.tm_year) + 1900, zeroPadded: 4)
        for v in [parts.tm_mon + 1, parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec] {
            out.append(UInt8(ascii: "-"))
            out.append(decimal: Int(v), zeroPadded: 2)
        }
    }

    // MARK: - local_orig / local_resp

    /// Zeek's `Site::is_local_addr` with its defaults: `local_nets` empty and
    /// `private_address_space_is_local=T`, so the IANA special-purpose blocks count as local.
    public static func isLocal(_ a: IPAddress) -> Bool {
        if !a.isIPv6 {
            let v = a.ipv4
            for (net, bits) in privateIPv4 where matches(UInt64(v) << 32, UInt64(net) << 32, bits) { return true }
            return false
        }
        if a.high == 0 && a.low >> 32 == 0xffff {   // IPv4-mapped
            return isLocal(IPAddress(ipv4: UInt32(truncatingIfNeeded: a.low)))
        }
        for (high, low, bits) in privateIPv6 {
            if bits <= 64 {
                if matches(a.high, high, bits) { return true }
            } else if a.high == high && matches(a.low, low, bits - 64) {
                return true
            }
        }
        return false
    }

    @inline(__always)
    static func matches(_ value: UInt64, _ net: UInt64, _ bits: Int) -> Bool {
        if bits == 0 { return true }
        let mask: UInt64 = bits >= 64 ? ~0 : ~(~0 >> UInt64(bits))
        return value & mask == net & mask
    }

    static let privateIPv4: [(UInt32, Int)] = [
        (0x0000_0000, 8), (0x0a00_0000, 8), (0x6440_0000, 10), (0x7f00_0000, 8), (0xa9fe_0000, 16),
        (0xac10_0000, 12), (0xc000_0000, 24), (0xc000_0200, 24), (0xc0a8_0000, 16), (0xc612_0000, 15),
        (0xc633_6400, 24), (0xcb00_7100, 24), (0xe000_0000, 24), (0xef00_0000, 8), (0xf000_0000, 4),
        (0xffff_ffff, 32),
    ]

    /// (high 64 bits, low 64 bits, prefix length), including the 6to4 forms of the IPv4 blocks.
    static let privateIPv6: [(UInt64, UInt64, Int)] = [
        (0x2002_0000_0000_0000, 0, 24), (0x2002_0a00_0000_0000, 0, 24), (0x2002_6440_0000_0000, 0, 26),
        (0x2002_7f00_0000_0000, 0, 24), (0x2002_a9fe_0000_0000, 0, 32), (0x2002_ac10_0000_0000, 0, 28),
        (0x2002_c000_0000_0000, 0, 40), (0x2002_c000_0200_0000, 0, 40), (0x2002_c0a8_0000_0000, 0, 32),
        (0x2002_c612_0000_0000, 0, 31), (0x2002_c633_6400_0000, 0, 40), (0x2002_cb00_7100_0000, 0, 40),
        (0x2002_e000_0000_0000, 0, 40), (0x2002_ef00_0000_0000, 0, 24), (0x2002_f000_0000_0000, 0, 20),
        (0x2002_ffff_ffff_0000, 0, 48),
        (0, 0, 128), (0, 1, 128), (0x0064_ff9b_0001_0000, 0, 48), (0x0100_0000_0000_0000, 0, 64),
        (0x2001_0000_0000_0000, 0, 23), (0x2001_0002_0000_0000, 0, 48), (0x2001_0db8_0000_0000, 0, 32),
        (0xfc00_0000_0000_0000, 0, 7), (0xfe80_0000_0000_0000, 0, 10), (0xfec0_0000_0000_0000, 0, 10),
    ]
}
