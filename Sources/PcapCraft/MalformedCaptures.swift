import Wire

/// Damaged and hostile captures, each showing one way input goes wrong. The test suite keeps a
/// golden output (standard output, standard error and exit status) for each.
public enum MalformedCaptures {
    static let client = Endpoint(address: IPAddress("192.0.2.10")!, port: 40000)
    static let server = Endpoint(address: IPAddress("198.51.100.20")!, port: 80)

    static func segment(_ flags: TCPFlags, seq: UInt32 = 1000, ack: UInt32 = 0, options: [CraftedOption] = [],
                        payload: [UInt8] = []) -> CraftedSegment {
        CraftedSegment(source: client, destination: server, sequence: seq, acknowledgment: ack, flags: flags,
                       options: options, payload: payload)
    }

    static func frame(_ s: CraftedSegment) -> [UInt8] { FrameBuilder.ethernetFrame(s) }

    /// A valid first packet, so every file shows that what precedes the damage is printed.
    static var good: [UInt8] { frame(segment(.syn, options: [.mss(1460)])) }

    static func file(_ frames: [[UInt8]], linkType: UInt32 = 1, snapshot: UInt32 = 262_144) -> [UInt8] {
        var w = PcapFileWriter(linkType: linkType, snapshotLength: snapshot)
        for (i, f) in frames.enumerated() { w.append(seconds: 1_764_320_400, nanoseconds: UInt32(i) * 1000, frame: f) }
        return w.bytes
    }

    /// Sets a 16-bit big-endian field in a frame.
    static func set16(_ f: inout [UInt8], _ at: Int, _ v: UInt16) { f[at] = UInt8(v >> 8); f[at + 1] = UInt8(v & 0xff) }

    /// Ethernet + IPv4: the TCP header starts at 34.
    static let tcpAt = 34

    public static func all() -> [(name: String, bytes: [UInt8])] {
        var out: [(String, [UInt8])] = []
        let whole = file([good, frame(segment([.syn, .ack], seq: 5000, ack: 1001))])

        out.append(("truncated-file-header", Array(whole.prefix(10))))
        var badMagic = whole
        badMagic[0] = 0x42; badMagic[1] = 0x41; badMagic[2] = 0x44; badMagic[3] = 0x21
        out.append(("bad-magic", badMagic))
        out.append(("record-cut-short", Array(whole.dropLast(9))))

        // A record claiming more bytes than the snapshot length and the file hold.
        var oversized = file([good], snapshot: 96)
        oversized += [0x10, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x10, 0, 0, 0x00, 0x10, 0, 0] + Array(repeating: 0, count: 40)
        out.append(("caplen-beyond-snaplen", oversized))

        var zero = file([good])
        zero += [0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 60, 0, 0, 0]
        zero += file([good]).dropFirst(24)
        out.append(("caplen-zero", zero))

        out.append(("unsupported-link-type", file([[0x41, 0x88, 0, 0] + good], linkType: 195)))

        var ihl = good
        ihl[14] = 0x43
        out.append(("ipv4-ihl-below-5", file([good, ihl, good])))
        var shortTotal = good
        set16(&shortTotal, 16, 12)
        out.append(("ipv4-total-length-short", file([good, shortTotal])))
        var longTotal = good
        set16(&longTotal, 16, 1400)
        out.append(("ipv4-total-length-long", file([good, longTotal])))

        let v6seg = CraftedSegment(source: Endpoint(address: IPAddress("2001:db8::10")!, port: 40000),
                                   destination: Endpoint(address: IPAddress("2001:db8::20")!, port: 80),
                                   sequence: 7, acknowledgment: 0, flags: .syn)
        var v6long = frame(v6seg)
        set16(&v6long, 18, 900)
        var v6short = frame(v6seg)
        set16(&v6short, 18, 8)
        out.append(("ipv6-payload-length-lies", file([frame(v6seg), v6long, v6short])))

        // Destination-options headers pointing at each other until the limit; then one that overruns.
        let v6ip = FrameBuilder.ipBytes(v6seg)
        var looping = Array(v6ip.prefix(40))
        looping[6] = 60
        for _ in 0..<40 { looping += [60, 0, 1, 4, 0, 0, 0, 0] }
        set16(&looping, 4, UInt16(looping.count - 40))
        var overrun = Array(v6ip.prefix(40)) + [6, 200, 1, 4, 0, 0, 0, 0] + Array(v6ip.dropFirst(40))
        overrun[6] = 0
        set16(&overrun, 4, UInt16(overrun.count - 40))
        let eth6: [UInt8] = [2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x86, 0xdd]
        out.append(("ipv6-extension-chain-loops-or-overruns", file([frame(v6seg), eth6 + looping, eth6 + overrun])))

        var smallOffset = good
        smallOffset[tcpAt + 12] = 0x30
        var bigOffset = good
        bigOffset[tcpAt + 12] = 0xf0
        var cut = good
        cut = Array(cut.prefix(tcpAt + 12))
        out.append(("tcp-data-offset-bad", file([good, smallOffset, bigOffset, cut])))

        let zeroLength = frame(segment(.syn, options: [.nop, .raw(kind: 99, data: [], rawLength: 0), .nop, .nop]))
        let oneLength = frame(segment(.syn, options: [.raw(kind: 8, data: [], rawLength: 1), .nop, .nop]))
        let overrunning = frame(segment(.syn, options: [.nop, .nop, .raw(kind: 8, data: [1, 2, 3, 4, 5, 6, 7, 8], rawLength: 40)]))
        let partialSack = frame(segment(.ack, seq: 1001, ack: 5001, options: [.nop, .nop, .raw(kind: 5, data: [0, 0, 0x13, 0x89, 0, 0, 0x13, 0x99, 0, 0, 0x14])]))
        out.append(("tcp-options-malformed", file([good, zeroLength, oneLength, overrunning, partialSack])))

        let flags: [TCPFlags] = [[.syn, .fin], [.syn, .rst], [.fin, .rst], [], [.fin, .syn, .rst, .psh, .ack, .urg, .ece, .cwr], [.fin], [.fin, .psh, .urg]]
        out.append(("flag-combinations", file(flags.enumerated().map { frame(segment($0.element, seq: 1000 + UInt32($0.offset))) })))

        var wrap = Conversation(client: client, server: server, clientISN: 0xffff_fffe, serverISN: 0xffff_ffff, start: (1_764_320_400, 0))
        wrap.send(.client, flags: .syn)
        wrap.send(.server, flags: [.syn, .ack])
        wrap.send(.client, flags: .ack)
        wrap.send(.client, flags: [.psh, .ack], payload: Array(repeating: 0x61, count: 10))
        wrap.send(.server, flags: [.psh, .ack], payload: Array(repeating: 0x62, count: 10))
        wrap.send(.client, flags: [.fin, .ack])
        wrap.send(.server, flags: [.fin, .ack])
        wrap.send(.client, flags: .ack)
        out.append(("sequence-wrap-2-32", file(wrap.segments.map { FrameBuilder.ethernetFrame($0.segment) })))
        return out
    }
}
