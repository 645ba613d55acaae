import Flows
import Wire

/// tcpwave's newline-delimited JSON (`--json`): one object per line, each with a `type`
/// (`packet`, `connection`, `stats`) and the schema version. Written straight into the output
/// buffer: no encoder, no allocation per packet beyond what the notes' names cost.
///
/// Schema `tcpwave/1` (docs/records.md). Fields may be
/// added in later versions of the same schema; none is renamed or removed without a new one.
public enum JSONLines {
    public static let schema: StaticString = "tcpwave/1"

    // MARK: - Records

    /// A TCP packet the tracker applied (`event`), or one it could not (nil: bad header length).
    public static func writePacket(number: Int, time: Nanoseconds, fractionDigits: Int, view: TCPSegmentView,
                                   event: PacketEvent?, into out: inout OutputBuffer) {
        let tcp = view.tcp
        out.append("{\"type\":\"packet\",\"schema\":\"")
        out.append(schema)
        out.append("\",\"packet\":")
        out.append(decimal: number)
        out.append(",\"ts\":")
        appendSeconds(time, fractionDigits: fractionDigits, &out)
        out.append(",\"flow\":")
        if let event { out.append(decimal: event.flow) } else { out.append("null") }
        out.append(",\"src\":")
        appendEndpoint(view.source, &out)
        out.append(",\"dst\":")
        appendEndpoint(view.destination, &out)
        out.append(",\"flags\":\"")
        out.append(tcpdumpFlags: tcp.flags)
        out.append("\",\"seq\":")
        out.append(decimal: tcp.sequence)
        out.append(",\"ack\":")
        out.append(decimal: tcp.acknowledgment)
        out.append(",\"len\":")
        out.append(decimal: Swift.max(0, view.payloadLength))
        out.append(",\"win\":")
        out.append(decimal: UInt64(tcp.window))
        guard let event else {
            out.append(",\"step\":null,\"client_state\":null,\"server_state\":null,\"tracked\":false,\"anomalies\":[]}\n")
            return
        }
        out.append(",\"sender\":\"")
        out.append(event.sender.name)
        out.append("\",\"step\":")
        if event.step == .none {
            out.append("null")
        } else {
            out.append(UInt8(ascii: "\""))
            Annotation.writeStep(event, &out)   // plain ASCII, no character needs escaping
            out.append(UInt8(ascii: "\""))
        }
        out.append(",\"client_state\":\"")
        out.append(event.client.after.name)
        out.append("\",\"server_state\":\"")
        out.append(event.server.after.name)
        out.append("\",\"client_before\":\"")
        out.append(event.client.before.name)
        out.append("\",\"server_before\":\"")
        out.append(event.server.before.name)
        out.append("\",\"client_certainty\":\"")
        out.append(certaintyName(event.client.certainty))
        out.append("\",\"server_certainty\":\"")
        out.append(certaintyName(event.server.certainty))
        out.append("\",\"client_path\":")
        appendPath(event.client, &out)
        out.append(",\"server_path\":")
        appendPath(event.server, &out)
        out.append(",\"tracked\":true,\"anomalies\":")
        appendStrings(event.notes.nameList, &out)
        out.append("}\n")
    }

    /// A packet whose IP layer says TCP but whose fixed TCP header was not captured.
    public static func writeTruncatedPacket(number: Int, time: Nanoseconds, fractionDigits: Int, network: NetworkHeader,
                                            ports: (source: UInt16, destination: UInt16)?, into out: inout OutputBuffer) {
        out.append("{\"type\":\"packet\",\"schema\":\"")
        out.append(schema)
        out.append("\",\"packet\":")
        out.append(decimal: number)
        out.append(",\"ts\":")
        appendSeconds(time, fractionDigits: fractionDigits, &out)
        out.append(",\"flow\":null,\"src\":")
        if let ports {
            appendEndpoint(Endpoint(address: network.source, port: ports.source), &out)
            out.append(",\"dst\":")
            appendEndpoint(Endpoint(address: network.destination, port: ports.destination), &out)
        } else {
            out.append("null,\"dst\":null")
        }
        out.append(",\"flags\":null,\"seq\":null,\"ack\":null,\"len\":null,\"win\":null,\"step\":null,")
        out.append("\"client_state\":null,\"server_state\":null,\"tracked\":false,\"truncated\":true,\"anomalies\":[]}\n")
    }

    /// One connection, when it ended (or when the input did).
    public static func writeConnection(_ ended: EndedConnection, fractionDigits: Int, timeline msl: Nanoseconds? = nil,
                                       into out: inout OutputBuffer) {
        let c = ended.connection
        let z = c.zeek
        out.append("{\"type\":\"connection\",\"schema\":\"")
        out.append(schema)
        out.append("\",\"flow\":")
        out.append(decimal: c.number)
        out.append(",\"uid\":\"")
        ConnLog.appendUID(c, &out)
        out.append("\",\"client\":")
        appendEndpoint(c.client, &out)
        out.append(",\"server\":")
        appendEndpoint(c.server, &out)
        // Present only for a connection inside a tunnel (docs/records.md).
        if c.client.tunnel != 0, let tunnel = TunnelRegistry.shared.description(of: c.client.tunnel) {
            out.append(",\"tunnel\":")
            appendString(tunnel, &out)
        }
        out.append(",\"opened\":\"")
        out.append(openedValue(c.opening))
        out.append("\",\"opened_detail\":\"")
        out.append(string: c.opening.rawValue)
        out.append("\",\"closed\":\"")
        out.append(closedValue(c.closing))
        out.append("\",\"closed_detail\":\"")
        out.append(closedDetail(c.closing))
        out.append("\",\"end_reason\":\"")
        out.append(endReasonName(ended.reason))
        out.append("\",\"client_state\":\"")
        out.append(c.clientTrack.state.name)
        out.append("\",\"server_state\":\"")
        out.append(c.serverTrack.state.name)
        out.append("\",\"first_packet\":")
        out.append(decimal: c.firstPacket)
        out.append(",\"last_packet\":")
        out.append(decimal: c.lastPacket)
        out.append(",\"start\":")
        appendSeconds(c.firstTime, fractionDigits: fractionDigits, &out)
        out.append(",\"duration\":")
        appendSeconds(c.lastTime &- c.firstTime, fractionDigits: fractionDigits, &out)
        out.append(",\"handshake_rtt\":")
        if let syn = c.synTime, let ack = c.handshakeAckTime {
            appendSeconds(ack &- syn, fractionDigits: fractionDigits, &out)   // the RTT, wrap-safe on damaged times
        } else {
            out.append("null")
        }
        out.append(",\"client_pkts\":")
        out.append(decimal: c.clientTrack.packets)
        out.append(",\"server_pkts\":")
        out.append(decimal: c.serverTrack.packets)
        out.append(",\"client_bytes\":")
        out.append(decimal: c.clientTrack.payloadBytes)
        out.append(",\"server_bytes\":")
        out.append(decimal: c.serverTrack.payloadBytes)
        out.append(",\"conn_state\":\"")
        out.append(string: z.connState.rawValue)
        out.append("\",\"history\":")
        appendString(z.history.text, &out)
        out.append(",\"anomalies\":")
        appendStrings(connectionAnomalies(c), &out)
        out.append(",\"anomaly_packets\":")
        out.append(decimal: c.anomalyPackets)
        out.append(",\"zeek\":{\"orig\":")
        appendEndpoint(z.originator, &out)
        out.append(",\"resp\":")
        appendEndpoint(z.responder, &out)
        out.append(",\"ts\":")
        appendSeconds(z.startTime, fractionDigits: fractionDigits, &out)
        out.append(",\"duration\":")
        appendSeconds(z.duration, fractionDigits: fractionDigits, &out)
        out.append(",\"orig_bytes\":")
        out.append(decimal: z.origBytes)
        out.append(",\"resp_bytes\":")
        out.append(decimal: z.respBytes)
        out.append(",\"missed_bytes\":")
        out.append(decimal: z.missedBytes)
        out.append(",\"orig_pkts\":")
        out.append(decimal: z.origPackets)
        out.append(",\"orig_ip_bytes\":")
        out.append(decimal: z.origIPBytes)
        out.append(",\"resp_pkts\":")
        out.append(decimal: z.respPackets)
        out.append(",\"resp_ip_bytes\":")
        out.append(decimal: z.respIPBytes)
        out.append(",\"orig_state\":\"")
        out.append(z.originatorState.name)
        out.append("\",\"resp_state\":\"")
        out.append(z.responderState.name)
        out.append("\",\"packets_after_end\":")
        out.append(decimal: z.packetsAfterEnd)
        out.append(UInt8(ascii: "}"))
        if let msl { writeTimeline(c, msl: msl, fractionDigits: fractionDigits, &out) }
        out.append("}\n")
    }

    /// The run's counts, last.
    public static func writeStats(_ fields: [(name: StaticString, value: Int)], into out: inout OutputBuffer) {
        out.append("{\"type\":\"stats\",\"schema\":\"")
        out.append(schema)
        out.append(UInt8(ascii: "\""))
        for (name, value) in fields {
            out.append(",\"")
            out.append(name)
            out.append("\":")
            out.append(decimal: value)
        }
        out.append("}\n")
    }

    // MARK: - Values

    /// The five openings; the finer kind is in `opened_detail`. A half-open handshake's
    /// SYN-ACK went unanswered; a handshake reset before it completed was refused.
    public static func openedValue(_ o: Opening) -> StaticString {
        switch o {
        case .threeWay: return "3way"
        case .simultaneous: return "simultaneous"
        case .refused, .abortedHandshake: return "refused"
        case .unanswered, .halfOpen: return "unanswered"
        case .midstream: return "midstream"
        }
    }

    /// Every state the endpoint was in on this packet, in order: the state before, one passed
    /// through, the state after; just the one state when it did not move.
    static func appendPath(_ c: StateChange, _ out: inout OutputBuffer) {
        out.append("[\"")
        out.append(c.before.name)
        if c.changed {
            if let via = c.via {
                out.append("\",\"")
                out.append(via.name)
            }
            out.append("\",\"")
            out.append(c.after.name)
        }
        out.append("\"]")
    }

    public static func closedValue(_ c: Closing) -> StaticString {
        switch c {
        case .fourWay(let r), .threeSegment(let r), .halfClosed(let r), .inProgress(let r?): return r == .client ? "client_fin" : "server_fin"
        case .simultaneous, .inProgress(nil): return "simultaneous_fin"
        case .reset(let r): return r == .client ? "client_rst" : "server_rst"
        case .open: return "open"
        }
    }

    public static func closedDetail(_ c: Closing) -> StaticString {
        switch c {
        case .fourWay: return "four_way"
        case .threeSegment: return "three_segment"
        case .halfClosed: return "half_closed"
        case .inProgress: return "in_progress"
        case .simultaneous: return "simultaneous"
        case .reset: return "reset"
        case .open: return "open"
        }
    }

    public static func endReasonName(_ r: EndReason) -> StaticString {
        switch r {
        case .closed: return "closed"
        case .endOfInput: return "end_of_input"
        case .idle: return "idle_timeout"
        case .evicted: return "evicted"
        case .superseded: return "superseded"
        }
    }

    static func certaintyName(_ c: Certainty) -> StaticString {
        switch c {
        case .observed: return "observed"
        case .inferred: return "inferred"
        case .projected: return "projected"
        }
    }

    /// What the connection as a whole showed, by the packet notes' machine names.
    static func connectionAnomalies(_ c: Connection) -> [String] {
        var notes: PacketNotes = []
        if c.midstream { notes.insert(.midstream) }
        if c.simultaneousOpen { notes.insert(.simultaneousOpen) }
        if c.simultaneousClose { notes.insert(.simultaneousClose) }
        if c.synAckAckMismatch { notes.insert(.handshakeAckMismatch) }
        if c.halfCloseData { notes.insert(.halfCloseData) }
        if c.reuse != nil { notes.insert(.portReuse) }
        if c.clientTrack.synTransmissions > 1 || c.serverTrack.synTransmissions > 1
            || c.clientTrack.finTransmissions > 1 || c.serverTrack.finTransmissions > 1 { notes.insert(.retransmission) }
        if c.clientTrack.synPayload > 0 { notes.insert(.dataOnSYN) }
        notes.formUnion(c.anomalyNotes)
        return notes.nameList
    }

    static func writeTimeline(_ c: Connection, msl: Nanoseconds, fractionDigits: Int, _ out: inout OutputBuffer) {
        out.append(",\"timeline\":[")
        var first = true
        func entry(_ e: TimelineEntry, _ out: inout OutputBuffer) {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            out.append("{\"offset\":")
            appendSeconds(e.time &- c.firstTime, fractionDigits: fractionDigits, &out)
            out.append(",\"endpoint\":\"")
            out.append(e.role.name)
            out.append("\",\"from\":\"")
            out.append(e.from.name)
            out.append("\",\"to\":\"")
            out.append(e.to.name)
            out.append("\",\"certainty\":\"")
            out.append(certaintyName(e.certainty))
            out.append("\",\"packet\":")
            if let n = e.packetNumber { out.append(decimal: n) } else { out.append("null") }
            out.append(",\"time_in_previous\":")
            if let t = e.timeInPrevious { appendSeconds(t, fractionDigits: fractionDigits, &out) } else { out.append("null") }
            out.append(UInt8(ascii: "}"))
        }
        for e in c.timeline { entry(e, &out) }
        for role in [Role.client, Role.server] where c.track(role).state == .timeWait {
            let since = c.track(role).stateSince ?? c.lastTime
            entry(TimelineEntry(time: since &+ 2 &* msl, role: role, from: .timeWait, to: .closed, packetNumber: nil,
                                certainty: .projected, timeInPrevious: 2 &* msl), &out)
        }
        out.append(UInt8(ascii: "]"))
    }

    // MARK: - JSON text

    /// Seconds as a JSON number with exactly `fractionDigits` (6 or 9) decimals.
    public static func appendSeconds(_ ns: Nanoseconds, fractionDigits: Int, _ out: inout OutputBuffer) {
        var v = ns.magnitude
        if ns < 0 { out.append(UInt8(ascii: "-")) }
        if fractionDigits < 9 {
            v = (v + 500) / 1000   // to microseconds, rounded
            out.append(decimal: v / 1_000_000)
            out.append(UInt8(ascii: "."))
            out.append(decimal: Int(v % 1_000_000), zeroPadded: 6)
        } else {
            out.append(decimal: v / 1_000_000_000)
            out.append(UInt8(ascii: "."))
            out.append(decimal: Int(v % 1_000_000_000), zeroPadded: 9)
        }
    }

    /// `"ip:port"`, IPv6 as `"[addr]:port"`.
    public static func appendEndpoint(_ e: Endpoint, _ out: inout OutputBuffer) {
        out.append(UInt8(ascii: "\""))
        ConnectionText.appendEndpoint(e, &out)
        out.append(UInt8(ascii: "\""))
    }

    public static func appendStrings(_ list: [String], _ out: inout OutputBuffer) {
        out.append(UInt8(ascii: "["))
        for (i, s) in list.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            appendString(s, &out)
        }
        out.append(UInt8(ascii: "]"))
    }

    /// A JSON string: quotes, backslashes and control characters escaped (RFC 8259 §7);
    /// everything else passes through as the UTF-8 Swift guarantees.
    public static func appendString(_ s: String, _ out: inout OutputBuffer) {
        out.append(UInt8(ascii: "\""))
        for byte in s.utf8 { appendEscaped(byte, &out) }
        out.append(UInt8(ascii: "\""))
    }

    @inline(__always)
    static func appendEscaped(_ byte: UInt8, _ out: inout OutputBuffer) {
        switch byte {
        case UInt8(ascii: "\""): out.append("\\\"")
        case UInt8(ascii: "\\"): out.append("\\\\")
        case 0x0a: out.append("\\n")
        case 0x0d: out.append("\\r")
        case 0x09: out.append("\\t")
        case 0x08: out.append("\\b")
        case 0x0c: out.append("\\f")
        case 0x00..<0x20, 0x7f:
            out.append("\\u00")
            out.append(hex: UInt64(byte), minimumDigits: 2)
        default:
            out.append(byte)
        }
    }
}

// MARK: - SYN flood alerts

extension JSONLines {
    /// A SYN flood alert record (`"type":"alert"`, `"alert":"syn_flood"`), the same fields as
    /// the text line (docs/troubles.md):
    ///
    ///     {"type":"alert","schema":"tcpwave/1","alert":"syn_flood","state":"start","ts":...,
    ///      "target":"10.9.0.1:80","window_start":...,"window_seconds":5.000000,"threshold":100,
    ///      "attempts":147,"half_open":146,"answered":43,"answered_share":0.293,
    ///      "distinct_sources":130,"top_sources":[{"src":"198.51.100.7","attempts":20,"exact":true}],
    ///      "since":...,"peak_half_open":146,"end_of_input":false}
    public static func writeAlert(_ a: SynFloodAlert, fractionDigits: Int, into out: inout OutputBuffer) {
        out.append("{\"type\":\"alert\",\"schema\":\"")
        out.append(schema)
        out.append("\",\"alert\":\"syn_flood\",\"state\":\"")
        out.append(string: a.kind.rawValue)
        out.append("\",\"ts\":")
        appendSeconds(a.time, fractionDigits: fractionDigits, &out)
        out.append(",\"target\":")
        appendEndpoint(a.target, &out)
        out.append(",\"window_start\":")
        appendSeconds(a.windowStart, fractionDigits: fractionDigits, &out)
        out.append(",\"window_seconds\":")
        appendSeconds(a.window, fractionDigits: fractionDigits, &out)
        out.append(",\"threshold\":")
        out.append(decimal: a.threshold)
        out.append(",\"attempts\":")
        out.append(decimal: a.attempts)
        out.append(",\"half_open\":")
        out.append(decimal: a.halfOpen)
        out.append(",\"answered\":")
        out.append(decimal: a.answered)
        out.append(",\"answered_share\":")
        let permille = a.attempts == 0 ? 0 : (a.answered * 1000 + a.attempts / 2) / a.attempts
        out.append(decimal: permille / 1000)
        out.append(UInt8(ascii: "."))
        out.append(decimal: permille % 1000, zeroPadded: 3)
        out.append(",\"distinct_sources\":")
        out.append(decimal: a.distinctSources)
        out.append(",\"top_sources\":[")
        for (i, s) in a.topSources.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out.append("{\"src\":\"")
            out.append(address: s.address)
            out.append("\",\"attempts\":")
            out.append(decimal: s.attempts)
            out.append(s.exact ? ",\"exact\":true}" : ",\"exact\":false}")
        }
        out.append("],\"since\":")
        appendSeconds(a.since, fractionDigits: fractionDigits, &out)
        out.append(",\"peak_half_open\":")
        out.append(decimal: a.peakHalfOpen)
        out.append(a.endOfInput ? ",\"end_of_input\":true}\n" : ",\"end_of_input\":false}\n")
    }
}
