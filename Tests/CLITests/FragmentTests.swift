import Foundation
import Testing

/// IP fragments and TSO/GSO segments: tcpdump's lines for each, reassembly for the tracker
/// (docs/fragments.md).
struct FragmentTests {
    static let fixtures: [String] = Harness.fixtures.filter { $0.hasPrefix("Fixtures/pcap/fragments/") }

    /// Captures of the shared corpus with fragments of TCP, TSO segments (`IP bad-len 0`) or BIG TCP.
    static let corpusCaptures: [String] = [
        "tcpdump/bigtcp-ipv4.pcap",
        "tcpdump/ipv4_tcp_http_xml_tso.pcap",
        "wild/captures/arkime/socks5-http-302-frag.pcap",
        "wild/captures/chrissanders-packets/mail_sender_attachment.pcapng",
        "wild/captures/pcapplusplus/frag_http_req.pcap",
        "wild/captures/suricata-verify/defrag__bug-6887-defrag-ipv6-tcp__frag-ip-tcp.pcap",
        "wild/captures/suricata-verify/ipv6-evasion__ipv6-malformed-fragments-25__frag-25.pcap",
        "wild/captures/ndpi/thrift.pcap",
        "wild/captures/ndpi/line.pcap",
        "wild/captures/ndpi/fuzz-2006-06-26-2594.pcap",
        "wild/captures/ndpi/anydesk.pcapng",
        "wild/captures/ndpi/ip_fragmented_garbage.pcap",
    ]

    static let forms: [[String]] = [[], ["-v"], ["-S", "-vv"]]

    /// Packet number -> text (continuation lines joined), as `-#` numbers them.
    static func packets(_ text: String) -> [Int: String] {
        var out: [Int: String] = [:]
        var current: Int? = nil
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.drop { $0 == " " }
            if let end = trimmed.firstIndex(of: " "), let n = Int(trimmed[..<end]),
               trimmed[end...].hasPrefix("  "), line.count > 17 {
                current = n
                out[n] = String(line)
            } else if let c = current, !line.isEmpty {
                out[c]! += "\n" + line
            }
        }
        return out
    }

    /// Lines tcpdump ends where tcpwave must end too: later fragments and bad lengths.
    static func mustMatchWhole(_ line: Substring) -> Bool {
        line.hasSuffix("ip-proto-6") || line.contains("bad-len") || line.hasSuffix("|tcp]")
            || (line.hasSuffix(")") && line.contains(": frag (") && !line.contains(":0|") && !line.contains("(0|"))
    }

    static func compare(_ path: String, _ form: [String]) throws {
        guard let tcpdump = Harness.which("tcpdump") else { throw Skip("tcpdump is not installed") }
        let theirs = packets(Harness.run(tcpdump, ["-#nn"] + form + ["-r", path]).stdout)
        let result = Harness.tcpwave(["-#nn"] + form + ["-r", path, "--no-annotate"])
        let ours = packets(result.stdout)
        var compared = 0
        for (n, text) in ours {
            guard let expected = theirs[n] else {
                Issue.record("\(path) \(form) #\(n): tcpdump prints no line")
                continue
            }
            let last = expected.split(separator: "\n").last ?? ""
            if mustMatchWhole(last) {
                #expect(text == expected, "\(path) \(form) #\(n)")
            } else {
                #expect(expected.hasPrefix(text), "\(path) \(form) #\(n): \(text) vs \(expected)")
            }
            compared += 1
        }
        for (n, text) in theirs where ours[n] == nil && (text.contains("ip-proto-6") || text.contains("frag (") || text.contains("bad-len")) {
            Issue.record("\(path) \(form) #\(n): no line for tcpdump's \(text)")
        }
        #expect(compared > 0, "\(path): nothing compared")
    }

    struct Skip: Error, CustomStringConvertible {
        var description: String
        init(_ d: String) { description = d }
    }

    @Test("fragment, bad-len and BIG TCP fixtures print tcpdump's lines in the default, -v and -S -vv forms",
          arguments: fixtures)
    func fixtureLinesMatchTcpdump(_ path: String) throws {
        for form in FragmentTests.forms { try FragmentTests.compare(path, form) }
    }

    @Test("the corpus's fragments and TSO segments print tcpdump's lines in every form", arguments: corpusCaptures)
    func corpusLinesMatchTcpdump(_ name: String) throws {
        let path = Harness.corpus.appendingPathComponent(name).path
        guard FileManager.default.fileExists(atPath: path) else {
            print("skipped: \(path) is absent (../shared/corpus)")
            return
        }
        for form in FragmentTests.forms { try FragmentTests.compare(path, form) }
    }

    @Test("the pipelined reader and the single thread reassemble alike", arguments: fixtures)
    func pipelinedMatchesSingleThread(_ path: String) {
        let one = Harness.tcpwave(["-r", path, "--single-thread", "--timeline"])
        let two = Harness.tcpwave(["-r", path, "--timeline"])
        #expect(one.status == 0 && two.status == 0)
        #expect(one.stdout == two.stdout)
        #expect(one.stderr == two.stderr)
    }

    /// What the end-of-run line says about reassembly, per fixture.
    static let summaries: [(String, String)] = [
        ("ipv4-in-order", "3 IP fragments of TCP: 1 datagram reassembled"),
        ("ipv4-duplicate", "5 IP fragments of TCP: 1 datagram reassembled, 2 duplicate"),
        ("ipv4-overlap", "4 IP fragments of TCP: 0 datagrams reassembled, 1 dropped for overlaps, 1 incomplete at end"),
        ("ipv4-missing-last", "2 IP fragments of TCP: 0 datagrams reassembled, 1 incomplete at end"),
        ("ipv6-overlap", "4 IP fragments of TCP: 0 datagrams reassembled, 1 dropped for overlaps, 1 incomplete at end"),
    ]

    @Test("reassembly's anomalies are counted at the end of the run", arguments: summaries.indices)
    func anomaliesCounted(_ index: Int) {
        let (name, line) = FragmentTests.summaries[index]
        let result = Harness.tcpwave(["-r", "Fixtures/pcap/fragments/\(name).pcap", "--summary"])
        #expect(result.stderr.contains(line), "\(name): \(result.stderr)")
    }

    /// Captures whose only trouble was fragments or TSO segments tcpwave could not see.
    static let cleanCaptures: [String] = [
        "wild/captures/chrissanders-packets/mail_sender_attachment.pcapng",
        "wild/captures/ndpi/thrift.pcap",
        "wild/captures/ndpi/line.pcap",
        "wild/captures/ndpi/anydesk.pcapng",
        "wild/captures/arkime/socks5-http-302-frag.pcap",
        "wild/captures/pcapplusplus/frag_http_req.pcap",
    ]

    @Test("no false lost-segment or acked-unseen flags from TSO segments or fragments (tshark has none)",
          arguments: cleanCaptures)
    func noFalseLoss(_ name: String) {
        let path = Harness.corpus.appendingPathComponent(name).path
        guard FileManager.default.fileExists(atPath: path) else {
            print("skipped: \(path) is absent (../shared/corpus)")
            return
        }
        let result = Harness.tcpwave(["--note-names", "-r", path])
        #expect(result.status == 0)
        #expect(!result.stdout.contains("lost_segment"), "\(name)")
        #expect(!result.stdout.contains("acked_unseen_segment"), "\(name)")
    }

    @Test("the reassembled segment and the TSO segment reach the connection's byte counts")
    func reassembledBytesCount() {
        for name in ["ipv4-in-order", "ipv6-in-order", "ipv4-out-of-order", "ipv4-tso-bad-len-0"] {
            let result = Harness.tcpwave(["-r", "Fixtures/pcap/fragments/\(name).pcap", "--summary"])
            #expect(result.stdout.contains("client 5 pkts 3000 B"), "\(name): \(result.stdout)")
        }
        let big = Harness.tcpwave(["-r", "Fixtures/pcap/fragments/ipv6-big-tcp.pcap", "--summary"])
        #expect(big.stdout.contains("client 5 pkts 70000 B"), "\(big.stdout)")
    }
}
