import Flows
import Testing
import Wire

private func names(_ e: PacketEvent) -> [String] { e.notes.nameList }

@Test("a data segment sent again is a retransmission, counted per resend")
func dataRetransmission() {
    var x = Exchange()
    x.handshake()
    #expect(names(x.send(true, seq: 1001, ack: 5001, [.psh, .ack], length: 100)).isEmpty)
    let first = x.send(true, seq: 1001, ack: 5001, [.psh, .ack], length: 100, after: 300_000)
    #expect(names(first) == ["retransmission"])
    #expect(first.retransmissionCount == 1)
    let second = x.send(true, seq: 1001, ack: 5001, [.psh, .ack], length: 100, after: 600_000)
    #expect(second.retransmissionCount == 2)
    // Acknowledged, then sent again: spurious.
    x.send(false, seq: 5001, ack: 1101)
    let spurious = x.send(true, seq: 1001, ack: 5001, [.psh, .ack], length: 100, after: 500_000)
    #expect(spurious.notes.isSuperset(of: [.retransmission, .spuriousRetransmission]))
}

@Test("duplicate ACKs are counted and a quick resend after the second is a fast retransmission")
func duplicateAcksAndFastRetransmission() {
    var x = Exchange()
    x.handshake()
    for i in 0..<4 { x.send(true, seq: 1001 + UInt32(i) * 100, ack: 5001, [.psh, .ack], length: 100, after: 100) }
    x.send(false, seq: 5001, ack: 1101)
    let d1 = x.send(false, seq: 5001, ack: 1101, after: 100)
    let d2 = x.send(false, seq: 5001, ack: 1101, after: 100)
    let d3 = x.send(false, seq: 5001, ack: 1101, after: 100)
    #expect(names(d1) == ["duplicate_ack"] && d1.duplicateAckCount == 1)
    #expect(d2.duplicateAckCount == 2 && d3.duplicateAckCount == 3)
    let fast = x.send(true, seq: 1101, ack: 5001, [.psh, .ack], length: 100, after: 1000)
    #expect(fast.notes.isSuperset(of: [.retransmission, .fastRetransmission]))
    // A new ack resets the count.
    x.send(false, seq: 5001, ack: 1401)
    #expect(x.send(false, seq: 5001, ack: 1401, after: 100).duplicateAckCount == 1)
}

@Test("a segment below the highest sent, soon after it, is out of order; a hole is a lost segment")
func outOfOrderAndLost() {
    var x = Exchange()
    x.handshake(rtt: 20_000)
    x.send(true, seq: 1001, ack: 5001, length: 100)
    let gap = x.send(true, seq: 1201, ack: 5001, length: 100, after: 100)
    #expect(names(gap) == ["lost_segment"])
    let late = x.send(true, seq: 1101, ack: 5001, length: 100, after: 200)
    #expect(names(late) == ["out_of_order"])
    // Acknowledging beyond anything seen: ACKed unseen segment.
    let unseen = x.send(false, seq: 5001, ack: 1501)
    #expect(names(unseen) == ["acked_unseen_segment"])
}

@Test("keepalives and their ACKs are recognised and never called retransmissions")
func keepalive() {
    var x = Exchange()
    x.handshake()
    x.send(true, seq: 1001, ack: 5001, [.psh, .ack], length: 10)
    x.send(false, seq: 5001, ack: 1011)
    for _ in 0..<3 {
        let probe = x.send(true, seq: 1010, ack: 5001, after: 1_000_000)
        #expect(names(probe) == ["keepalive"])
        let answer = x.send(false, seq: 5001, ack: 1011, after: 50)
        #expect(names(answer) == ["keepalive_ack"])
    }
    // The one-byte form (garbage octet), after the data was acknowledged: still a keepalive.
    let garbage = x.send(true, seq: 1010, ack: 5001, length: 1, after: 1_000_000)
    #expect(names(garbage) == ["keepalive"])
}

@Test("a last byte resent before it was acknowledged is a retransmission, not a keepalive (RFC 9293 §3.8.4)")
func unacknowledgedByteIsNoKeepalive() {
    var x = Exchange()
    x.handshake()
    x.send(true, seq: 1001, ack: 5001, [.psh, .ack], length: 1)
    let resend = x.send(true, seq: 1001, ack: 5001, [.psh, .ack], length: 1, after: 300_000)
    #expect(names(resend) == ["retransmission"])
}

@Test("zero window, zero-window probe and its answer, then a window update")
func zeroWindow() {
    var x = Exchange()
    x.handshake()
    x.send(true, seq: 1001, ack: 5001, [.psh, .ack], length: 100)
    let full = x.send(false, seq: 5001, ack: 1101, window: 0)
    #expect(names(full) == ["zero_window"])
    let probe = x.send(true, seq: 1101, ack: 5001, length: 1, after: 200_000)
    #expect(names(probe) == ["window_probe"])
    let still = x.send(false, seq: 5001, ack: 1101, window: 0, after: 100)
    #expect(still.notes.contains(.windowProbeAck) && still.notes.contains(.zeroWindow))
    let open = x.send(false, seq: 5001, ack: 1101, window: 2000, after: 100_000)
    #expect(names(open) == ["window_update"])
}

@Test("a RST outside the receiver's window is flagged, one inside is not")
func resetOutsideWindow() {
    var x = Exchange()
    x.send(true, seq: 1000, ack: 0, .syn, after: 0, wscale: 0)
    x.send(false, seq: 5000, ack: 1001, [.syn, .ack], wscale: 0)
    x.send(true, seq: 1001, ack: 5001, window: 1000)
    var blind = x
    // The client's window is 1000 bytes from 5001: 9000 is far outside it.
    let injected = blind.send(false, seq: 9000, ack: 0, .rst)
    #expect(names(injected).contains("rst_out_of_window"))
    let genuine = x.send(false, seq: 5001, ack: 0, .rst)
    #expect(!names(genuine).contains("rst_out_of_window"))
}

@Test("sequence analysis works across the 2^32 wrap")
func wrap() {
    var x = Exchange()
    x.send(true, seq: 0xFFFF_FF00, ack: 0, .syn, after: 0)
    x.send(false, seq: 5000, ack: 0xFFFF_FF01, [.syn, .ack])
    x.send(true, seq: 0xFFFF_FF01, ack: 5001)
    #expect(names(x.send(true, seq: 0xFFFF_FF01, ack: 5001, length: 0x200)).isEmpty)
    #expect(names(x.send(true, seq: 0x101, ack: 5001, length: 100)).isEmpty)
    #expect(names(x.send(true, seq: 0xFFFF_FF01, ack: 5001, length: 0x200, after: 500_000)) == ["retransmission"])
}

@Test("hostile input never traps: random segments through one connection")
func hostileInput() {
    var x = Exchange()
    var state: UInt64 = 42
    func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return state >> 11
    }
    for _ in 0..<20_000 {
        let r = next()
        let flags = TCPFlags(rawValue: UInt16(truncatingIfNeeded: r) & 0x1ff)
        let seq = UInt32(truncatingIfNeeded: next())
        let ack = UInt32(truncatingIfNeeded: next())
        let window = UInt16(truncatingIfNeeded: next() & (r & 1 == 0 ? 0 : 0xffff))
        let length = Int(next() % 70_000)
        let micros = Int64(bitPattern: next() % 3_000_000) - 1_000_000 // time may go backwards
        x.send(r & 2 == 0, seq: seq, ack: ack, flags, length: length, window: window, after: micros,
               wscale: r & 4 == 0 ? UInt8(truncatingIfNeeded: next()) : nil)
    }
}
