import PcapCraft
import Testing
import Wire

/// The link decoders added for issue 15, on the crafted captures of each link type.
struct LinkTypeDecoderTests {
    static var captures: [CraftedCapture] { LinkTypeCaptures.all() }

    static func decode(_ frame: [UInt8], _ type: UInt32, wireLength: Int? = nil) -> DecodedFrame {
        let decoder = try! FrameDecoder(linkType: LinkType(rawValue: Int32(type)))
        return frame.withUnsafeBytes { decoder.decode($0, wireLength: wireLength ?? frame.count) }
    }

    @Test("each link type's conversation decodes to its eight TCP segments; the frames between are not TCP",
          arguments: LinkTypeCaptures.all().map(\.name))
    func conversationDecodes(_ name: String) {
        let capture = LinkTypeDecoderTests.captures.first { $0.name == name }!
        var ports: [UInt16] = []
        var others = 0
        for record in capture.records {
            switch LinkTypeDecoderTests.decode(record.frame, capture.linkType) {
            case .tcp(let view):
                #expect(view.hasValidHeaderLength)
                ports.append(view.tcp.sourcePort)
            case .other:
                others += 1
            case .truncatedTCP, .laterFragment, .malformed:
                Issue.record("\(name): a frame decoded as \(LinkTypeDecoderTests.decode(record.frame, capture.linkType))")
            }
        }
        #expect(ports == [51000, 80, 51000, 51000, 80, 51000, 80, 51000], "\(name)")
        #expect(others == capture.records.count - 8)
    }

    @Test("every prefix of every frame decodes without trapping; a cut link header is named, not guessed",
          arguments: LinkTypeCaptures.all().map(\.name))
    func prefixesNeverTrap(_ name: String) {
        let capture = LinkTypeDecoderTests.captures.first { $0.name == name }!
        for record in capture.records {
            for length in 0..<record.frame.count {
                let result = LinkTypeDecoderTests.decode(Array(record.frame.prefix(length)), capture.linkType,
                                                         wireLength: record.frame.count)
                if length < 3, case .tcp = result { Issue.record("\(name): \(length) bytes decoded as TCP") }
            }
        }
    }

    @Test("PPP headers: address and control, pppd's direction byte, a compressed protocol field")
    func pppHeaders() {
        let cases: [([UInt8], UInt16, Int, UInt8?)] = [
            ([0xff, 0x03, 0x00, 0x21, 0x45], 0x0021, 4, nil),
            ([0x01, 0x03, 0x00, 0x57, 0x60], 0x0057, 4, 1),
            ([0x00, 0x03, 0x00, 0x21, 0x45], 0x0021, 4, 0),
            ([0x21, 0x45, 0x00], 0x0021, 1, nil),
            ([0x02, 0x81, 0x00], 0x0281, 2, nil),
        ]
        for (bytes, proto, length, direction) in cases {
            let header = bytes.withUnsafeBytes { PPPProtocol.readHeader($0, at: 0) }
            #expect(header == PPPProtocol.Header(proto: proto, length: length, pppdDirection: direction), "\(bytes)")
        }
        #expect(([0xff, 0x03, 0x00] as [UInt8]).withUnsafeBytes { PPPProtocol.readHeader($0, at: 0) } == nil)
        #expect(PPPProtocol.etherType(0x0021) == 0x0800 && PPPProtocol.etherType(0x0057) == 0x86dd)
        #expect(PPPProtocol.etherType(0x0281) == 0x8847 && PPPProtocol.etherType(0xc021) == nil)
        #expect(PPPProtocol.name(0x0057) == "IP6" && PPPProtocol.name(0x0283) == "MPLS" && PPPProtocol.name(0x1234) == nil)
    }

    @Test("PPP's LCP and a protocol with no network layer are other frames, with their number")
    func pppControl() {
        guard case .other(.pppProtocol(0xc021)) = LinkTypeDecoderTests.decode([0xff, 0x03, 0xc0, 0x21, 9, 1, 0, 4], 9) else {
            Issue.record("LCP not recognised")
            return
        }
    }

    /// A radiotap header with TSFT, Flags (FCS, data pad) and an extension word that resets to the
    /// radiotap namespace and carries Flags again.
    @Test("radiotap: fields align against the header's start; Flags is read in every radiotap namespace")
    func radiotapWalk() {
        let header: [UInt8] = [0, 0, 28, 0, 0x03, 0x00, 0x00, 0xa0, 0x02, 0x00, 0x00, 0x00,
                               0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0x10, 0x20, 0, 0]
        header.withUnsafeBytes { p in
            #expect(Radiotap.headerLength(p, at: 0) == 28)
            var bits: [Int] = []
            var offsets: [Int] = []
            Radiotap.walk(p, at: 0, length: 28) { item in
                if case let .field(bit, at, _) = item { bits.append(bit); offsets.append(at) }
                return true
            }
            #expect(bits == [0, 1, 1])
            #expect(offsets == [16, 24, 25])
            // The last Flags field read wins, as in tcpdump.
            #expect(Radiotap.frameFlags(p, at: 0, length: 28) == 0x20)
        }
        // A length shorter than the fixed part, or longer than the frame.
        #expect(([0, 0, 4, 0, 0, 0, 0, 0] as [UInt8]).withUnsafeBytes { Radiotap.headerLength($0, at: 0) } == nil)
        #expect(([0, 0, 200, 0, 0, 0, 0, 0] as [UInt8]).withUnsafeBytes { Radiotap.headerLength($0, at: 0) } == nil)
        // A presence word whose extension bit points past the header stops the walk as truncated.
        let endless: [UInt8] = [0, 0, 12, 0, 0, 0, 0, 0x80, 0, 0, 0, 0x80]
        var truncated = false
        endless.withUnsafeBytes { p in
            Radiotap.walk(p, at: 0, length: 12) { item in
                if case .truncated = item { truncated = true }
                return true
            }
        }
        #expect(truncated)
    }

    @Test("802.11 frames that carry no datagram (control, null data, protected) are other frames")
    func ieee80211NonData() {
        let ack: [UInt8] = [0xd4, 0x00, 0x00, 0x00, 1, 2, 3, 4, 5, 6]
        let nullData: [UInt8] = [0x48, 0x01, 0, 0] + Array(repeating: 0, count: 20)
        let protected: [UInt8] = [0x08, 0x41, 0, 0] + Array(repeating: 0, count: 40)
        for frame in [ack, nullData, protected] {
            guard case .other(.linkControl) = LinkTypeDecoderTests.decode(frame, 105) else {
                Issue.record("\(frame.prefix(2)) decoded as \(LinkTypeDecoderTests.decode(frame, 105))")
                continue
            }
        }
    }

    @Test("PPI inside PPI is not followed; PPI with a short length is named")
    func ppiHostile() {
        let nested: [UInt8] = [0, 0, 8, 0, 192, 0, 0, 0] + [0, 0, 8, 0, 1, 0, 0, 0] + Array(repeating: 0, count: 20)
        guard case .other(.linkControl) = LinkTypeDecoderTests.decode(nested, 192) else {
            Issue.record("nested PPI followed")
            return
        }
        guard case .malformed(.badHeaderLength(layer: .ppi, length: 4, minimum: 8)) = LinkTypeDecoderTests.decode([0, 0, 4, 0, 105, 0, 0, 0], 192) else {
            Issue.record("short PPI length accepted")
            return
        }
    }

    @Test("Juniper's header: magic number, flags, extension length")
    func juniperHeader() {
        #expect(([0x4d, 0x47, 0x43, 0x00] as [UInt8]).withUnsafeBytes { FrameDecoder.juniperHeaderLength($0) } == 4)
        #expect(([0x4d, 0x47, 0x43, 0x80, 0x00, 0x03, 1, 1, 1] as [UInt8]).withUnsafeBytes { FrameDecoder.juniperHeaderLength($0) } == 9)
        #expect(([0x4d, 0x47, 0x43, 0x80, 0x00, 0x30, 1, 1, 1] as [UInt8]).withUnsafeBytes { FrameDecoder.juniperHeaderLength($0) } == nil)
        #expect(([0x4d, 0x47, 0x44, 0x00] as [UInt8]).withUnsafeBytes { FrameDecoder.juniperHeaderLength($0) } == nil)
    }
}
