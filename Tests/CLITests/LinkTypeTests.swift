import Foundation
import PcapCraft
import Testing

/// The link types beyond Ethernet (Fixtures/pcap/linktypes, written by `tcpwave-craft linktypes`)
/// and `-e`: tcpdump's lines for every TCP packet, on our fixtures and on the shared corpus'
/// captures of each link type; golden `-e` lines; pcapng files whose interfaces differ.
struct LinkTypeTests {
    static var fixtures: [String] { Harness.fixtures.filter { $0.hasPrefix("Fixtures/pcap/linktypes/") } }

    static let optionSets: [[String]] = [
        [], ["-v"], ["-S", "-vv"], ["-e"], ["-e", "-v"], ["-e", "-S", "-vv"], ["-q"], ["-e", "-q"],
    ]

    /// The shared corpus' captures of the link types added for issue 15 (found by scanning every
    /// capture's link type), with the TCP packets tshark counts in each.
    static let corpusCaptures: [(String, Int)] = [
        ("tcpdump/bgp_vpn_attrset.pcap", 1),                                  // PPP
        ("tcpdump/lspping-fec-ldp.pcap", 3),                                  // PPP carrying MPLS
        ("tcpdump/bgp-aigp.pcap", 1),                                         // Juniper Ethernet
        ("tcpdump/arcnet-rfc1051-arp-icmp-http.pcap", 14),                    // Linux ARCNET, RFC 1051
        ("tcpdump/arcnet-rfc1201-arp-icmp-http.pcap", 14),                    // Linux ARCNET, RFC 1201
        ("tcpdump/ipoib.pcap", 20),                                           // IP over InfiniBand
        ("wild/captures/suricata-verify/decode-chdlc-01__hdlc-http_1tx.pcap", 17), // Cisco HDLC
        ("wild/captures/pcapplusplus/CiscoHDLC.pcap", 1),                     // Cisco HDLC, IPv6
        ("wild/captures/arkime/80211http.pcap", 26),                          // 802.11 + radiotap
        ("wild/captures/libpcap/http_PPI.pcap", 1),                           // PPI + 802.11
    ]

    @Test("the committed link-type fixtures are the ones tcpwave-craft writes")
    func fixturesAreCurrent() throws {
        let written = LinkTypeCaptures.all()
        #expect(Set(written.map { "Fixtures/pcap/linktypes/\($0.name).pcap" }) == Set(LinkTypeTests.fixtures))
        for capture in written {
            let path = Harness.packageRoot.appendingPathComponent("Fixtures/pcap/linktypes/\(capture.name).pcap").path
            #expect(FileManager.default.contents(atPath: path) == Data(capture.pcap().bytes),
                    "\(capture.name) differs; run tcpwave-craft linktypes Fixtures/pcap/linktypes")
        }
    }

    /// The TCP packets tcpdump prints for a file: those whose text has a TCP line.
    static func tcpdumpTCPPackets(_ file: String, _ options: [String], _ tcpdump: String) -> [Int: String] {
        PrintedPackets.tcpdump(tcpdump, file, options)
            .filter { $0.value.contains("Flags [") || $0.value.range(of: #": tcp \d+"#, options: .regularExpression) != nil }
    }

    /// Every packet tcpdump prints a TCP line for has tcpwave's identical line, and no other.
    static func agree(_ file: String, _ options: [String], _ tcpdump: String) -> [String] {
        let theirs = tcpdumpTCPPackets(file, options, tcpdump)
        let ours = PrintedPackets.tcpwave(file, options)
        var problems: [String] = []
        for (n, line) in theirs.sorted(by: { $0.key < $1.key }) {
            guard let mine = ours[n] else {
                problems.append("\(file) [\(options.joined(separator: " "))] packet \(n): no line\n  tcpdump: \(line)")
                continue
            }
            if !Differential.matches(ours: mine, theirs: line) {
                problems.append("\(file) [\(options.joined(separator: " "))] packet \(n)\n  tcpdump: \(line)\n  tcpwave: \(mine)")
            }
        }
        for n in Set(ours.keys).subtracting(theirs.keys) {
            problems.append("\(file) [\(options.joined(separator: " "))] packet \(n): tcpwave printed a line tcpdump did not")
        }
        return problems
    }

    @Test("every TCP packet of every link-type fixture prints tcpdump's line", arguments: optionSets)
    func fixturesAgreeWithTcpdump(options: [String]) {
        guard let tcpdump = Harness.which("tcpdump") else {
            print("skipped: tcpdump is not installed (apt-get install tcpdump)")
            return
        }
        #expect(LinkTypeTests.fixtures.count == 10)
        var problems: [String] = []
        var compared = 0
        for file in LinkTypeTests.fixtures {
            compared += LinkTypeTests.tcpdumpTCPPackets(file, options, tcpdump).count
            problems += LinkTypeTests.agree(file, options, tcpdump)
        }
        print("link-type fixtures [\(options.joined(separator: " "))]: \(compared - problems.count)/\(compared) TCP packets identical to tcpdump")
        #expect(compared == 80)
        #expect(problems.isEmpty, "\(problems.prefix(10).joined(separator: "\n"))")
    }

    @Test("the shared corpus' captures of each new link type print tcpdump's line for every TCP packet", arguments: optionSets)
    func corpusAgreesWithTcpdump(options: [String]) {
        guard let tcpdump = Harness.which("tcpdump") else {
            print("skipped: tcpdump is not installed (apt-get install tcpdump)")
            return
        }
        guard FileManager.default.fileExists(atPath: Harness.corpus.path) else {
            print("skipped: \(Harness.corpus.path) is absent (the shared conformance corpus)")
            return
        }
        var problems: [String] = []
        var compared = 0
        for (name, tcp) in LinkTypeTests.corpusCaptures {
            let file = Harness.corpus.appendingPathComponent(name).path
            let packets = LinkTypeTests.tcpdumpTCPPackets(file, options, tcpdump).count
            #expect(packets == tcp, "\(name): tcpdump printed \(packets) TCP packets, tshark counts \(tcp)")
            compared += packets
            problems += LinkTypeTests.agree(file, options, tcpdump)
        }
        print("corpus link types [\(options.joined(separator: " "))]: \(compared - problems.count)/\(compared) TCP packets identical to tcpdump")
        #expect(problems.isEmpty, "\(problems.prefix(10).joined(separator: "\n"))")
    }

    @Test("-e lines of each link type match the golden file", arguments: LinkTypeTests.fixtures)
    func linkHeaderGolden(_ file: String) throws {
        let result = Harness.tcpwave(["-e", "-v", "-r", file])
        #expect(result.status == 0, "\(file): \(result.stderr)")
        let name = file.replacingOccurrences(of: "Fixtures/pcap/", with: "").replacingOccurrences(of: "/", with: "-") + ".e-lines.txt"
        let golden = Harness.packageRoot.appendingPathComponent("Fixtures/golden/\(name)")
        if ProcessInfo.processInfo.environment["RECORD_GOLDEN"] == "1" {
            try result.stdout.write(to: golden, atomically: true, encoding: .utf8)
            Issue.record("recorded \(name); rerun without RECORD_GOLDEN")
            return
        }
        #expect(result.stdout == (try String(contentsOf: golden, encoding: .utf8)), "\(name) differs; RECORD_GOLDEN=1 rewrites it")
    }

    /// A pcapng file: section header, then blocks in order. `interfaces` and `packets` interleave
    /// as given: an Int is an interface description with that link type, a frame a packet on the
    /// most recent interface.
    enum Block { case interface(UInt16), packet([UInt8]) }

    static func pcapng(_ blocks: [Block]) -> [UInt8] {
        func le32(_ v: UInt32) -> [UInt8] { withUnsafeBytes(of: v.littleEndian, Array.init) }
        func le16(_ v: UInt16) -> [UInt8] { withUnsafeBytes(of: v.littleEndian, Array.init) }
        var out = le32(0x0a0d0d0a) + le32(28) + le32(0x1a2b3c4d) + le16(1) + le16(0) + Array(repeating: 0xff, count: 8) + le32(28)
        var interface: UInt32 = 0
        var time: UInt64 = 1_764_320_400_000_000
        for block in blocks {
            switch block {
            case .interface(let type):
                if out.count > 28 { interface += 1 }
                out += le32(1) + le32(20) + le16(type) + le16(0) + le32(262_144) + le32(20)
            case .packet(let frame):
                let padded = frame + Array(repeating: 0, count: (4 - frame.count % 4) % 4)
                let length = UInt32(32 + padded.count)
                out += le32(6) + le32(length) + le32(interface) + le32(UInt32(time >> 32)) + le32(UInt32(time & 0xffff_ffff))
                out += le32(UInt32(frame.count)) + le32(UInt32(frame.count)) + padded + le32(length)
                time += 1_000
            }
        }
        return out
    }

    @Test("a pcapng file whose second interface has another link type stops there, as tcpdump does, naming file, packet and why")
    func mixedLinkTypesInPcapng() {
        let segments = Scenarios.documentExample().records.map(\.frame)
        // Cooked v1 header in front of the IP datagram of the third frame.
        let cooked: [UInt8] = [0, 0, 0, 1, 0, 6, 2, 0, 1, 2, 3, 4, 0, 0, 0x08, 0x00] + Array(segments[2].dropFirst(14))
        let bytes = LinkTypeTests.pcapng([.interface(1), .packet(segments[0]), .packet(segments[1]), .interface(113), .packet(cooked)])
        let path = Harness.temporaryFile("mixed-link-types.pcapng", bytes)
        for threading in [[], ["--single-thread"]] {
            let r = Harness.tcpwave(["-nn", "--no-annotate", "-r", path] + threading)
            #expect(r.status == 1)
            #expect(r.stdout.split(separator: "\n").count == 2, "\(r.stdout)")
            #expect(r.stderr.contains("\(path): packet 3: an interface has a type 113 different from the type of the first interface"), "\(r.stderr)")
            #expect(r.stderr.contains("share one link type"), "\(r.stderr)")
            #expect(r.stderr.contains("3 packets read") == false && r.stderr.contains("2 packets read"), "\(r.stderr)")
        }
        if let tcpdump = Harness.which("tcpdump") {
            let t = Harness.run(tcpdump, ["-nn", "-r", path])
            #expect(t.stdout.split(separator: "\n").count == 2)
            #expect(t.stderr.contains("different from the type of the first interface"))
        }
    }

    @Test("interfaces of one link type in a pcapng file are read to the end")
    func sameLinkTypeInterfaces() {
        let frames = Scenarios.documentExample().records.map(\.frame)
        let bytes = LinkTypeTests.pcapng([.interface(1), .packet(frames[0]), .interface(1), .packet(frames[1]), .packet(frames[2])])
        let r = Harness.tcpwave(["-nn", "-r", Harness.temporaryFile("two-ethernet-interfaces.pcapng", bytes)])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.split(separator: "\n").count == 3)
    }
}
