import PcapCraft
import Testing
@testable import Wire

/// `FrameDecoder.decode` takes plain Ethernet/IPv4 TCP by a short path and everything else by
/// `decodeFrame`; the two must agree on every frame, whichever path a frame takes.
@Suite struct FrameDecoderFastPathTests {
    static let segment = CraftedSegment(source: Endpoint(address: IPAddress("192.0.2.1")!, port: 40000),
                                        destination: Endpoint(address: IPAddress("198.51.100.7")!, port: 443),
                                        sequence: 1000, acknowledgment: 2000, flags: [.ack, .psh],
                                        options: [.nop, .nop, .timestamp(1, 2)], payload: Array("hello".utf8))

    static func agree(_ frame: [UInt8], wireLength: Int) -> Bool {
        let decoder = try! FrameDecoder(linkType: .ethernet)
        return frame.withUnsafeBytes { p in
            String(describing: decoder.decode(p, wireLength: wireLength))
                == String(describing: decoder.decodeFrame(p, wireLength: wireLength))
        }
    }

    @Test func plainFrameTakesTheFastPath() {
        let frame = FrameBuilder.ethernetFrame(Self.segment)
        let view = frame.withUnsafeBytes { FrameDecoder.plainEthernetIPv4TCP($0, wireLength: frame.count) }
        #expect(view != nil)
        #expect(Self.agree(frame, wireLength: frame.count))
    }

    /// Every header byte set to values that change the path (version, header length, protocol,
    /// fragment bits, total length, data offset, EtherType), every truncation, and frames
    /// shorter or longer on the wire than captured.
    @Test func bothPathsAgreeOnAlteredFrames() {
        let frame = FrameBuilder.ethernetFrame(Self.segment)
        var disagreements: [String] = []
        for at in 12..<Swift.min(frame.count, 14 + 20 + 20) {
            for value: UInt8 in [0x00, 0x01, 0x06, 0x20, 0x3f, 0x45, 0x46, 0x4f, 0x50, 0x60, 0x80, 0x86, 0xdd, 0xff, frame[at] ^ 0x10] {
                var altered = frame
                altered[at] = value
                for wire in [altered.count, altered.count + 100, altered.count - 10] where !Self.agree(altered, wireLength: wire) {
                    disagreements.append("byte \(at) = \(value), wire length \(wire)")
                }
            }
        }
        for length in 0..<frame.count where !Self.agree(Array(frame[..<length]), wireLength: frame.count) {
            disagreements.append("cut to \(length) bytes")
        }
        #expect(disagreements.isEmpty, "\(disagreements)")
    }
}
