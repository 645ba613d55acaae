/// `--explain` in English. One entry per `ExplanationKey`; placeholders as documented there.
extension Explanations {
    static let english: [ExplanationKey: String] = [
        .roleClient: "client",
        .roleServer: "server",

        // The three-way handshake.
        .handshake1: "Handshake 1/3: the client asks to open a connection. Its SYN carries its initial sequence number (ISN) and options such as MSS and window scale; it now waits in SYN_SENT, and the server must be LISTENing on this port to answer.",
        .handshake2: "Handshake 2/3: the server accepts. Its SYN-ACK acknowledges the client's SYN (ack = client ISN + 1) and carries the server's own ISN; the server waits in SYN_RECEIVED for that ISN to be acknowledged.",
        .handshake3: "Handshake 3/3: the client acknowledges the server's SYN and both sides are ESTABLISHED. This third segment is needed because each side must see its own ISN acknowledged: only then does the server know the client really is there and this is not an old duplicate SYN still wandering the network.",
        .simultaneousOpenSYN: "Simultaneous open: both ends sent a SYN to each other at the same time and the SYNs crossed. Each side is in SYN_SENT and answers the other's SYN instead of waiting for a SYN-ACK.",
        .simultaneousOpenSYNACK: "The {sender} answers the crossed SYN with a SYN-ACK that repeats its own ISN and acknowledges the peer's; each side is ESTABLISHED once its own SYN is acknowledged, after four segments instead of three.",

        // The four-way teardown.
        .teardown1: "Teardown 1/4: the {sender} has nothing more to send and closes its direction with FIN (FIN_WAIT_1). It can still receive: TCP closes each direction separately, which is why closing takes four segments.",
        .teardown2: "Teardown 2/4: the {sender} acknowledges the FIN and enters CLOSE_WAIT: its application learns the stream has ended and may still send data. The {receiver}, its FIN acknowledged, waits in FIN_WAIT_2 for the other direction to close.",
        .teardown3: "Teardown 3/4: the {sender} is done too and sends its own FIN; in LAST_ACK it waits only for this FIN to be acknowledged.",
        .teardown4: "Teardown 4/4: the {sender} acknowledges the last FIN and the {receiver} is CLOSED. The {sender} stays in TIME_WAIT for 2\u{00D7}MSL ({twomsl} s here): if this ACK is lost the peer's resent FIN can still be answered, and delayed segments of this connection die out before the same addresses and ports are used again.",
        .teardown2and3: "The {sender} acknowledges the FIN and sends its own FIN in the same segment (a three-segment close), passing through CLOSE_WAIT straight to LAST_ACK. The {receiver} stays in FIN_WAIT_1 until it acknowledges this FIN.",
        .simultaneousCloseFIN: "Simultaneous close: the {sender} sent its FIN while the peer's FIN was still on its way, so the FINs crossed. Both sides are in FIN_WAIT_1, each waiting for its FIN to be acknowledged.",
        .simultaneousCloseACK: "The {sender} acknowledges the peer's FIN. A side that has acknowledged the peer's FIN but not yet seen its own acknowledged is in CLOSING; when both are done it enters TIME_WAIT.",
        .simultaneousCloseLastACK: "Both FINs are now acknowledged: after a simultaneous close both sides end in TIME_WAIT and wait 2\u{00D7}MSL ({twomsl} s here) before the connection is really gone.",

        // Resets.
        .reset: "The {sender} aborts the connection with RST (it was in {state}): there is no FIN exchange and no TIME_WAIT, both ends drop the connection at once and data still in flight is lost. Applications see \"connection reset by peer\"; a crash, a socket closed with unread data or SO_LINGER 0 sends one.",
        .resetInHandshake: "The {sender} answers with RST during the handshake (it was in {state}): the attempt is abandoned and both ends return to CLOSED without a connection ever having been established.",
        .refused: "Connection refused: nothing listens on this port of the server (or a firewall answers for it), so the server's host answers the SYN with RST. The client's connect() fails at once with \"connection refused\"; no connection ever existed.",

        // Ordinary packets.
        .data: "The {sender} sends {len} bytes of data. Its ACK number tells the {receiver} which byte it expects next: everything before it has arrived.",
        .pureAck: "A pure acknowledgement: the {sender} confirms what it has received so far and sends no data. TCP acknowledges cumulatively, so one ACK can cover many segments.",
        .other: "A segment without ACK or data that changes nothing for either endpoint.",

        // An endpoint entered a state without a named step.
        .enterClosed: "The {role} is now CLOSED: the connection no longer exists for it.",
        .enterListen: "The {role} is in LISTEN: it waits for a SYN on this port.",
        .enterSynSent: "The {role} has sent its SYN and waits in SYN_SENT for the answer.",
        .enterSynReceived: "The {role} has answered a SYN and waits in SYN_RECEIVED for its own SYN to be acknowledged.",
        .enterEstablished: "The {role} is now ESTABLISHED: both sequence numbers are known and data can flow both ways.",
        .enterFinWait1: "The {role} has sent its FIN and waits in FIN_WAIT_1 for it to be acknowledged.",
        .enterFinWait2: "The {role}'s FIN is acknowledged; in FIN_WAIT_2 it can still receive until the peer closes too.",
        .enterCloseWait: "The {role} has received the peer's FIN and is in CLOSE_WAIT: it may still send data until its application closes.",
        .enterClosing: "The {role} is in CLOSING: it has acknowledged the peer's FIN, but its own FIN is not acknowledged yet.",
        .enterLastAck: "The {role} has sent its FIN after the peer's and waits in LAST_ACK for the final acknowledgement.",
        .enterTimeWait: "The {role} enters TIME_WAIT for 2\u{00D7}MSL ({twomsl} s here), so a lost last ACK can be sent again and old segments die out before the ports are reused.",

        // Notes.
        .retransmission: "Retransmission {count}: the {sender} sends the same sequence numbers again because no acknowledgement came in time (its retransmission timer expired). TCP keeps resending, waiting longer each time, until the segment is acknowledged or it gives up.",
        .fastRetransmission: "Fast retransmission: the {receiver} repeated the same ACK (duplicate ACKs), the sign of one lost segment while later ones arrived, so the {sender} resends it at once instead of waiting for its timer.",
        .spuriousRetransmission: "Spurious retransmission: the {receiver} had already acknowledged this data, so resending it was unnecessary (the acknowledgement was late or lost).",
        .midstream: "The capture began after this connection's SYN: who is client and who is server is inferred (the lower port is taken as the server) and both states are assumed ESTABLISHED until a packet proves them.",
        .handshakeAckMismatch: "The acknowledgement number does not match the handshake: expected {expected}, got {got}. A correct endpoint answers such a segment with RST: it acknowledges a SYN that was never sent (an old duplicate, or a confused peer).",
        .oldDuplicateSYNRecovery: "This RST is RFC 9293's recovery from an old duplicate SYN: the client did not recognise the SYN-ACK, which acknowledged a SYN it no longer has, and resets it; the server goes back to LISTEN and the client keeps waiting for the right SYN-ACK.",
        .halfCloseData: "Half-close: the {sender} keeps sending data after receiving the peer's FIN. That is allowed: a FIN closes only one direction, the other stays open until its own FIN.",
        .afterClose: "This packet arrived after the connection was closed: a late retransmission or a stray segment; it changes nothing.",
        .dataOnSYN: "The SYN carries data (TCP Fast Open): with a cookie from an earlier connection the client sends its request in the SYN and saves a round trip.",
        .portReuse: "A new connection on the same addresses and ports as connection #{previous}: a new SYN with a new ISN starts a new incarnation, and TIME_WAIT exists to keep the old one's segments away from it.",
        .timeWaitAssassination: "A RST reached an endpoint in TIME_WAIT. RFC 1337 calls this TIME-WAIT assassination: obeying it would end TIME_WAIT early and expose the next connection on these ports to the old one's segments.",
        .invalidFlags: "These flags make no sense together (SYN with FIN or RST, or none of SYN, ACK and RST): no state accepts such a segment. Port scanners send them; the endpoints ignore it.",
        .outOfOrder: "Out of order: this segment has a lower sequence number than one sent just before it, so the network reordered them; the receiver holds the later data until the gap is filled.",
        .duplicateAck: "Duplicate ACK {count}: the {sender} acknowledges the same byte again because a segment arrived after a gap. Three of them make the peer resend the missing segment (fast retransmit).",
        .keepalive: "Keepalive probe: after a long silence the {sender} sends a segment one byte behind its next sequence number to check that the peer is still there; a live peer answers with an ACK.",
        .keepaliveAck: "The answer to a keepalive probe: the {sender} repeats its ACK, which proves it is still alive, and the connection stays open.",
        .zeroWindow: "Zero window: the {sender}'s receive buffer is full, so it tells the peer to stop sending until it advertises room again.",
        .windowProbe: "Zero-window probe: the {sender} sends one byte into the peer's closed window to learn when room opens again, so a lost window update cannot stall the connection for ever.",
        .windowProbeAck: "The answer to a zero-window probe: the {sender}'s window is still zero, so the peer must keep waiting.",
        .lostSegment: "A gap: this segment starts beyond the next expected sequence number, so a segment before it was not captured (lost in the network, or missed by the capture).",
        .ackedUnseenSegment: "This ACK covers data the capture never showed: the capture missed a segment that the {sender} did receive.",
        .windowUpdate: "Window update: no data and the same acknowledgement, only a larger receive window; the {sender} tells the peer it may send more.",
        .rstOutOfWindow: "This RST's sequence number is outside the receiver's window: RFC 9293 and RFC 5961 make the receiver ignore it, because a blind attacker guessing numbers would send exactly this.",
        .rstChallenged: "This RST falls inside the receiver's window but not exactly at the next byte it expects. RFC 5961 has the receiver answer with a challenge ACK and stay where it is; only a RST at exactly that number ends the connection.",
        .rstNotAcknowledgingSYN: "An endpoint in SYN_SENT accepts a RST only if it acknowledges its SYN (RFC 9293 §3.10.7.3); this one does not, so it is dropped and the endpoint keeps waiting.",
        .rstAnswersUnacceptableACK: "The sender is in SYN_SENT and got an ACK that does not acknowledge its SYN (often left over from an older connection on these ports). RFC 9293 has it answer with a RST carrying that ACK number and keep waiting: its next SYN is the same attempt again.",
        .finNotCaptured: "This segment's sequence number is one past everything the sender was seen to send. Only a FIN takes one number without data, so the sender closed with a FIN the capture missed; its state is inferred from that.",
        .resetRevised: "The connection went on after a RST that looked like its end: new data kept coming and being acknowledged. The RST did not take effect (the receiver must have found it unacceptable), so the states before it are restored.",
        .staleConnectionACK: "The SYN was answered with a bare ACK that does not acknowledge it: the other endpoint still holds an earlier connection on these same ports and sends a challenge ACK (RFC 5961 §4). The new SYN reused a port too soon; the client answers with a RST that ends the old connection and sends its SYN again.",
        .synOnSynchronized: "A SYN arrived on a connection that is already synchronized. No state accepts it: RFC 5961 §4 has the receiver answer with a challenge ACK and keep the connection as it is.",
        .synAckNewISN: "This SYN-ACK answers the same SYN as an earlier one but starts from another initial sequence number: the server began its half of the handshake again (its first attempt was lost or dropped), or a second host (a load balancer, a SYN proxy) answered. The client's ACK shows which one it took.",
        .unacceptableHandshakeACK: "This ACK does not acknowledge the server's SYN-ACK, so the server stays in SYN_RECEIVED (RFC 9293 §3.10.7.4 answers such an ACK with a RST) and the handshake is not complete.",
    ]
}
