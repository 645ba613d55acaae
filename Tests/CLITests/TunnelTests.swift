import Foundation
import Testing

/// TCP inside tunnels (GRE, ERSPAN, VXLAN, Geneve, GTP-U, MPLS, PPPoE, IP in IP): tcpdump's
/// whole line, the inner connection tracked, and one connection per tunnel. The fixtures are
/// written by Fixtures/scripts/tunnel_captures.py.
struct TunnelTests {
    static let fixtures = Harness.fixtures.filter { $0.hasPrefix("Fixtures/pcap/tunnels/") }

    /// The shared corpus's captures with TCP in a tunnel (tshark's `gre or vxlan or mpls or
    /// pppoes or gtp or geneve or ip.proto==41 or ip.proto==4`).
    static let corpusCaptures = [
        "tcpdump/geneve-gcp.pcap", "tcpdump/geneve.pcap",
        "tcpdump/gso-ipv4-geneve-ipv4.pcap", "tcpdump/gso-ipv4-geneve-ipv6.pcap",
        "tcpdump/gso-ipv4-vxlan-ipv4.pcap", "tcpdump/gso-ipv4-vxlan-ipv6.pcap",
        "tcpdump/gso-ipv6-geneve-ipv4.pcap", "tcpdump/gso-ipv6-geneve-ipv6.pcap",
        "tcpdump/gso-ipv6-vxlan-ipv4.pcap", "tcpdump/gso-ipv6-vxlan-ipv6.pcap",
        "wild/captures/arkime/gre-sample.pcap", "wild/captures/arkime/mpls-basic.pcap",
        "wild/captures/arkime/pppoe.pcap", "wild/captures/dpkt/nb6-http.pcap",
        "wild/captures/ndpi/6in4tunnel.pcap", "wild/captures/ndpi/vxlan.pcap",
        "wild/captures/pcapplusplus/Ftp.pcap", "wild/captures/pcapplusplus/one_http_stream_rst.pcap",
        "wild/captures/suricata-verify/vxlan-decoder-03__vxlan.pcap",
    ]

    @Test("every tunnelled TCP line of the fixtures is tcpdump's, outer part included",
          arguments: [[], ["-v"], ["-S", "-vv"]])
    func fixtureLines(options: [String]) throws {
        guard let tcpdump = Harness.which("tcpdump") else {
            print("skipped: tcpdump is not installed (apt-get install tcpdump)")
            return
        }
        #expect(TunnelTests.fixtures.count >= 10)
        var compared = 0
        for file in TunnelTests.fixtures {
            let t = Differential.compare(file, options: options, tcpdump: tcpdump)
            compared += t.compared
            #expect(t.mismatches.isEmpty, "\(t.mismatches.prefix(5).joined(separator: "\n"))")
        }
        // Every packet but the hostile ones in nested.pcap is TCP in a tunnel.
        #expect(compared == 210)
    }

    @Test("tunnelled TCP lines of the shared corpus are tcpdump's", arguments: [[], ["-v"], ["-S", "-vv"]])
    func corpusLines(options: [String]) throws {
        guard let tcpdump = Harness.which("tcpdump") else {
            print("skipped: tcpdump is not installed (apt-get install tcpdump)")
            return
        }
        guard FileManager.default.fileExists(atPath: Harness.corpus.path) else {
            print("skipped: \(Harness.corpus.path) is absent (the shared conformance corpus)")
            return
        }
        let files = TunnelTests.corpusCaptures.map { Harness.corpus.appendingPathComponent($0).path }
        let t = Differential.compare(files, options: options, tcpdump: tcpdump)
        #expect(t.mismatches.isEmpty, "\(t.mismatches.prefix(5).joined(separator: "\n"))")
        print("tunnel captures [\(options.joined(separator: " "))]: \(t.identical)/\(t.compared) TCP lines identical to tcpdump")
        #expect(t.compared >= 400)
    }

    static let twoTunnelCases: [(file: String, tunnels: [String])] = [
        ("gre-keys", ["in gre 192.0.2.1-192.0.2.2 key 0x64:", "in gre 192.0.2.1-192.0.2.2 key 0xc8:"]),
        ("vxlan-vnis", ["in vxlan 10.25.132.11-10.25.132.13 vni 5001:", "in vxlan 10.25.132.11-10.25.132.13 vni 5002:"]),
    ]

    @Test("the same 4-tuple in two GRE keys or two VNIs is two whole connections", arguments: [0, 1])
    func sameFourTupleInTwoTunnels(_ index: Int) throws {
        let c = TunnelTests.twoTunnelCases[index]
        let result = Harness.tcpwave(["-r", "Fixtures/pcap/tunnels/\(c.file).pcap", "--summary"])
        #expect(result.status == 0)
        let summaries = result.stdout.split(separator: "\n").filter { $0.hasPrefix("#") }
        #expect(summaries.count == 2)
        for (line, tunnel) in zip(summaries, c.tunnels) {
            #expect(line.contains(tunnel), "\(line)")
            #expect(line.contains("opened 3-way handshake; closed 3-segment close by client"), "\(line)")
            #expect(line.contains("client 6 pkts 120 B, server 4 pkts 300 B"), "\(line)")
        }
        #expect(result.stderr.contains("2 connections"))
    }

    @Test("JSON connection records carry the tunnel; untunnelled ones have no tunnel field")
    func jsonTunnelField() throws {
        let tunnelled = Harness.tcpwave(["-r", "Fixtures/pcap/tunnels/vxlan-vnis.pcap", "--json", "--summary"])
        let records = tunnelled.stdout.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }.filter { $0["type"] as? String == "connection" }
        #expect(records.map { $0["tunnel"] as? String } == [
            "vxlan 10.25.132.11-10.25.132.13 vni 5001", "vxlan 10.25.132.11-10.25.132.13 vni 5002"])
        let plain = Harness.tcpwave(["-r", "Fixtures/pcap/crafted/document-example.pcap", "--json", "--summary"])
        #expect(plain.status == 0)
        #expect(!plain.stdout.contains("\"tunnel\""))
    }

    @Test("labels and TEIDs that differ by direction keep one connection; annotations and relative numbers as for plain TCP",
          arguments: ["mpls", "gtp-u", "pppoe", "ip-in-ip", "geneve", "erspan", "gre-ipv6-checksum"])
    func oneConnectionPerInnerFlow(_ name: String) throws {
        let result = Harness.tcpwave(["-r", "Fixtures/pcap/tunnels/\(name).pcap"])
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n")
        // Each conversation: handshake, request, response, a three-segment close by the client.
        #expect(lines.filter { $0.contains("handshake 3/3") }.count == lines.filter { $0.contains("handshake 1/3") }.count)
        #expect(lines.filter { $0.contains("teardown 4/4 (client ACK) | client FIN_WAIT_1->FIN_WAIT_2->TIME_WAIT") }.count
                == lines.filter { $0.contains("handshake 1/3") }.count)
        #expect(!result.stdout.contains("midstream"))
        #expect(!result.stdout.contains("after close"))
        #expect(!result.stdout.contains("unseen"))
        if name != "gtp-u" && name != "erspan" {
            // tcpdump prints the inner segment, with relative numbers after the handshake.
            #expect(result.stdout.contains("Flags [P.], seq 1:121, ack 1, win 64240, length 120"))
        }
    }

    @Test("hostile nesting is a one-line error naming the packet; the rest of the file is reported")
    func hostileNesting() throws {
        let result = Harness.tcpwave(["-r", "Fixtures/pcap/tunnels/nested.pcap", "--summary"])
        #expect(result.status == 0)
        #expect(result.stderr.contains("nested.pcap: packet 21: tunnel: more than 16 nested encapsulation headers"))
        #expect(result.stderr.contains("22 packets read: 20 TCP, 1 other, 1 malformed; 2 connections"))
        #expect(result.stdout.contains("in gre 192.0.2.1-192.0.2.2 / mpls:"))
        #expect(result.stdout.contains("in gre 192.0.2.1-192.0.2.2 / vxlan 172.31.0.1-172.31.0.2 vni 77:"))
    }
}
