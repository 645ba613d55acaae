import Flows
import PcapCraft
import Testing
import Wire

/// One packet's expected outcome: step, and both endpoints' states after it.
struct Expected: CustomStringConvertible, Sendable {
    var step: Step
    var client: TCPState
    var server: TCPState
    var notes: PacketNotes = []
    var description: String { "\(step) client \(client) server \(server) \(notes)" }
}

private func row(_ step: Step, _ client: TCPState, _ server: TCPState, _ notes: PacketNotes = []) -> Expected {
    Expected(step: step, client: client, server: server, notes: notes)
}

/// The scenarios and what each packet must do, straight from RFC 9293's state diagram under
/// tcpwave's evidence convention (docs/state-convention.md).
let transitionTable: [(String, CraftedCapture, [Expected])] = [
    ("document example prints the document's table", Scenarios.documentExample(), [
        row(.handshake(1), .synSent, .listen),
        row(.handshake(2), .synSent, .synReceived),
        row(.handshake(3), .established, .established),
        row(.none, .established, .established),
        row(.none, .established, .established),
        row(.none, .established, .established),
        row(.none, .established, .established),
        row(.teardown(step: 1, through: 1), .finWait1, .established),
        row(.teardown(step: 2, through: 2), .finWait2, .closeWait),
        row(.teardown(step: 3, through: 3), .finWait2, .lastAck),
        row(.teardown(step: 4, through: 4), .timeWait, .closed),
    ]),
    ("three-segment close goes FIN_WAIT_1 to TIME_WAIT directly", Scenarios.threeSegmentClose(), [
        row(.handshake(1), .synSent, .listen),
        row(.handshake(2), .synSent, .synReceived),
        row(.handshake(3), .established, .established),
        row(.none, .established, .established),
        row(.none, .established, .established),
        row(.teardown(step: 1, through: 1), .finWait1, .established),
        row(.teardown(step: 2, through: 3), .finWait1, .lastAck),
        row(.teardown(step: 4, through: 4), .timeWait, .closed),
    ]),
    ("simultaneous close passes through CLOSING on both sides", Scenarios.simultaneousClose(), [
        row(.handshake(1), .synSent, .listen),
        row(.handshake(2), .synSent, .synReceived),
        row(.handshake(3), .established, .established),
        row(.teardown(step: 1, through: 1), .finWait1, .established),
        row(.simultaneousClose(2), .finWait1, .finWait1, .simultaneousClose),
        row(.simultaneousClose(3), .closing, .closing),
        row(.simultaneousClose(4), .timeWait, .timeWait),
    ]),
    ("simultaneous open passes through SYN_RECEIVED on both sides", Scenarios.simultaneousOpen(), [
        row(.handshake(1), .synSent, .listen),
        row(.simultaneousOpen(2), .synSent, .synSent, .simultaneousOpen),
        row(.simultaneousOpen(3), .synReceived, .synSent),
        row(.simultaneousOpen(4), .established, .established),
        row(.none, .established, .established),
        row(.none, .established, .established),
    ]),
    ("unanswered SYN retransmissions are counted", Scenarios.synRetransmissions(), [
        row(.handshake(1), .synSent, .listen),
        row(.handshake(1), .synSent, .listen, .retransmission),
        row(.handshake(1), .synSent, .listen, .retransmission),
        row(.handshake(1), .synSent, .listen, .retransmission),
    ]),
    ("retransmitted SYN-ACK and FIN keep their steps", Scenarios.synAckAndFinRetransmissions(), [
        row(.handshake(1), .synSent, .listen),
        row(.handshake(2), .synSent, .synReceived),
        row(.handshake(2), .synSent, .synReceived, .retransmission),
        row(.handshake(3), .established, .established),
        row(.teardown(step: 1, through: 1), .finWait1, .established),
        row(.teardown(step: 1, through: 1), .finWait1, .established, .retransmission),
        row(.teardown(step: 2, through: 2), .finWait2, .closeWait),
        row(.teardown(step: 3, through: 3), .finWait2, .lastAck),
        row(.teardown(step: 4, through: 4), .timeWait, .closed),
    ]),
    ("data on a SYN is Fast Open and the SYN-ACK may acknowledge it", Scenarios.fastOpen(), [
        row(.handshake(1), .synSent, .listen, .dataOnSYN),
        row(.handshake(2), .synSent, .synReceived),
        row(.handshake(3), .established, .established),
        row(.reset, .closed, .closed),
    ]),
    ("a RST to a SYN-ACK with a wrong ack sends the server back to LISTEN", Scenarios.oldDuplicateSYN(), [
        row(.handshake(1), .synSent, .listen),
        row(.handshake(2), .synSent, .synReceived, .handshakeAckMismatch),
        row(.reset, .synSent, .listen, .oldDuplicateSYNRecovery),
        row(.handshake(2), .synSent, .synReceived),
        row(.handshake(3), .established, .established),
    ]),
    ("a connection picked up mid-stream has inferred roles and states", Scenarios.midstream(), [
        row(.none, .established, .established, .midstream),
        row(.none, .established, .established),
        row(.teardown(step: 1, through: 1), .established, .finWait1),
        row(.teardown(step: 2, through: 3), .lastAck, .finWait1),
        row(.teardown(step: 4, through: 4), .closed, .timeWait),
    ]),
    ("a third ACK that acknowledges the wrong number is flagged and leaves the server in SYN_RECEIVED", Scenarios.handshakeAckMismatch(), [
        row(.handshake(1), .synSent, .listen),
        row(.handshake(2), .synSent, .synReceived),
        row(.handshake(3), .established, .synReceived, [.handshakeAckMismatch, .unacceptableHandshakeACK]),
    ]),
    ("data from the CLOSE_WAIT side is a half-close", Scenarios.serverCloseFirst(), [
        row(.handshake(1), .synSent, .listen),
        row(.handshake(2), .synSent, .synReceived),
        row(.handshake(3), .established, .established),
        row(.none, .established, .established),
        row(.teardown(step: 1, through: 1), .established, .finWait1),
        row(.teardown(step: 2, through: 2), .closeWait, .finWait2),
        row(.none, .closeWait, .finWait2, .halfCloseData),
        row(.none, .closeWait, .finWait2),
        row(.teardown(step: 3, through: 3), .lastAck, .finWait2),
        row(.teardown(step: 4, through: 4), .closed, .timeWait),
    ]),
    ("packets after close are annotated, never crash", Scenarios.resetAfterClose(), [
        row(.handshake(1), .synSent, .listen),
        row(.handshake(2), .synSent, .synReceived),
        row(.handshake(3), .established, .established),
        row(.teardown(step: 1, through: 1), .finWait1, .established),
        row(.teardown(step: 2, through: 2), .finWait2, .closeWait),
        row(.teardown(step: 3, through: 3), .finWait2, .lastAck),
        row(.teardown(step: 4, through: 4), .timeWait, .closed),
        row(.reset, .timeWait, .closed, [.timeWaitAssassination, .afterClose]),
        row(.none, .timeWait, .closed, .afterClose),
    ]),
    ("a RST answering the SYN is a refused connection", Scenarios.refused(), [
        row(.handshake(1), .synSent, .listen),
        row(.refused, .closed, .closed),
    ]),
    ("a RST from the server closes both endpoints", Scenarios.resetByServer(), [
        row(.handshake(1), .synSent, .listen),
        row(.handshake(2), .synSent, .synReceived),
        row(.handshake(3), .established, .established),
        row(.none, .established, .established),
        row(.reset, .closed, .closed),
    ]),
    ("sequence numbers wrap past 2^32 without confusing the close", Scenarios.sequenceWrap(), [
        row(.handshake(1), .synSent, .listen),
        row(.handshake(2), .synSent, .synReceived),
        row(.handshake(3), .established, .established),
        row(.none, .established, .established),
        row(.none, .established, .established),
        row(.teardown(step: 1, through: 1), .finWait1, .established),
        row(.teardown(step: 2, through: 3), .finWait1, .lastAck),
        row(.teardown(step: 4, through: 4), .timeWait, .closed),
    ]),
]

@Test("each packet's step and both endpoints' states", arguments: transitionTable.map { ($0.0, $0.1, $0.2) })
func transitions(name: String, capture: CraftedCapture, expected: [Expected]) {
    let run = ScenarioRun(capture)
    #expect(run.events.count == expected.count, "\(name): packet count")
    for (i, (event, want)) in zip(run.events, expected).enumerated() {
        #expect(event.step == want.step, "\(name) packet \(i + 1): step")
        #expect(event.client.after == want.client, "\(name) packet \(i + 1): client state")
        #expect(event.server.after == want.server, "\(name) packet \(i + 1): server state")
        #expect(event.notes.isSuperset(of: want.notes), "\(name) packet \(i + 1): notes \(event.notes) lack \(want.notes)")
        if want.notes.isEmpty {
            #expect(event.notes.subtracting([.midstream]).isEmpty, "\(name) packet \(i + 1): unexpected notes \(event.notes)")
        }
    }
}
