import Flows
import Testing
import Wire

extension Exchange {
    /// SYN 1000, SYN-ACK 5000 (window scale 0 both ways), ACK, then 100 bytes each way,
    /// acknowledged: RCV.NXT is 1101 at the server and 5101 at the client, windows 1000 bytes.
    mutating func established() {
        send(true, seq: 1000, ack: 0, .syn, after: 0, wscale: 0)
        send(false, seq: 5000, ack: 1001, [.syn, .ack], wscale: 0)
        send(true, seq: 1001, ack: 5001)
        send(true, seq: 1001, ack: 5001, [.psh, .ack], length: 100)
        send(false, seq: 5001, ack: 1101, [.psh, .ack], length: 100)
        send(true, seq: 1101, ack: 5101)
    }
}

private func states(_ e: PacketEvent) -> [TCPState] { [e.client.after, e.server.after] }

struct ResetCase: Sendable, CustomTestStringConvertible {
    let what: String
    /// The RST's sequence number, from the server.
    let seq: UInt32
    let notes: [String]
    let after: [TCPState]
    var testDescription: String { what }
}

let resetCases: [ResetCase] = [
    ResetCase(what: "exactly at RCV.NXT closes both", seq: 5101, notes: [], after: [.closed, .closed]),
    ResetCase(what: "inside the window but past RCV.NXT draws a challenge ACK", seq: 5601, notes: ["rst_challenge_ack"],
              after: [.established, .established]),
    ResetCase(what: "outside the window is dropped", seq: 10101, notes: ["rst_out_of_window"], after: [.established, .established]),
    ResetCase(what: "below RCV.NXT is dropped", seq: 5050, notes: ["rst_out_of_window"], after: [.established, .established]),
]

@Test("a RST is taken only where its receiver would take it", arguments: resetCases)
func resetAcceptability(_ c: ResetCase) {
    var w = Exchange()
    w.established()
    let rst = w.send(false, seq: c.seq, .rst)
    #expect(rst.notes.nameList == c.notes)
    #expect(states(rst) == c.after)
}

@Test("a RST carrying the sender's FIN sequence number comes after the FIN and is below RCV.NXT")
func resetAtFINSequence() {
    var w = Exchange()
    w.established()
    w.send(false, seq: 5101, ack: 1101, [.fin, .ack])
    w.send(true, seq: 1101, ack: 5102)
    let quirk = w.send(false, seq: 5101, .rst)
    #expect(quirk.notes.contains(.rstOutOfWindow))
    #expect(states(quirk) == [.closeWait, .finWait2])
    let real = w.send(false, seq: 5102, .rst)
    #expect(states(real) == [.closed, .closed])
}

@Test("SYN_SENT takes a RST only with an ACK of its SYN; without one it waits on")
func resetInSynSent() {
    var w = Exchange()
    w.send(true, seq: 1000, .syn)
    let bare = w.send(false, seq: 0, ack: 0, .rst)
    #expect(bare.notes.contains(.rstNotAcknowledgingSYN))
    #expect(bare.client.after == .synSent)
    let refusal = w.send(false, seq: 0, ack: 1001, [.rst, .ack])
    #expect(refusal.step == .refused)
    // The connect retry with the same ISN: a new connection, and that SYN's retransmission.
    let retry = w.send(true, seq: 1000, .syn, after: 500000)
    #expect(retry.flow == 2 && retry.reuse == .retryAfterRefusal)
    #expect(retry.notes.contains(.retransmission) && !retry.notes.contains(.portReuse))
}

@Test("a stale connection's challenge ACK, the client's RST at its number, then the same SYN again")
func staleConnection() {
    var w = Exchange()
    w.send(true, seq: 1000, .syn)
    let challenge = w.send(false, seq: 77_000, ack: 99_000)
    #expect(challenge.notes.contains(.staleConnectionACK))
    #expect(challenge.server.after == .established && challenge.server.certainty == .inferred)
    let rst = w.send(true, seq: 99_000, .rst)
    #expect(rst.notes.contains(.rstAnswersUnacceptableACK))
    #expect(states(rst) == [.synSent, .closed])
    let again = w.send(true, seq: 1000, .syn, after: 1000000)
    #expect(again.flow == 1 && again.notes.contains(.retransmission))
    let answer = w.send(false, seq: 5000, ack: 1001, [.syn, .ack])
    #expect(answer.notes.contains(.portReuse) && answer.server.after == .synReceived)
}

@Test("a third ACK that does not acknowledge the SYN-ACK leaves the server in SYN_RECEIVED")
func unacceptableThirdACK() {
    var w = Exchange()
    w.send(true, seq: 1000, .syn)
    w.send(false, seq: 5000, ack: 1001, [.syn, .ack])
    let wrong = w.send(true, seq: 1001, ack: 9999)
    #expect(wrong.notes.contains(.unacceptableHandshakeACK))
    #expect(states(wrong) == [.established, .synReceived])
    let right = w.send(true, seq: 1001, ack: 5001)
    #expect(right.server.after == .established)
}

@Test("new data the peer acknowledges after an accepted RST revises it")
func revision() {
    var w = Exchange()
    w.established()
    let rst = w.send(true, seq: 1101, .rst)
    #expect(states(rst) == [.closed, .closed])
    // In flight: the server's data sent before the RST arrived stays after close.
    let inFlight = w.send(false, seq: 5101, ack: 1101, [.psh, .ack], length: 10)
    #expect(inFlight.notes.contains(.afterClose))
    // The client that sent the RST acknowledges that data and sends more: it never closed.
    let revised = w.send(true, seq: 1101, ack: 5111, [.psh, .ack], length: 50)
    #expect(revised.notes.contains(.resetRevised) && !revised.notes.contains(.afterClose))
    #expect(states(revised) == [.established, .established])
    #expect(revised.server.certainty == .inferred)
    #expect(w.send(false, seq: 5111, ack: 1151).notes.isEmpty)
    w.tracker.finish()
    let ended = w.tracker.takeEnded()
    #expect(ended.count == 1 && ended[0].reason == .endOfInput && !ended[0].connection.isClosed)
}

@Test("an ACK one past everything its sender sent follows a FIN the capture missed")
func lostFIN() {
    var w = Exchange()
    w.established()
    // The client's FIN (seq 1101) is not captured; the server's data draws its ACK at 1102.
    w.send(false, seq: 5101, ack: 1101, [.psh, .ack], length: 10)
    let after = w.send(true, seq: 1102, ack: 5111)
    #expect(after.notes.contains(.finNotCaptured))
    #expect(after.client.after == .finWait1 && after.client.certainty == .inferred)
    let resent = w.send(true, seq: 1101, ack: 5111, [.fin, .ack], after: 200000)
    #expect(resent.notes.contains(.retransmission))
}

@Test("idle timeouts follow the states: an established connection outlives a 2-hour keepalive gap, a SYN_SENT one does not")
func idleTimeoutsByState() {
    var w = Exchange()
    w.established()
    let probe = w.send(true, seq: 1100, ack: 5101, length: 1, after: 7200000000)
    #expect(probe.flow == 1 && probe.notes.contains(.keepalive))

    var half = Exchange()
    half.send(true, seq: 1000, .syn)
    let late = half.send(false, seq: 5000, ack: 1001, [.syn, .ack], after: 300000000)
    #expect(late.flow == 2 && late.notes.contains(.midstream))
}

@Test("the per-packet anomaly mask is the anomaly note set")
func anomalyMask() {
    #expect(PacketNotes.anomalies.rawValue == PacketNotes.anomalyMask)
}
