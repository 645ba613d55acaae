/// Which protocol exchange a packet is part of.
public enum Step: Equatable, Sendable {
    case none
    /// Three-way handshake, step 1...3.
    case handshake(Int)
    /// SYNs crossed: SYN, SYN, SYN-ACK, SYN-ACK as steps 1...4.
    case simultaneousOpen(Int)
    /// Four-way teardown step 1...4; `through` > `step` when one segment does two steps
    /// (the three-segment close's FIN+ACK is 2...3).
    case teardown(step: Int, through: Int)
    /// FINs crossed: FIN, FIN, ACK, ACK as steps 1...4.
    case simultaneousClose(Int)
    /// A reset ends the connection.
    case reset
    /// A reset answers a SYN: nobody listens.
    case refused
}

/// Facts about one packet beyond its step. Bits, so a packet's notes cost no allocation.
public struct PacketNotes: OptionSet, Sendable, Hashable {
    public var rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// The same SYN, SYN-ACK or FIN sent again, or data below the highest sequence number sent
    /// (`retransmissionCount` says which resend).
    @inlinable public static var retransmission: PacketNotes { PacketNotes(rawValue: 1 << 0) }
    /// First packet of a connection picked up after its SYN.
    @inlinable public static var midstream: PacketNotes { PacketNotes(rawValue: 1 << 1) }
    /// SYN-ACK's ack is not SYN.seq+1, or the third ACK is not SYN-ACK.seq+1.
    @inlinable public static var handshakeAckMismatch: PacketNotes { PacketNotes(rawValue: 1 << 2) }
    /// A RST answering a SYN-ACK whose ack was wrong: RFC 9293's recovery from an old duplicate SYN.
    @inlinable public static var oldDuplicateSYNRecovery: PacketNotes { PacketNotes(rawValue: 1 << 3) }
    /// Data keeps flowing from the side that already received the peer's FIN.
    @inlinable public static var halfCloseData: PacketNotes { PacketNotes(rawValue: 1 << 4) }
    /// A packet for a connection already closed.
    @inlinable public static var afterClose: PacketNotes { PacketNotes(rawValue: 1 << 5) }
    /// Payload carried on a SYN (TCP Fast Open).
    @inlinable public static var dataOnSYN: PacketNotes { PacketNotes(rawValue: 1 << 6) }
    /// A new connection on a 4-tuple that had one before (see `reuse`).
    @inlinable public static var portReuse: PacketNotes { PacketNotes(rawValue: 1 << 7) }
    /// A RST received in TIME_WAIT (RFC 1337's TIME-WAIT assassination).
    @inlinable public static var timeWaitAssassination: PacketNotes { PacketNotes(rawValue: 1 << 8) }
    /// The FIN was sent while the peer's FIN was in flight.
    @inlinable public static var simultaneousClose: PacketNotes { PacketNotes(rawValue: 1 << 9) }
    /// SYNs crossed.
    @inlinable public static var simultaneousOpen: PacketNotes { PacketNotes(rawValue: 1 << 10) }
    /// A segment with flags no state accepts (SYN+FIN, SYN+RST, none at all).
    @inlinable public static var invalidFlags: PacketNotes { PacketNotes(rawValue: 1 << 11) }

    // Sequence analysis (SequenceAnalysis.swift), after tshark's tcp.analysis flags.
    /// A retransmission that came within 20 ms of the peer's second duplicate ACK for its sequence number.
    @inlinable public static var fastRetransmission: PacketNotes { PacketNotes(rawValue: 1 << 12) }
    /// Data the peer had already acknowledged, sent again.
    @inlinable public static var spuriousRetransmission: PacketNotes { PacketNotes(rawValue: 1 << 13) }
    /// Below the highest sequence sent, soon after it (within the handshake RTT, or 3 ms).
    @inlinable public static var outOfOrder: PacketNotes { PacketNotes(rawValue: 1 << 14) }
    /// The same ack and window again, no data (`duplicateAckCount` says which repeat).
    @inlinable public static var duplicateAck: PacketNotes { PacketNotes(rawValue: 1 << 15) }
    /// 0 or 1 byte at one below the next sequence number: a keepalive probe.
    @inlinable public static var keepalive: PacketNotes { PacketNotes(rawValue: 1 << 16) }
    /// The answer to a keepalive: the previous ack and window repeated.
    @inlinable public static var keepaliveAck: PacketNotes { PacketNotes(rawValue: 1 << 17) }
    /// The sender advertises a zero receive window.
    @inlinable public static var zeroWindow: PacketNotes { PacketNotes(rawValue: 1 << 18) }
    /// One byte sent into the peer's zero window (RFC 9293 §3.8.6.1 zero-window probe).
    @inlinable public static var windowProbe: PacketNotes { PacketNotes(rawValue: 1 << 19) }
    /// The answer to a zero-window probe: still zero.
    @inlinable public static var windowProbeAck: PacketNotes { PacketNotes(rawValue: 1 << 20) }
    /// Beyond the next expected sequence number: a segment before it was not captured.
    @inlinable public static var lostSegment: PacketNotes { PacketNotes(rawValue: 1 << 21) }
    /// Acknowledges data the capture never showed.
    @inlinable public static var ackedUnseenSegment: PacketNotes { PacketNotes(rawValue: 1 << 22) }
    /// No data, same seq and ack, a new window.
    @inlinable public static var windowUpdate: PacketNotes { PacketNotes(rawValue: 1 << 23) }
    /// A RST whose sequence number is outside the receiver's window (RFC 9293 §3.10.7.4, RFC 5961):
    /// the receiver must ignore it; a sign of a blind injection attempt.
    @inlinable public static var rstOutOfWindow: PacketNotes { PacketNotes(rawValue: 1 << 24) }

    // Acceptability of control segments and inference from sequence space (Connection+Reset.swift,
    // Connection+Inference.swift).
    /// A RST inside the receiver's window but not at its next expected sequence number: the
    /// receiver answers with a challenge ACK and stays (RFC 5961 §3.2).
    @inlinable public static var rstChallenged: PacketNotes { PacketNotes(rawValue: 1 << 25) }
    /// A RST to a SYN_SENT endpoint that does not acknowledge its SYN: dropped (RFC 9293 §3.10.7.3).
    @inlinable public static var rstNotAcknowledgingSYN: PacketNotes { PacketNotes(rawValue: 1 << 26) }
    /// A RST from a SYN_SENT endpoint answering an ACK that does not acknowledge its SYN
    /// (`<SEQ=SEG.ACK><CTL=RST>`, RFC 9293 §3.10.7.3): the sender stays in SYN_SENT.
    @inlinable public static var rstAnswersUnacceptableACK: PacketNotes { PacketNotes(rawValue: 1 << 27) }
    /// The sender's FIN was not captured, but this segment's sequence number proves it was sent.
    @inlinable public static var finNotCaptured: PacketNotes { PacketNotes(rawValue: 1 << 28) }
    /// The connection went on after a RST that tcpwave had taken as its end: the RST did not
    /// take effect and the states before it are restored.
    @inlinable public static var resetRevised: PacketNotes { PacketNotes(rawValue: 1 << 29) }
    /// An ACK in the handshake that does not acknowledge the SYN-ACK: the server stays in
    /// SYN_RECEIVED (RFC 9293 §3.10.7.4).
    @inlinable public static var unacceptableHandshakeACK: PacketNotes { PacketNotes(rawValue: 1 << 30) }
    /// A SYN (or SYN-ACK with a new ISN) on a connection already synchronized: no state accepts
    /// it; the receiver answers with a challenge ACK (RFC 5961 §4).
    @inlinable public static var synOnSynchronized: PacketNotes { PacketNotes(rawValue: 1 << 31) }
    /// The ACK a SYN got from an endpoint still holding an older connection on the same ports
    /// (a challenge ACK, RFC 5961 §4): the SYN reused the port of a connection the peer kept.
    @inlinable public static var staleConnectionACK: PacketNotes { PacketNotes(rawValue: 1 << 32) }
    /// A SYN-ACK whose ISN differs from the one its sender answered the same SYN with before: a
    /// second answer (the server began its half again, or another host answered).
    @inlinable public static var synAckNewISN: PacketNotes { PacketNotes(rawValue: 1 << 33) }
}

extension PacketNotes {
    /// The notes that make a packet anomalous: loss, repeats, probes, resets and segments gone
    /// wrong. A connection counts the packets carrying any of them (`Connection.anomalyPackets`),
    /// and every output reports that one count.
    public static let anomalies: PacketNotes = [
        .retransmission, .fastRetransmission, .spuriousRetransmission, .outOfOrder, .duplicateAck,
        .keepalive, .keepaliveAck, .zeroWindow, .windowProbe, .windowProbeAck, .lostSegment,
        .ackedUnseenSegment, .rstOutOfWindow, .invalidFlags, .handshakeAckMismatch,
        .timeWaitAssassination, .oldDuplicateSYNRecovery, .afterClose,
        .rstChallenged, .rstNotAcknowledgingSYN, .rstAnswersUnacceptableACK, .finNotCaptured,
        .resetRevised, .unacceptableHandshakeACK, .synOnSynchronized, .staleConnectionACK, .synAckNewISN,
    ]

    /// `anomalies` as a literal for the per-packet test (a static `let` costs a once-check per
    /// read); `ReceiverRulesTests` checks that the two agree.
    @inlinable public static var anomalyMask: UInt64 {
        (1 << 0) | (1 << 2) | (1 << 3) | (1 << 5) | (1 << 8) | (1 << 11) | (1 << 12) | (1 << 13) | (1 << 14)
            | (1 << 15) | (1 << 16) | (1 << 17) | (1 << 18) | (1 << 19) | (1 << 20) | (1 << 21) | (1 << 22)
            | (1 << 24) | (1 << 25) | (1 << 26) | (1 << 27) | (1 << 28) | (1 << 29) | (1 << 30) | (1 << 31)
            | (1 << 32) | (1 << 33)
    }

    /// Stable machine names (JSON `anomalies`, grep), in bit order. Every note has one.
    public static let names: [(PacketNotes, String)] = [
        (.retransmission, "retransmission"),
        (.midstream, "midstream"),
        (.handshakeAckMismatch, "handshake_ack_mismatch"),
        (.oldDuplicateSYNRecovery, "old_duplicate_syn_recovery"),
        (.halfCloseData, "half_close_data"),
        (.afterClose, "after_close"),
        (.dataOnSYN, "data_on_syn"),
        (.portReuse, "port_reuse"),
        (.timeWaitAssassination, "time_wait_assassination"),
        (.simultaneousClose, "simultaneous_close"),
        (.simultaneousOpen, "simultaneous_open"),
        (.invalidFlags, "invalid_flags"),
        (.fastRetransmission, "fast_retransmission"),
        (.spuriousRetransmission, "spurious_retransmission"),
        (.outOfOrder, "out_of_order"),
        (.duplicateAck, "duplicate_ack"),
        (.keepalive, "keepalive"),
        (.keepaliveAck, "keepalive_ack"),
        (.zeroWindow, "zero_window"),
        (.windowProbe, "window_probe"),
        (.windowProbeAck, "window_probe_ack"),
        (.lostSegment, "lost_segment"),
        (.ackedUnseenSegment, "acked_unseen_segment"),
        (.windowUpdate, "window_update"),
        (.rstOutOfWindow, "rst_out_of_window"),
        (.rstChallenged, "rst_challenge_ack"),
        (.rstNotAcknowledgingSYN, "rst_not_acknowledging_syn"),
        (.rstAnswersUnacceptableACK, "rst_answers_unacceptable_ack"),
        (.finNotCaptured, "fin_not_captured"),
        (.resetRevised, "reset_revised"),
        (.unacceptableHandshakeACK, "unacceptable_handshake_ack"),
        (.synOnSynchronized, "syn_on_synchronized"),
        (.staleConnectionACK, "stale_connection_ack"),
        (.synAckNewISN, "syn_ack_new_isn"),
    ]

    /// The machine names of the notes set, in a fixed order.
    public var nameList: [String] { PacketNotes.names.compactMap { contains($0.0) ? $0.1 : nil } }
}

/// Why a new connection incarnation started on a 4-tuple that had one.
public enum ReuseReason: UInt8, Sendable {
    case afterClose
    case duringTimeWait
    /// A SYN with a different ISN arrived while the previous connection was open.
    case synOnOpenConnection
    /// A fresh SYN after an attempt that was never answered.
    case afterUnansweredSYN
    /// A SYN from the client of a connection refused by a RST (same ISN or not).
    case retryAfterRefusal
    /// A SYN from an endpoint whose connection a RST ended (same ISN or not).
    case retryAfterReset
    /// The SYN's peer still held an older connection on these ports (it answered with an ACK).
    case staleConnection

    public var text: StaticString {
        switch self {
        case .afterClose: return "port reuse after close"
        case .duringTimeWait: return "port reuse during TIME_WAIT"
        case .synOnOpenConnection: return "SYN sequence jump on an open connection"
        case .afterUnansweredSYN: return "new SYN after an unanswered attempt"
        case .retryAfterRefusal: return "retry after refusal"
        case .retryAfterReset: return "retry after reset"
        case .staleConnection: return "ports of an earlier connection the peer held until the RST"
        }
    }
}

/// One endpoint's state around one packet.
public struct StateChange: Sendable, Equatable {
    public var before: TCPState
    /// A state passed through within the same packet (ESTABLISHED → CLOSE_WAIT → LAST_ACK).
    public var via: TCPState?
    public var after: TCPState
    public var certainty: Certainty

    @inlinable public var changed: Bool { before != after || via != nil }
}

/// What the tracker concluded from one packet.
public struct PacketEvent: Sendable, Equatable {
    public var flow: Int
    public var sender: Role
    public var step: Step
    public var client: StateChange
    public var server: StateChange
    public var notes: PacketNotes
    /// For `.retransmission`: 1 for the first resend, 2 for the second...
    public var retransmissionCount: Int
    /// For `.handshakeAckMismatch`: what the ack should have been and what it was.
    public var expectedAck: UInt32
    public var actualAck: UInt32
    /// For `.portReuse`: why a new incarnation started, and the flow it replaced.
    public var reuse: ReuseReason?
    public var previousFlow: Int?
    /// For `.duplicateAck`: 1 for the first repeat of an ack, 2 for the second...
    public var duplicateAckCount: Int = 0
}
