import Flows
import Wire

/// Stuck-state and pile-up alert records as text lines (docs/troubles.md):
///
///     ALERT close-wait-stuck start 10.9.0.1:80 at 2025-11-28T09:01:05.000000Z: 3 connections in CLOSE_WAIT longer than 60.000000 s, the oldest since 2025-11-28T09:00:02.000000Z
///     ALERT half-open-pileup start 10.9.0.1:80 at ...: 130 connections in SYN_RECEIVED (threshold 128)
///     ALERT time-wait-pileup start 10.0.0.2 at ...: 21174 connections in TIME_WAIT from this address, 75% of its 28232 ephemeral ports (threshold 21174)
///     ALERT close-wait-stuck end 10.9.0.1:80 at ...: none left in CLOSE_WAIT longer than 60.000000 s; lasted 30.000000 s, peak 3
public enum StateAlertText {
    public static func write(_ a: StateAlert, ephemeralPorts: Int, into out: inout OutputBuffer) {
        out.append("ALERT ")
        out.append(string: a.kind.textName)
        out.append(UInt8(ascii: " "))
        out.append(string: a.phase.rawValue)
        out.append(UInt8(ascii: " "))
        appendTarget(a, &out)
        out.append(" at ")
        AlertText.appendUTC(a.time, &out)
        out.append(": ")
        if a.phase == .end {
            if a.endOfInput {
                out.append("input ended with ")
                writeCount(a, ephemeralPorts: ephemeralPorts, &out)
            } else if a.kind.isStuck {
                out.append("none left in ")
                out.append(a.kind.state.name)
                out.append(" longer than ")
                ConnectionText.appendSeconds(a.stuckAfter, &out)
                out.append(" s")
            } else {
                out.append("down to ")
                writeCount(a, ephemeralPorts: ephemeralPorts, &out)
            }
            out.append("; lasted ")
            ConnectionText.appendSeconds(Swift.max(0, a.time &- a.since), &out)
            out.append(" s, peak ")
            out.append(decimal: a.peak)
            out.append(UInt8(ascii: "\n"))
            return
        }
        writeCount(a, ephemeralPorts: ephemeralPorts, &out)
        if a.phase == .ongoing {
            out.append("; since ")
            AlertText.appendUTC(a.since, &out)
            out.append(", peak ")
            out.append(decimal: a.peak)
        }
        out.append(UInt8(ascii: "\n"))
    }

    static func appendTarget(_ a: StateAlert, _ out: inout OutputBuffer) {
        if a.targetIsAddress { out.append(address: a.target.address) } else { ConnectionText.appendEndpoint(a.target, &out) }
    }

    private static func writeCount(_ a: StateAlert, ephemeralPorts: Int, _ out: inout OutputBuffer) {
        out.append(decimal: a.count)
        out.append(a.count == 1 ? " connection in " : " connections in ")
        out.append(a.kind.state.name)
        if a.kind.isStuck {
            out.append(" longer than ")
            ConnectionText.appendSeconds(a.stuckAfter, &out)
            out.append(" s")
            if let oldest = a.oldestSince {
                out.append(", the oldest since ")
                AlertText.appendUTC(oldest, &out)
            }
        } else if a.kind == .timeWaitPileup {
            out.append(" from this address, ")
            out.append(decimal: ephemeralPorts == 0 ? 0 : (a.count * 100) / ephemeralPorts)
            out.append("% of its ")
            out.append(decimal: ephemeralPorts)
            out.append(" ephemeral ports (threshold ")
            out.append(decimal: a.threshold)
            out.append(UInt8(ascii: ")"))
        } else {
            out.append(" (threshold ")
            out.append(decimal: a.threshold)
            out.append(UInt8(ascii: ")"))
        }
    }
}

extension JSONLines {
    /// A stuck-state or pile-up alert record (`"type":"alert"`, docs/troubles.md):
    ///
    ///     {"type":"alert","schema":"tcpwave/1","alert":"close_wait_stuck","state":"start","ts":...,
    ///      "target":"10.9.0.1:80","count":3,"threshold":1,"stuck_after":60.000000,
    ///      "oldest_since":...,"since":...,"peak":3,"end_of_input":false}
    ///
    /// `time_wait_pileup`'s target is a client address without port, and it adds
    /// `"ephemeral_ports"`.
    public static func writeStateAlert(_ a: StateAlert, ephemeralPorts: Int, fractionDigits: Int, into out: inout OutputBuffer) {
        out.append("{\"type\":\"alert\",\"schema\":\"")
        out.append(schema)
        out.append("\",\"alert\":\"")
        out.append(string: a.kind.rawValue)
        out.append("\",\"state\":\"")
        out.append(string: a.phase.rawValue)
        out.append("\",\"ts\":")
        appendSeconds(a.time, fractionDigits: fractionDigits, &out)
        out.append(",\"target\":\"")
        StateAlertText.appendTarget(a, &out)
        out.append("\",\"tcp_state\":\"")
        out.append(a.kind.state.name)
        out.append("\",\"count\":")
        out.append(decimal: a.count)
        out.append(",\"threshold\":")
        out.append(decimal: a.threshold)
        if a.kind.isStuck {
            out.append(",\"stuck_after\":")
            appendSeconds(a.stuckAfter, fractionDigits: fractionDigits, &out)
            out.append(",\"oldest_since\":")
            if let oldest = a.oldestSince { appendSeconds(oldest, fractionDigits: fractionDigits, &out) } else { out.append("null") }
        }
        if a.kind == .timeWaitPileup {
            out.append(",\"ephemeral_ports\":")
            out.append(decimal: ephemeralPorts)
        }
        out.append(",\"since\":")
        appendSeconds(a.since, fractionDigits: fractionDigits, &out)
        out.append(",\"peak\":")
        out.append(decimal: a.peak)
        out.append(a.endOfInput ? ",\"end_of_input\":true}\n" : ",\"end_of_input\":false}\n")
    }

    /// A `states` record (`--state-interval`, docs/records.md): endpoints per state at `ts`
    /// for the whole capture and for the busiest server endpoints; `final` marks the one
    /// written when the input ended (at the last packet's time).
    ///
    ///     {"type":"states","schema":"tcpwave/1","ts":...,"interval":1.000000,"final":false,"connections":12,
    ///      "client_states":{"SYN_SENT":0,...},"server_states":{...},"servers_followed":3,
    ///      "untracked_server_connections":0,"servers":[{"server":"10.9.0.1:80","connections":9,
    ///      "opened":40,"resets":1,"packets":412,"retransmissions":3,"rtt_samples":30,
    ///      "rtt_median":0.000350,"rtt_p99":0.001024,"client_states":{...},"server_states":{...}}]}
    public static func writeStates(_ s: StateSnapshot, interval: Nanoseconds, final: Bool, fractionDigits: Int, into out: inout OutputBuffer) {
        out.append("{\"type\":\"states\",\"schema\":\"")
        out.append(schema)
        out.append("\",\"ts\":")
        appendSeconds(s.time, fractionDigits: fractionDigits, &out)
        out.append(",\"interval\":")
        appendSeconds(interval, fractionDigits: fractionDigits, &out)
        out.append(final ? ",\"final\":true" : ",\"final\":false")
        out.append(",\"connections\":")
        out.append(decimal: s.connections)
        appendStateCounts(s.states, &out)
        out.append(",\"servers_followed\":")
        out.append(decimal: s.serversFollowed)
        out.append(",\"untracked_server_connections\":")
        out.append(decimal: s.untrackedServerConnections)
        out.append(",\"servers\":[")
        for (i, e) in s.servers.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out.append("{\"server\":")
            appendEndpoint(e.server, &out)
            out.append(",\"connections\":")
            out.append(decimal: e.connections)
            out.append(",\"opened\":")
            out.append(decimal: e.opened)
            out.append(",\"resets\":")
            out.append(decimal: e.resets)
            out.append(",\"packets\":")
            out.append(decimal: e.packets)
            out.append(",\"retransmissions\":")
            out.append(decimal: e.retransmissions)
            out.append(",\"rtt_samples\":")
            out.append(decimal: e.rttSamples)
            out.append(",\"rtt_median\":")
            if let m = e.rttMedian { appendSeconds(m, fractionDigits: fractionDigits, &out) } else { out.append("null") }
            out.append(",\"rtt_p99\":")
            if let m = e.rttP99 { appendSeconds(m, fractionDigits: fractionDigits, &out) } else { out.append("null") }
            appendStateCounts(e.states, &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append("]}\n")
    }

    /// `"client_states":{...},"server_states":{...}`: every state but CLOSED, in RFC order.
    private static func appendStateCounts(_ c: StateCounts, _ out: inout OutputBuffer) {
        for role in [Role.client, .server] {
            out.append(role == .client ? ",\"client_states\":{" : ",\"server_states\":{")
            var first = true
            for state in TCPState.allCases where state != .closed {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                out.append(UInt8(ascii: "\""))
                out.append(state.name)
                out.append("\":")
                out.append(decimal: c[role, state])
            }
            out.append(UInt8(ascii: "}"))
        }
    }
}
