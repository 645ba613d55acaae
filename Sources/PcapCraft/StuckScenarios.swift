import Wire

/// Crafted captures of connections stuck in a closing state and of piled-up TIME_WAIT, for the
/// stuck-state and pile-up alerts (docs/troubles.md). Each runs long enough in capture time for
/// the default `--stuck-after 60` to see them, kept going by a healthy connection now and then.
extension Scenarios {
    /// A healthy request and four-way close by the client, `micros` after the start.
    static func healthy(_ client: Endpoint, _ server: Endpoint, at micros: UInt64, isn: UInt32) -> Conversation {
        var c = conversation(client, server, at: micros, clientISN: isn, serverISN: isn &+ 500_000)
        c.send(.client, flags: .syn, options: synOptions)
        c.wait(micros: 300)
        c.send(.server, flags: [.syn, .ack], options: synAckOptions)
        c.wait(micros: 300)
        c.send(.client, flags: .ack)
        c.send(.client, flags: [.psh, .ack], payload: bytes("GET /health HTTP/1.1\r\n\r\n"))
        c.wait(micros: 500)
        c.send(.server, flags: [.psh, .ack], payload: bytes("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"))
        c.wait(micros: 300)
        c.send(.client, flags: [.fin, .ack])
        c.wait(micros: 300)
        c.send(.server, flags: [.fin, .ack])
        c.wait(micros: 300)
        c.send(.client, flags: .ack)
        return c
    }

    /// A handshake and a request/response, `micros` after the start.
    static func served(_ client: Endpoint, _ server: Endpoint, at micros: UInt64, isn: UInt32) -> Conversation {
        var c = conversation(client, server, at: micros, clientISN: isn, serverISN: isn &+ 700_000)
        c.send(.client, flags: .syn, options: synOptions)
        c.wait(micros: 400)
        c.send(.server, flags: [.syn, .ack], options: synAckOptions)
        c.wait(micros: 400)
        c.send(.client, flags: .ack)
        c.send(.client, flags: [.psh, .ack], payload: bytes("GET /report HTTP/1.1\r\n\r\n"))
        c.wait(micros: 2_000)
        c.send(.server, flags: [.psh, .ack], payload: bytes("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"))
        c.wait(micros: 400)
        c.send(.client, flags: .ack)
        return c
    }

    /// A server whose application never closes: four clients close their connections to
    /// 10.20.0.1:8080 within 3 s, the server acknowledges each FIN and stays in CLOSE_WAIT. At
    /// 100 s it finally closes one; the client, long gone, answers with a RST. Healthy
    /// connections every 10 s until 150 s.
    public static func closeWaitStuck() -> CraftedCapture {
        let server = ep("10.20.0.1", 8080)
        var conversations: [Conversation] = []
        for i in 0..<4 {
            var c = served(ep("10.20.0.\(10 + i)", UInt16(41_000 + i)), server, at: UInt64(i) * 1_000_000, isn: 100_000 * UInt32(i + 1))
            c.wait(micros: 5_000)
            c.send(.client, flags: [.fin, .ack])
            c.wait(micros: 300)
            c.send(.server, flags: .ack)
            if i == 0 {
                // 100 s after the start: the server closes at last; the client's socket is gone.
                c.wait(micros: 99_990_000)
                c.send(.server, flags: [.fin, .ack])
                c.wait(micros: 300)
                c.send(.client, flags: .rst, acknowledgment: 0)
            }
            conversations.append(c)
        }
        for n in 1...15 {
            conversations.append(healthy(ep("10.20.0.99", UInt16(50_000 + n)), server, at: UInt64(n) * 10_000_000, isn: 9_000_000 + UInt32(n) * 10_000))
        }
        return merged("close-wait-stuck", "a server that never closes: 4 connections to 10.20.0.1:8080 left in CLOSE_WAIT, one closed at 100 s; healthy connections every 10 s until 150 s", conversations)
    }

    /// Clients that never send their last FIN: 10.21.0.1:443 answers three requests and closes
    /// first (its FIN acknowledged), and the clients never close: the server stays in
    /// FIN_WAIT_2 (its kernel gives up silently after tcp_fin_timeout, which the wire does not
    /// show). Healthy connections every 10 s until 120 s.
    public static func finWait2Stuck() -> CraftedCapture {
        let server = ep("10.21.0.1", 443)
        var conversations: [Conversation] = []
        for i in 0..<3 {
            var c = served(ep("10.21.0.\(20 + i)", UInt16(42_000 + i)), server, at: 500_000 + UInt64(i) * 2_000_000, isn: 300_000 * UInt32(i + 1))
            c.wait(micros: 1_000)
            c.send(.server, flags: [.fin, .ack])
            c.wait(micros: 300)
            c.send(.client, flags: .ack)
            conversations.append(c)
        }
        for n in 1...12 {
            conversations.append(healthy(ep("10.21.0.99", UInt16(51_000 + n)), server, at: UInt64(n) * 10_000_000, isn: 8_000_000 + UInt32(n) * 10_000))
        }
        return merged("fin-wait-2-stuck", "clients that never send their last FIN: 3 connections to 10.21.0.1:443 left with the server in FIN_WAIT_2; healthy connections every 10 s until 120 s", conversations)
    }

    /// A server whose last FIN is never acknowledged: two clients to 10.22.0.1:25 close, the
    /// server closes too, and the clients vanish; the server retransmits its FIN with
    /// exponential backoff (0.2 s doubling) for about 100 s, in LAST_ACK all the while.
    public static func lastAckStuck() -> CraftedCapture {
        let server = ep("10.22.0.1", 25)
        var conversations: [Conversation] = []
        for i in 0..<2 {
            var c = served(ep("10.22.0.\(30 + i)", UInt16(43_000 + i)), server, at: UInt64(i) * 1_500_000, isn: 400_000 * UInt32(i + 1))
            c.wait(micros: 1_000)
            c.send(.client, flags: [.fin, .ack])
            c.wait(micros: 300)
            c.send(.server, flags: .ack)
            c.wait(micros: 200)
            let fin = c.serverNext
            c.send(.server, flags: [.fin, .ack])
            var backoff: UInt32 = 200_000
            for _ in 0..<9 {
                c.wait(micros: backoff)
                c.send(.server, flags: [.fin, .ack], sequence: fin)
                backoff *= 2
            }
            conversations.append(c)
        }
        for n in 1...11 {
            conversations.append(healthy(ep("10.22.0.99", UInt16(52_000 + n)), server, at: UInt64(n) * 10_000_000, isn: 7_000_000 + UInt32(n) * 10_000))
        }
        return merged("last-ack-stuck", "a server whose last FIN is never acknowledged: 2 connections to 10.22.0.1:25 in LAST_ACK, FIN retransmitted for 100 s", conversations)
    }

    /// Many short connections from one client address: 10.30.0.5 opens 600 connections to
    /// 10.30.0.1:80 over 30 s (20 a second), each closed by the client, which keeps every one
    /// in TIME_WAIT. With `--ephemeral-ports 500 --msl 10` (TIME_WAIT 20 s) the TIME_WAIT count
    /// reaches 375 near 19 s; a last connection from another address at 55 s sees it gone.
    public static func timeWaitPileup() -> CraftedCapture {
        let server = ep("10.30.0.1", 80)
        var conversations: [Conversation] = []
        for i in 0..<600 {
            conversations.append(healthy(ep("10.30.0.5", UInt16(32_768 + i)), server, at: UInt64(i) * 50_000, isn: 1_000_000 + UInt32(i) * 100_000))
        }
        conversations.append(healthy(ep("10.30.0.6", 40_000), server, at: 55_000_000, isn: 5_000))
        return merged("time-wait-pileup", "600 short connections from 10.30.0.5 to 10.30.0.1:80 in 30 s, each leaving the client in TIME_WAIT", conversations)
    }
}
