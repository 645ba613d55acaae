import Wire

/// SYN floods the detector once missed, as crafted captures (Fixtures/floods, written by
/// `tcpwave-craft floods`): kept apart from the fixtures every golden test prints, since the
/// first one needs more server endpoints than the detector follows at once (1,024).
extension Scenarios {
    public static func floods() -> [CraftedCapture] {
        [floodAfterQuietServers(), shortFloodAtEnd()]
    }

    /// One spoofed SYN each, never answered, from 1,100 sources to 1,100 server endpoints
    /// (10.40.0.0/16, port 80) over 1.1 s, more than the detector follows at once; then 150
    /// spoofed SYNs within 1.5 s to 10.9.0.5:80, a third answered with SYN-ACK, none completed;
    /// and a healthy connection at 8 s, after the window's judgement. The flood must be reported
    /// however many quiet servers came before it.
    public static func floodAfterQuietServers() -> CraftedCapture {
        var dice = Dice(state: 0xf100d_a5)
        var conversations: [Conversation] = []
        for i in 0..<1_100 {
            let server = Endpoint(address: IPAddress(ipv4: 0x0A28_0000 | UInt32(i + 1)), port: 80) // 10.40.x.y
            let source = Endpoint(address: IPAddress(ipv4: 0xC612_0000 | UInt32(i + 1)), port: UInt16(20_000 + i)) // 198.18.x.y
            var c = conversation(source, server, at: UInt64(i) * 1_000, clientISN: dice.next(UInt32.max), serverISN: 0)
            c.send(.client, flags: .syn, options: [.mss(1460)])
            conversations.append(c)
        }
        let target = ep("10.9.0.5", 80)
        for i in 0..<150 {
            let source = Endpoint(address: IPAddress(ipv4: 0xC613_0000 | dice.next(0x1_0000)), port: UInt16(1024 + dice.next(60_000)))
            var c = conversation(source, target, at: 1_200_000 + UInt64(i) * 10_000, clientISN: dice.next(UInt32.max), serverISN: dice.next(UInt32.max))
            c.send(.client, flags: .syn, options: [.mss(1460)])
            if i % 3 == 0 {
                c.wait(micros: 80)
                c.send(.server, flags: [.syn, .ack], options: synAckOptions)
            }
            conversations.append(c)
        }
        conversations.append(healthy(ep("192.0.2.20", 50_000), ep("10.9.0.7", 80), at: 8_000_000, isn: 4_000))
        return merged("flood-after-quiet-servers", "1,100 server endpoints with one unanswered SYN each, then 150 half-open connections to 10.9.0.5:80 within 1.5 s", conversations)
    }

    /// Healthy connections for 3 s, then 300 spoofed SYNs to 10.9.0.6:443 within 0.3 s, and
    /// the capture ends with the last of them: a flood shorter than the grace period (1 s) at
    /// the very end of the input, which must still be reported.
    public static func shortFloodAtEnd() -> CraftedCapture {
        var dice = Dice(state: 0x5407_f100d)
        var conversations: [Conversation] = []
        for n in 0..<4 {
            conversations.append(healthy(ep("192.0.2.30", UInt16(51_000 + n)), ep("10.9.0.6", 443), at: UInt64(n) * 700_000, isn: 9_000 + UInt32(n) * 10_000))
        }
        let target = ep("10.9.0.6", 443)
        for i in 0..<300 {
            let source = Endpoint(address: IPAddress(ipv4: 0xC612_0000 | dice.next(0x1_0000)), port: UInt16(1024 + dice.next(60_000)))
            var c = conversation(source, target, at: 3_000_000 + UInt64(i) * 1_000, clientISN: dice.next(UInt32.max), serverISN: 0)
            c.send(.client, flags: .syn, options: [.mss(1460)])
            conversations.append(c)
        }
        return merged("short-flood-at-end", "healthy connections for 3 s, then 300 spoofed SYNs to 10.9.0.6:443 within 0.3 s as the capture ends", conversations)
    }
}
