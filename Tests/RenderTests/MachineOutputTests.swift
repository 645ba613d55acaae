import Render
import Testing
import Wire

private func rendered(_ body: (inout OutputBuffer) -> Void) -> String {
    var out = OutputBuffer.memory()
    body(&out)
    return out.takeString()
}

struct MachineOutputTests {
    @Test("JSON strings escape quotes, backslashes and control characters, and pass UTF-8 through")
    func jsonStrings() {
        #expect(rendered { JSONLines.appendString("plain", &$0) } == "\"plain\"")
        #expect(rendered { JSONLines.appendString("a\"b\\c", &$0) } == #""a\"b\\c""#)
        #expect(rendered { JSONLines.appendString("\n\r\t\u{08}\u{0c}", &$0) } == #""\n\r\t\b\f""#)
        #expect(rendered { JSONLines.appendString("\u{01}\u{1f}\u{7f}", &$0) } == #""\u0001\u001f\u007f""#)
        #expect(rendered { JSONLines.appendString("é→🌊", &$0) } == "\"é→🌊\"")
        #expect(rendered { JSONLines.appendStrings(["x", "y"], &$0) } == #"["x","y"]"#)
        #expect(rendered { JSONLines.appendStrings([], &$0) } == "[]")
    }

    @Test("times print with six or nine decimals, negative ones too")
    func jsonTimes() {
        #expect(rendered { JSONLines.appendSeconds(1_764_320_400_000_212_000, fractionDigits: 6, &$0) } == "1764320400.000212")
        #expect(rendered { JSONLines.appendSeconds(1_764_320_400_000_212_345, fractionDigits: 9, &$0) } == "1764320400.000212345")
        #expect(rendered { JSONLines.appendSeconds(1_500, fractionDigits: 6, &$0) } == "0.000002")
        #expect(rendered { JSONLines.appendSeconds(-2_500_000_000, fractionDigits: 6, &$0) } == "-2.500000")
        #expect(rendered { JSONLines.appendSeconds(Int64.min, fractionDigits: 9, &$0) }.hasPrefix("-9223372036."))
    }

    @Test("endpoints as \"ip:port\", IPv6 in brackets")
    func jsonEndpoints() {
        #expect(rendered { JSONLines.appendEndpoint(Endpoint(address: IPAddress("10.0.0.1")!, port: 80), &$0) } == "\"10.0.0.1:80\"")
        #expect(rendered { JSONLines.appendEndpoint(Endpoint(address: IPAddress("2001:db8::1")!, port: 443), &$0) } == "\"[2001:db8::1]:443\"")
    }

    @Test("local_orig/local_resp: Zeek's private address space counts as local", arguments: [
        ("10.1.2.3", true), ("192.168.1.28", true), ("172.31.255.255", true), ("172.32.0.1", false),
        ("100.64.0.1", true), ("127.0.0.1", true), ("224.0.0.251", true), ("224.0.1.1", false),
        ("239.1.2.3", true), ("8.8.8.8", false), ("141.142.220.202", false), ("255.255.255.255", true),
        ("::1", true), ("::", true), ("fe80::217:f2ff:fed7:cf65", true), ("ff02::fb", false), ("fd00::1", true),
        ("2001:db8::1", true), ("2606:4700::1111", false), ("::ffff:10.0.0.1", true), ("2002:c0a8:0101::1", true),
    ])
    func localAddresses(address: String, local: Bool) {
        #expect(ConnLog.isLocal(IPAddress(address)!) == local, "\(address)")
    }

    @Test("conn.log's header lines are Zeek's")
    func connLogHeader() {
        let header = rendered { ConnLog.writeHeader(opened: 0, into: &$0) }.split(separator: "\n").map(String.init)
        #expect(header.count == 8)
        #expect(header[0] == "#separator \\x09")
        #expect(header[1] == "#set_separator\t,")
        #expect(header[2] == "#empty_field\t(empty)")
        #expect(header[3] == "#unset_field\t-")
        #expect(header[4] == "#path\tconn")
        #expect(header[5].hasPrefix("#open\t"))
        #expect(header[6] == "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\tresp_bytes\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes\thistory\torig_pkts\torig_ip_bytes\tresp_pkts\tresp_ip_bytes\ttunnel_parents\tip_proto")
        #expect(header[7] == "#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\tstring\tbool\tbool\tcount\tstring\tcount\tcount\tcount\tcount\tset[string]\tcount")
    }
}
