import PcapCraft
import Testing
import Wire

private let v4 = CraftedSegment(source: Endpoint(address: IPAddress("192.0.2.1")!, port: 40000),
                                destination: Endpoint(address: IPAddress("198.51.100.7")!, port: 443),
                                sequence: 1000, acknowledgment: 2000, flags: [.ack, .psh],
                                options: [.nop, .nop, .timestamp(1, 2)], payload: Array("hello".utf8))
private let v6 = CraftedSegment(source: Endpoint(address: IPAddress("2001:db8::1")!, port: 40000),
                                destination: Endpoint(address: IPAddress("2001:db8::2")!, port: 443),
                                sequence: 1000, acknowledgment: 0, flags: .syn, options: [.mss(1440)])

private func ethernet(_ ip: [UInt8], types: [UInt16]) -> [UInt8] {
    var frame: [UInt8] = Array(repeating: 0xaa, count: 12)
    for (i, t) in types.enumerated() {
        frame += [UInt8(t >> 8), UInt8(t & 0xff)]
        if i < types.count - 1 { frame += [0x00, 0x64] } // VLAN TCI 100
    }
    return frame + ip
}

/// A frame of a given link type around an IP datagram, and what the decoder must find.
struct LinkCase: Sendable, CustomStringConvertible {
    var name: String
    var linkType: LinkType
    var frame: [UInt8]
    var ipv6: Bool
    var description: String { name }
}

private let ip4 = FrameBuilder.ipBytes(v4)
private let ip6 = FrameBuilder.ipBytes(v6)

let linkCases: [LinkCase] = [
    LinkCase(name: "Ethernet II", linkType: .ethernet, frame: ethernet(ip4, types: [0x0800]), ipv6: false),
    LinkCase(name: "Ethernet IPv6", linkType: .ethernet, frame: ethernet(ip6, types: [0x86dd]), ipv6: true),
    LinkCase(name: "802.1Q", linkType: .ethernet, frame: ethernet(ip4, types: [0x8100, 0x0800]), ipv6: false),
    LinkCase(name: "802.1ad QinQ", linkType: .ethernet, frame: ethernet(ip6, types: [0x88a8, 0x8100, 0x86dd]), ipv6: true),
    LinkCase(name: "Linux cooked v1", linkType: .linuxSLL,
             frame: [0, 0, 0, 1, 0, 6] + Array(repeating: 0, count: 8) + [0x08, 0x00] + ip4, ipv6: false),
    LinkCase(name: "Linux cooked v2", linkType: .linuxSLL2,
             frame: [0x86, 0xdd, 0, 0, 0, 0, 0, 1, 0, 1, 0, 6] + Array(repeating: 0, count: 8) + ip6, ipv6: true),
    LinkCase(name: "BSD loopback, little-endian family", linkType: .null, frame: [2, 0, 0, 0] + ip4, ipv6: false),
    LinkCase(name: "BSD loopback, big-endian family", linkType: .null, frame: [0, 0, 0, 30] + ip6, ipv6: true),
    LinkCase(name: "OpenBSD loopback", linkType: .loop, frame: [0, 0, 0, 2] + ip4, ipv6: false),
    LinkCase(name: "raw IP (v4)", linkType: .raw, frame: ip4, ipv6: false),
    LinkCase(name: "raw IP (v6)", linkType: .raw, frame: ip6, ipv6: true),
    LinkCase(name: "IPV4", linkType: .ipv4, frame: ip4, ipv6: false),
    LinkCase(name: "IPV6", linkType: .ipv6, frame: ip6, ipv6: true),
]

@Test("every supported link type decodes to the same TCP segment", arguments: linkCases)
func decodesLinkType(_ c: LinkCase) throws {
    let decoder = try FrameDecoder(linkType: c.linkType)
    c.frame.withUnsafeBytes { bytes in
        guard case .tcp(let view) = decoder.decode(bytes, wireLength: bytes.count) else {
            Issue.record("\(c.name): not decoded as TCP")
            return
        }
        let want = c.ipv6 ? v6 : v4
        #expect(view.source == want.source)
        #expect(view.destination == want.destination)
        #expect(view.tcp.sequence == want.sequence)
        #expect(view.tcp.flags == want.flags)
        #expect(view.payloadLength == want.payload.count)
        #expect(view.hasValidHeaderLength)
        let options = TCPOptionSummary(bytes, tcp: view.tcp)
        if c.ipv6 { #expect(options.mss == 1440) } else { #expect(options.timestampValue == 1) }
    }
}

@Test("an undecoded link type is refused with its name and the supported list")
func unsupportedLinkType() {
    // IEEE 802.15.4 with FCS: nothing tcpwave decodes.
    #expect(throws: DecodeError.unsupportedLinkType(LinkType(rawValue: 195))) {
        try FrameDecoder(linkType: LinkType(rawValue: 195))
    }
    let message = DecodeError.unsupportedLinkType(LinkType(rawValue: 195)).description
    #expect(message.contains("195") && message.contains("EN10MB") && message.contains("LINUX_SLL2") && message.contains("IEEE802_11_RADIO"))
}

/// Broken frames and the error each must give; none may crash.
let brokenFrames: [(String, LinkType, [UInt8], String)] = [
    ("ethernet shorter than its header", .ethernet, [1, 2, 3], "ethernet: truncated header (need 14 bytes, have 3)"),
    ("vlan tag cut off", .ethernet, Array(repeating: 0, count: 12) + [0x81, 0x00, 0], "vlan: truncated header (need 4 bytes, have 1)"),
    ("ipv4 header cut off", .raw, Array(ip4.prefix(12)), "ipv4: truncated header (need 20 bytes, have 12)"),
    ("ipv4 IHL below 5", .raw, [0x44] + Array(ip4.dropFirst()), "ipv4: bad header length 16 (minimum 20)"),
    // tcpdump prints `IP bad-len 10`: a line, not an error.
    ("ipv4 total length shorter than header", .raw, [0x45, 0, 0, 10] + Array(ip4.dropFirst(4)), "truncatedTCP"),
    ("ipv6 header cut off (raw link)", .raw, Array(ip6.prefix(30)), "ipv6: truncated header (need 40 bytes, have 30)"),
    ("ipv6 header cut off (IPV6 link)", .ipv6, Array(ip6.prefix(30)), "ipv6: truncated header (need 40 bytes, have 30)"),
    ("version nibble neither 4 nor 6", .raw, [0x55] + Array(ip4.dropFirst()), "ipv4: bad version 5"),
]

@Test("broken frames give an error that names the layer and the numbers", arguments: brokenFrames.indices)
func brokenFrame(_ index: Int) throws {
    let (name, link, frame, message) = brokenFrames[index]
    let decoder = try FrameDecoder(linkType: link)
    frame.withUnsafeBytes { bytes in
        let result = decoder.decode(bytes, wireLength: bytes.count)
        switch result {
        case .malformed(let e): #expect(e.description == message, "\(name)")
        case .truncatedTCP: #expect(message == "truncatedTCP", "\(name)")
        default: Issue.record("\(name): decoded as \(result)")
        }
    }
}

@Test("a TCP header cut by the snapshot length is truncated TCP, not a segment")
func truncatedTCP() throws {
    let frame = ethernet(ip4, types: [0x0800])
    let decoder = try FrameDecoder(linkType: .ethernet)
    Array(frame.prefix(14 + 20 + 10)).withUnsafeBytes { bytes in
        guard case .truncatedTCP = decoder.decode(bytes, wireLength: frame.count) else {
            Issue.record("not truncated TCP")
            return
        }
    }
}

@Test("only an IPv4 first fragment carries TCP")
func fragments() throws {
    var later = ip4
    later[6] = 0x00; later[7] = 0x10 // offset 128 bytes
    let decoder = try FrameDecoder(linkType: .raw)
    later.withUnsafeBytes { bytes in
        guard case .laterFragment(let f) = decoder.decode(bytes, wireLength: bytes.count), f.dataOffset == 20 else {
            Issue.record("later fragment decoded as TCP")
            return
        }
    }
}

@Test("IPv6 extension headers are walked to TCP; a looping or overrunning chain is refused")
func ipv6Extensions() throws {
    let decoder = try FrameDecoder(linkType: .ipv6)
    // Hop-by-hop (8 bytes of PadN) then destination options, then TCP.
    var withExtensions = ip6
    let tcp = Array(ip6.dropFirst(40))
    withExtensions = Array(ip6.prefix(40)) + [60, 0, 1, 4, 0, 0, 0, 0] + [6, 0, 1, 4, 0, 0, 0, 0] + tcp
    withExtensions[6] = 0
    let plen = withExtensions.count - 40
    withExtensions[4] = UInt8(plen >> 8); withExtensions[5] = UInt8(plen & 0xff)
    withExtensions.withUnsafeBytes { bytes in
        guard case .tcp(let view) = decoder.decode(bytes, wireLength: bytes.count),
              case .ipv6(let h) = view.network else {
            Issue.record("extension headers not walked")
            return
        }
        #expect(h.extensionCount == 2)
        #expect(view.tcp.sequence == 1000)
    }
    // Hop-by-hop claiming 2048 bytes overruns the payload.
    var overrun = withExtensions
    overrun[41] = 255
    overrun.withUnsafeBytes { bytes in
        guard case .malformed(.extensionChain) = decoder.decode(bytes, wireLength: bytes.count) else {
            Issue.record("overrunning chain accepted")
            return
        }
    }
    // Twenty destination-options headers in a row exceed the limit.
    var chain = Array(ip6.prefix(40))
    chain[6] = 60
    for i in 0..<20 { chain += [i == 19 ? 6 : 60, 0, 1, 4, 0, 0, 0, 0] }
    chain += tcp
    let chainLength = chain.count - 40
    chain[4] = UInt8(chainLength >> 8); chain[5] = UInt8(chainLength & 0xff)
    chain.withUnsafeBytes { bytes in
        guard case .malformed(.extensionChain) = decoder.decode(bytes, wireLength: bytes.count) else {
            Issue.record("long chain accepted")
            return
        }
    }
}

@Test("random bytes never crash the decoder, on any link type")
func randomBytes() throws {
    var rng = SystemRandomNumberGenerator()
    for link in LinkType.supported {
        let decoder = try FrameDecoder(linkType: link)
        for _ in 0..<3000 {
            let length = Int.random(in: 0..<120, using: &rng)
            var frame = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            // Bias towards plausible headers so the deeper layers get exercised.
            if link == .raw, !frame.isEmpty { frame[0] = Bool.random() ? 0x45 : 0x60 }
            frame.withUnsafeBytes { bytes in
                if case .tcp(let view) = decoder.decode(bytes, wireLength: bytes.count) {
                    _ = TCPOptionSummary(bytes, tcp: view.tcp)
                }
            }
        }
    }
}

@Test("IPv6 text parses and IPv4 ordering is byte order")
func addresses() {
    #expect(IPAddress("::1") == IPAddress(ipv6High: 0, low: 1))
    #expect(IPAddress("2001:db8::1")!.high == 0x2001_0db8_0000_0000)
    #expect(IPAddress("1:2:3:4:5:6:7:8")!.low == 0x0005_0006_0007_0008)
    #expect(IPAddress("1::2::3") == nil)
    #expect(IPAddress("300.1.1.1") == nil)
    #expect(IPAddress("10.0.0.2")! < IPAddress("10.0.1.1")!)
}
