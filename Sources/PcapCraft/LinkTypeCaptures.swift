import Wire

/// One short conversation (handshake, a request and a reply, a close) framed in each link type
/// beyond Ethernet that tcpwave decodes, with frames that carry no TCP in between (PPP's LCP,
/// 802.11 acknowledgments, ARCNET's ARP...). `tcpwave-craft linktypes DIRECTORY` writes them
/// (Fixtures/pcap/linktypes); every field a printer reads varies across the packets.
public enum LinkTypeCaptures {
    static func ep(_ a: String, _ p: UInt16) -> Endpoint { Endpoint(address: IPAddress(a)!, port: p) }

    /// The conversation every capture frames: handshake, request, reply, close.
    static func conversation(ipv6: Bool = false) -> [(seconds: UInt32, nanos: UInt32, segment: CraftedSegment)] {
        let client = ipv6 ? ep("2001:db8:1::10", 51000) : ep("10.9.0.10", 51000)
        let server = ipv6 ? ep("2001:db8:2::20", 80) : ep("10.9.0.20", 80)
        var c = Conversation(client: client, server: server, clientISN: 7_000_000, serverISN: 9_000_000,
                             start: (1_764_320_400, 0))
        c.send(.client, flags: .syn, options: Scenarios.synOptions)
        c.wait(micros: 310)
        c.send(.server, flags: [.syn, .ack], options: Scenarios.synAckOptions)
        c.wait(micros: 290)
        c.send(.client, flags: .ack)
        c.wait(micros: 900)
        c.send(.client, flags: [.psh, .ack], payload: Array("GET / HTTP/1.1\r\nHost: wave\r\n\r\n".utf8))
        c.wait(micros: 2_100)
        c.send(.server, flags: [.psh, .ack], payload: Array("HTTP/1.1 204 No Content\r\n\r\n".utf8))
        c.wait(micros: 400)
        c.send(.client, flags: [.fin, .ack])
        c.wait(micros: 350)
        c.send(.server, flags: [.fin, .ack])
        c.wait(micros: 300)
        c.send(.client, flags: .ack)
        return c.segments
    }

    /// Frames the conversation with `frame(segment, fromClient, index)`; `extra` frames with no
    /// TCP go in after the packets whose index they name.
    static func capture(_ name: String, _ summary: String, linkType: UInt32, ipv6: Bool = false,
                        extra: [Int: [UInt8]] = [:],
                        _ frame: (CraftedSegment, Bool, Int) -> [UInt8]) -> CraftedCapture {
        var capture = CraftedCapture(name: name, summary: summary, linkType: linkType)
        let segments = conversation(ipv6: ipv6)
        let client = segments[0].segment.source
        for (i, s) in segments.enumerated() {
            capture.records.append((s.seconds, s.nanos, frame(s.segment, s.segment.source == client, i)))
            if let other = extra[i] { capture.records.append((s.seconds, s.nanos + 50_000, other)) }
        }
        return capture
    }

    public static func all() -> [CraftedCapture] {
        [ppp(), pppHDLC(), ciscoHDLC(), ieee80211(), radiotap(), ppi(), arcnetLinux(), arcnetBSD(), juniperEther(), ipOverInfiniband()]
    }

    static let lcpEchoRequest: [UInt8] = [0xc0, 0x21, 0x09, 0x01, 0x00, 0x08, 0xde, 0xad, 0xbe, 0xef]

    /// DLT_PPP: address and control, or pppd's direction byte, or neither with a compressed
    /// protocol field.
    public static func ppp() -> CraftedCapture {
        capture("ppp", "PPP (DLT 9): full header, pppd's direction byte, a compressed protocol field; LCP between", linkType: 9,
                extra: [2: [0xff, 0x03] + lcpEchoRequest]) { s, fromClient, i in
            let ip = FrameBuilder.ipBytes(s)
            switch i % 3 {
            case 0: return [0xff, 0x03, 0x00, 0x21] + ip
            case 1: return [fromClient ? 0x01 : 0x00, 0x03, 0x00, 0x21] + ip
            default: return [0x21] + ip
            }
        }
    }

    /// DLT_PPP_SERIAL: RFC 1662's HDLC-like framing, IPv6.
    public static func pppHDLC() -> CraftedCapture {
        capture("ppp-hdlc", "PPP in HDLC-like framing (DLT 50) carrying IPv6; LCP between", linkType: 50, ipv6: true,
                extra: [3: [0xff, 0x03] + lcpEchoRequest]) { s, _, _ in
            [0xff, 0x03, 0x00, 0x57] + FrameBuilder.ipBytes(s)
        }
    }

    /// Cisco HDLC: unicast and broadcast addresses, an EtherType; SLARP between.
    public static func ciscoHDLC() -> CraftedCapture {
        let slarp: [UInt8] = [0x8f, 0x00, 0x80, 0x35, 0, 0, 0, 2] + Array(repeating: 0, count: 10)
        return capture("cisco-hdlc", "Cisco HDLC (DLT 104), unicast and broadcast; a SLARP keepalive between", linkType: 104,
                       extra: [1: slarp]) { s, _, i in
            [i == 4 ? 0x8f : 0x0f, 0x00, 0x08, 0x00] + FrameBuilder.ipBytes(s)
        }
    }

    static let station: [UInt8] = [0x02, 0x11, 0x22, 0x33, 0x44, 0x55]
    static let accessPoint: [UInt8] = [0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee]
    static let router: [UInt8] = [0x02, 0x99, 0x88, 0x77, 0x66, 0x55]

    /// An 802.11 data frame with LLC/SNAP: to the access point from the client, from it to the
    /// client; QoS data for the server's frames, the retry and more-data bits on some.
    static func dataFrame(_ s: CraftedSegment, fromClient: Bool, index: Int, qos: Bool, pad: Bool = false) -> [UInt8] {
        let subtype: UInt8 = qos ? 0x88 : 0x08
        var flags: UInt8 = fromClient ? 0x01 : 0x02
        if index == 3 { flags |= 0x08 } // retry
        if index == 4 { flags |= 0x20 } // more data
        var frame: [UInt8] = [subtype, flags, 0x2c, 0x00]
        frame += fromClient ? accessPoint + station + router : station + accessPoint + router
        frame += [UInt8(index << 4), 0x00]
        if qos { frame += [0x00, 0x00] }
        if pad { frame += [0x00, 0x00] }
        return frame + [0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00, 0x08, 0x00] + FrameBuilder.ipBytes(s)
    }

    static let acknowledgment: [UInt8] = [0xd4, 0x00, 0x00, 0x00] + station

    public static func ieee80211() -> CraftedCapture {
        capture("ieee80211", "802.11 data frames with LLC/SNAP (DLT 105), plain and QoS; acknowledgments between", linkType: 105,
                extra: [0: acknowledgment, 4: acknowledgment]) { s, fromClient, i in
            dataFrame(s, fromClient: fromClient, index: i, qos: !fromClient)
        }
    }

    static func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xff), UInt8(v >> 8)] }
    static func le32(_ v: UInt32) -> [UInt8] { [UInt8(v & 0xff), UInt8(v >> 8 & 0xff), UInt8(v >> 16 & 0xff), UInt8(v >> 24)] }

    /// Radiotap headers of two shapes: the client's with TSFT, flags (FCS), rate, channel, signal,
    /// noise and antenna; the server's with flags (FCS and data padding), an extended channel,
    /// signal and MCS, in a second presence word after a namespace reset.
    public static func radiotap() -> CraftedCapture {
        capture("radiotap", "802.11 with radiotap (DLT 127): two header shapes, FCS, Atheros padding, MCS", linkType: 127,
                extra: [1: [0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00] + acknowledgment]) { s, fromClient, i in
            if fromClient {
                // TSFT(0) FLAGS(1) RATE(2) CHANNEL(3) DBM_ANTSIGNAL(5) DBM_ANTNOISE(6) ANTENNA(11)
                var fields: [UInt8] = []
                fields += le32(600_000 + UInt32(i) * 1_000) + le32(0)
                fields += [0x10 | (i == 3 ? 0x02 : 0), i == 0 ? 0x02 : 0x6c] // FCS (+ short preamble); 1 or 54 Mb/s
                fields += le16(i == 0 ? 2412 : 5180) + le16(i == 0 ? 0x00a0 : 0x0140)
                fields += [UInt8(bitPattern: Int8(-40 - i)), UInt8(bitPattern: Int8(-95)), 1]
                let header: [UInt8] = [0, 0] + le16(UInt16(8 + fields.count)) + le32(0x0000086f)
                var frame = header + fields + dataFrame(s, fromClient: true, index: i, qos: false)
                frame += [0xde, 0xad, 0xbe, 0xef]
                return frame
            }
            // Word 1: FLAGS(1) DBM_ANTSIGNAL(5) XCHANNEL(18) MCS(19) + radiotap namespace + extension;
            // word 2: ANTENNA(11).
            let first: UInt32 = (1 << 1) | (1 << 5) | (1 << 18) | (1 << 19) | (1 << 29) | (1 << 31)
            let second: UInt32 = 1 << 11
            var fields: [UInt8] = [0x30, UInt8(bitPattern: Int8(-52)), 0, 0] // FCS + data pad; signal; align to 4
            fields += le32(0x0002_0140) + le16(5200) + [40, 20] // xchannel: 5 GHz OFDM, ht/40+
            fields += [0x07, 0x05, UInt8(i % 16)] // MCS known bandwidth, index, GI; 40 MHz; short GI
            fields += [2]
            let header: [UInt8] = [0, 0] + le16(UInt16(12 + fields.count)) + le32(first) + le32(second)
            return header + fields + dataFrame(s, fromClient: false, index: i, qos: true, pad: true) + [0xca, 0xfe, 0xba, 0xbe]
        }
    }

    /// PPI with an 802.11-Common field, then an 802.11 frame.
    public static func ppi() -> CraftedCapture {
        capture("ppi", "PPI (DLT 192) with an 802.11-Common field before 802.11 data frames", linkType: 192,
                extra: [2: [0, 0] + le16(8) + le32(105) + acknowledgment]) { s, fromClient, i in
            var common: [UInt8] = le16(2) + le16(20)
            common += le32(0) + le32(UInt32(i)) + le16(0) + le16(108) + le16(2437) + le16(0x00c0) + [0, 0, UInt8(bitPattern: Int8(-60)), UInt8(bitPattern: Int8(-90))]
            let header: [UInt8] = [0, 0] + le16(UInt16(8 + common.count)) + le32(105)
            return header + common + dataFrame(s, fromClient: fromClient, index: i, qos: i % 2 == 0)
        }
    }

    static let arcnetARP: [UInt8] = [0x00, 0x01, 0x00, 0x06, 0x04, 0x01, 0x0a, 0x09, 0x00, 0x0a, 0x00, 0x0a, 0x09, 0x00, 0x14]

    /// Linux ARCNET: RFC 1201 frames from the client, RFC 1051 frames from the server.
    public static func arcnetLinux() -> CraftedCapture {
        capture("arcnet-linux", "Linux ARCNET (DLT 129): RFC 1201 and RFC 1051 headers; ARP between", linkType: 129,
                extra: [0: [0x0a, 0x00, 0x00, 0x00, 0xd5, 0x00, 0x00, 0x01] + arcnetARP]) { s, fromClient, i in
            let ip = FrameBuilder.ipBytes(s)
            if fromClient { return [0x0a, 0x14, 0x01, UInt8(i), 0xd4, 0x00, 0x00, UInt8(i)] + ip }
            return [0x14, 0x0a, 0x00, UInt8(0xf0 &+ UInt8(i)), 0xf0] + ip
        }
    }

    /// BSD ARCNET: RFC 1201 frames, one an exception frame; RFC 1051 frames; a later fragment.
    public static func arcnetBSD() -> CraftedCapture {
        capture("arcnet-bsd", "BSD ARCNET (DLT 7): RFC 1201 frames, an exception frame, RFC 1051; a later fragment between", linkType: 7,
                extra: [3: [0x0a, 0x14, 0xd4, 0x02, 0x00, 0x07] + Array(repeating: 0x55, count: 40)]) { s, fromClient, i in
            let ip = FrameBuilder.ipBytes(s)
            if fromClient && i == 3 { return [0x0a, 0x14, 0xd4, 0xff, 0xff, 0xff, 0xd4, 0x00, 0x00, UInt8(i)] + ip }
            if fromClient { return [0x0a, 0x14, 0xd4, 0x00, 0x00, UInt8(i)] + ip }
            return [0x14, 0x0a, 0xf0] + ip
        }
    }

    /// Juniper's header with extension TLVs (or none), in and out, then Ethernet.
    public static func juniperEther() -> CraftedCapture {
        capture("juniper-ether", "Juniper Ethernet (DLT 178): the MGC header with and without extensions, both directions", linkType: 178) { s, fromClient, i in
            let direction: UInt8 = fromClient ? 0x01 : 0x00
            var header: [UInt8] = [0x4d, 0x47, 0x43]
            if i % 2 == 0 {
                let tlvs: [UInt8] = [0x03, 0x01, 0x01, 0x01, 0x02, 0x00, 0x8c]
                header += [0x80 | direction] + be16(UInt16(tlvs.count)) + tlvs
            } else {
                header += [direction]
            }
            return header + FrameBuilder.ethernetFrame(s)
        }
    }

    /// IPoIB: the 40-byte pseudo-header of addresses, then RFC 4391's type and reserved fields.
    public static func ipOverInfiniband() -> CraftedCapture {
        capture("ipoib", "IP over InfiniBand (DLT 242) with the 44-byte header", linkType: 242, ipv6: true) { s, fromClient, _ in
            var address: [UInt8] = [0x00, 0xff, 0xff, 0xff] + Array(repeating: 0, count: 12)
            address[15] = fromClient ? 0x10 : 0x20
            let pseudo = address + Array(repeating: 0, count: 4) + address + Array(repeating: 0, count: 4)
            return pseudo + [0x86, 0xdd, 0x00, 0x00] + FrameBuilder.ipBytes(s)
        }
    }
}
