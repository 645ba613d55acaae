import PcapCraft
import Testing
import Wire

/// The tunnel walk (Encapsulation.swift): inner TCP found through each encapsulation, a
/// fingerprint that is the same both ways and differs between tunnels, bounded nesting.
private func segment(_ from: String, _ fromPort: UInt16, _ to: String, _ toPort: UInt16) -> CraftedSegment {
    CraftedSegment(source: Endpoint(address: IPAddress(from)!, port: fromPort),
                   destination: Endpoint(address: IPAddress(to)!, port: toPort),
                   sequence: 1000, acknowledgment: 2000, flags: [.ack], payload: Array("data".utf8))
}

private let request = FrameBuilder.ipBytes(segment("10.0.0.1", 40000, "10.0.0.2", 80))
private let reply = FrameBuilder.ipBytes(segment("10.0.0.2", 80, "10.0.0.1", 40000))

private func be16(_ v: UInt16) -> [UInt8] { [UInt8(v >> 8), UInt8(v & 0xff)] }
private func be32(_ v: UInt32) -> [UInt8] { be16(UInt16(v >> 16)) + be16(UInt16(v & 0xffff)) }

private func ipv4(_ src: UInt32, _ dst: UInt32, proto: UInt8, _ payload: [UInt8]) -> [UInt8] {
    [0x45, 0] + be16(UInt16(20 + payload.count)) + [0, 0, 0x40, 0, 64, proto, 0, 0] + be32(src) + be32(dst) + payload
}

private func ethernet(_ type: UInt16, _ payload: [UInt8]) -> [UInt8] {
    Array(repeating: 0x02, count: 12) + be16(type) + payload
}

private func vxlan(_ outward: Bool, vni: UInt32, _ inner: [UInt8]) -> [UInt8] {
    let body = [0x08, 0, 0, 0] + be32(vni << 8) + ethernet(0x0800, inner)
    let udp = be16(outward ? 50000 : 50001) + be16(4789) + be16(UInt16(8 + body.count)) + [0, 0] + body
    let (a, b): (UInt32, UInt32) = outward ? (0xc000_0201, 0xc000_0202) : (0xc000_0202, 0xc000_0201)
    return ethernet(0x0800, ipv4(a, b, proto: 17, udp))
}

private func gre(_ outward: Bool, key: UInt32, _ inner: [UInt8]) -> [UInt8] {
    let (a, b): (UInt32, UInt32) = outward ? (0xc000_0201, 0xc000_0202) : (0xc000_0202, 0xc000_0201)
    return ethernet(0x0800, ipv4(a, b, proto: 47, [0x20, 0, 0x08, 0x00] + be32(key) + inner))
}

private func mpls(_ labels: [UInt32], _ inner: [UInt8]) -> [UInt8] {
    var stack: [UInt8] = []
    for (i, label) in labels.enumerated() { stack += be32(label << 12 | (i == labels.count - 1 ? 0x100 : 0) | 64) }
    return ethernet(0x8847, stack + inner)
}

private func decode(_ frame: [UInt8]) -> DecodedFrame {
    let decoder = try! FrameDecoder(linkType: .ethernet)
    return frame.withUnsafeBytes { decoder.decode($0, wireLength: frame.count) }
}

private func tunnel(_ frame: [UInt8]) -> UInt64? {
    guard case .tcp(let view) = decode(frame) else { return nil }
    return view.tunnel
}

struct EncapsulationTests {
    @Test("the inner segment is found, and both directions of one tunnel share its fingerprint")
    func bothDirections() {
        let cases: [(String, [UInt8], [UInt8])] = [
            ("vxlan", vxlan(true, vni: 5001, request), vxlan(false, vni: 5001, reply)),
            ("gre key", gre(true, key: 7, request), gre(false, key: 7, reply)),
            ("mpls labels that differ by direction", mpls([16001, 300], request), mpls([17002, 401], reply)),
        ]
        for (name, out, back) in cases {
            guard case .tcp(let view) = decode(out) else { Issue.record("\(name): not TCP"); continue }
            #expect(view.source == Endpoint(address: IPAddress("10.0.0.1")!, port: 40000), "\(name)")
            #expect(view.payloadLength == 4, "\(name)")
            #expect(view.tunnel != 0, "\(name)")
            #expect(tunnel(back) == view.tunnel, "\(name)")
        }
    }

    @Test("another VNI, GRE key or outer address pair is another tunnel; plain TCP is in none")
    func differentTunnels() {
        #expect(tunnel(vxlan(true, vni: 5001, request)) != tunnel(vxlan(true, vni: 5002, request)))
        #expect(tunnel(gre(true, key: 100, request)) != tunnel(gre(true, key: 200, request)))
        #expect(tunnel(gre(true, key: 100, request)) != tunnel(vxlan(true, vni: 100, request)))
        #expect(tunnel(ethernet(0x0800, request)) == 0)
    }

    @Test("nesting past the limit is a decode error, not a crash")
    func nestingLimit() {
        var deep = request
        for _ in 0..<(Encapsulation.maximumDepth + 4) { deep = ipv4(0x0a00_0001, 0x0a00_0002, proto: 4, deep) }
        guard case .malformed(let error) = decode(ethernet(0x0800, deep)) else {
            Issue.record("not malformed")
            return
        }
        #expect(error == .encapsulationTooDeep(Encapsulation.maximumDepth))
        var shallow = request
        for _ in 0..<(Encapsulation.maximumDepth - 1) { shallow = ipv4(0x0a00_0001, 0x0a00_0002, proto: 4, shallow) }
        #expect(tunnel(ethernet(0x0800, shallow)) != nil)
    }

    @Test("every truncation of a tunnelled frame decodes to something, and its layers stay in the bytes")
    func truncations() {
        let decoder = try! FrameDecoder(linkType: .ethernet)
        for frame in [vxlan(true, vni: 1, request), gre(true, key: 1, request), mpls([1, 2, 3], request)] {
            for n in 0...frame.count {
                let cut = Array(frame.prefix(n))
                cut.withUnsafeBytes { p in
                    _ = decoder.decode(p, wireLength: frame.count)
                    for layer in decoder.encapsulationLayers(p, wireLength: frame.count) {
                        #expect(layer.offset >= 0 && layer.offset < n)
                    }
                }
            }
        }
    }
}
