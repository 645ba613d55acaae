import Render
import Wire

/// One frame on one link type: the first byte picks the link type (and, in its high bits, `-e`
/// and `-q`), the rest is the frame. Decoding, the option summary and the tcpdump line (link
/// header text included) must never trap, tunnels too (Fixtures/pcap/tunnels seeds them) with
/// the tunnel's description.
@_cdecl("LLVMFuzzerTestOneInput")
public func LLVMFuzzerTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    let types = LinkType.supported
    let link = types[Int(data[0]) % types.count]
    let frame = UnsafeRawBufferPointer(start: data + 1, count: size - 1)
    guard let decoder = try? FrameDecoder(linkType: link) else { return 0 }
    var style = TcpdumpStyle()
    style.verbosity = Int(data[0] >> 4) % 3
    style.linkHeaders = data[0] & 0x40 != 0
    style.quick = data[0] & 0x80 != 0
    var printer = TcpdumpPrinter(style: style, linkType: link)
    var out = OutputBuffer.memory()
    let wireLength = Int(data[0]) & 1 == 0 ? frame.count : frame.count + 100
    switch decoder.decode(frame, wireLength: wireLength) {
    case .tcp(let view):
        _ = TCPOptionSummary(frame, tcp: view.tcp)
        printer.writeTCP(view, frame, wireLength: wireLength, into: &out)
        // A tunnelled segment's outer headers are walked again for its connection's name.
        if view.tunnel != 0 { _ = TunnelText.describe(frame, decoder: decoder, wireLength: wireLength) }
    case let .truncatedTCP(network, offset, length):
        printer.writeTruncatedTCP(network: network, transportOffset: offset, transportLength: length, frame,
                                  wireLength: wireLength, into: &out)
    case .laterFragment(let fragment):
        printer.writeLaterFragment(fragment, frame, into: &out)
        var reassembler = FragmentReassembler()
        var datagram: [UInt8] = []
        _ = reassembler.add(fragment.network, dataOffset: fragment.dataOffset, dataLength: fragment.dataLength, frame,
                            time: 0, datagram: &datagram)
    case .other, .malformed:
        break
    }
    return 0
}
