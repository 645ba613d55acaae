import Foundation
import PcapCraft
import Testing

/// Bad input: one clear line naming the file (and packet), a non-zero exit, and every packet
/// before the damage still printed.
struct BadInputTests {
    static func documentPcap() -> [UInt8] { Scenarios.documentExample().pcap().bytes }

    @Test("a missing file is named in one line")
    func missingFile() {
        let r = Harness.tcpwave(["-r", "/nonexistent/x.pcap"])
        #expect(r.status != 0)
        #expect(r.stderr == "tcpwave: /nonexistent/x.pcap: No such file or directory\n")
    }

    @Test("a directory, an empty file, a text file and a cut header are refused clearly", arguments: [
        ("directory", nil as [UInt8]?, "is a directory, not a capture file"),
        ("empty.pcap", [], "truncated capture file header"),
        ("notes.txt", Array("just some text, not a capture\n".utf8), "not a pcap or pcapng capture"),
        ("cut-header.pcap", Array(BadInputTests.documentPcap().prefix(10)), "truncated capture file header"),
    ])
    func refusedFile(name: String, bytes: [UInt8]?, message: String) {
        let path: String
        if let bytes {
            path = Harness.temporaryFile(name, bytes)
        } else {
            path = FileManager.default.temporaryDirectory.path
        }
        let r = Harness.tcpwave(["-r", path])
        #expect(r.status == 1)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.hasPrefix("tcpwave: \(path): "), "\(r.stderr)")
        #expect(r.stderr.contains(message), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1)
    }

    @Test("a record cut short at the end of the file: the packets before it are printed, then the error")
    func cutRecord() {
        let bytes = BadInputTests.documentPcap()
        let path = Harness.temporaryFile("cut-record.pcap", Array(bytes.dropLast(7)))
        let r = Harness.tcpwave(["-r", path])
        #expect(r.status == 1)
        #expect(r.stdout.split(separator: "\n").count == 10)
        #expect(r.stderr.contains("tcpwave: \(path): packet 11: capture record cut short at end of file"), "\(r.stderr)")
    }

    @Test("a record longer than the file allows is reported with its packet number")
    func oversizedRecord() {
        var writer = PcapFileWriter()
        let frame = Scenarios.documentExample().records[0].frame
        writer.append(seconds: 1, nanoseconds: 0, frame: frame)
        writer.appendRaw([1, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xff, 0x7f])
        let path = Harness.temporaryFile("huge-record.pcap", writer.bytes)
        let r = Harness.tcpwave(["-r", path])
        #expect(r.status == 1)
        #expect(r.stdout.split(separator: "\n").count == 1)
        #expect(r.stderr.contains("\(path): packet 2: "), "\(r.stderr)")
    }

    @Test("an unsupported link type names itself and what is supported")
    func unsupportedLinkType() {
        var writer = PcapFileWriter(linkType: 195) // IEEE 802.15.4 with FCS
        writer.append(seconds: 1, nanoseconds: 0, frame: [1, 2, 3])
        let path = Harness.temporaryFile("zigbee.pcap", writer.bytes)
        let r = Harness.tcpwave(["-r", path])
        #expect(r.status == 1)
        #expect(r.stderr.contains("link type"), "\(r.stderr)")
        #expect(r.stderr.contains("IEEE802_15_4") || r.stderr.contains("195"), "\(r.stderr)")
        #expect(r.stderr.contains("supported: EN10MB"), "\(r.stderr)")
    }

    @Test("a bad filter expression is shown with libpcap's message")
    func badFilter() {
        let r = Harness.tcpwave(["-r", "Fixtures/pcap/crafted/document-example.pcap", "tcp", "port", "eighty"])
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("tcpwave: bad filter expression 'tcp port eighty': "), "\(r.stderr)")
    }

    @Test("malformed packets are named by number and counted; the run goes on")
    func malformedPackets() {
        var writer = PcapFileWriter()
        let records = Scenarios.documentExample().records
        writer.append(seconds: 1, nanoseconds: 0, frame: records[0].frame)
        var broken = records[1].frame
        broken[14] = 0x43 // IHL 3
        writer.append(seconds: 1, nanoseconds: 1000, frame: broken)
        writer.append(seconds: 1, nanoseconds: 2000, frame: Array(records[2].frame.prefix(8)))
        writer.append(seconds: 1, nanoseconds: 3000, frame: records[2].frame)
        let path = Harness.temporaryFile("malformed.pcap", writer.bytes)
        let r = Harness.tcpwave(["-r", path])
        #expect(r.status == 0)
        #expect(r.stdout.split(separator: "\n").count == 2)
        #expect(r.stderr.contains("\(path): packet 2: ipv4: bad header length 12 (minimum 20)"), "\(r.stderr)")
        #expect(r.stderr.contains("\(path): packet 3: ethernet: truncated header (need 14 bytes, have 8)"), "\(r.stderr)")
        #expect(r.stderr.contains("4 packets read: 2 TCP, 0 other, 2 malformed"), "\(r.stderr)")
    }
}
