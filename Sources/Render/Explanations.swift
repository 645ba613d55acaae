import Flows
import Wire

/// `--lang`: the language of `--explain`.
public enum ExplainLanguage: String, CaseIterable, Sendable {
    case en, zh
}

/// What an explanation is about: a step of an exchange, a note on the packet, a state an
/// endpoint entered, or an ordinary packet. The texts are in one table per language
/// (`Explanations+en.swift`, `Explanations+zh.swift`), keyed by these.
///
/// Placeholders in the texts: `{sender}`, `{receiver}` (the roles' names in the language),
/// `{role}` (the endpoint a transition is about), `{state}` (the sender's state before the
/// packet), `{len}` (payload bytes), `{count}` (which resend or repeat), `{expected}`, `{got}`
/// (acknowledgment numbers), `{previous}` (the connection a port reuse follows), `{twomsl}`
/// (2×MSL in seconds).
public enum ExplanationKey: String, CaseIterable, Sendable {
    case roleClient = "role.client"
    case roleServer = "role.server"

    case handshake1 = "step.handshake.1"
    case handshake2 = "step.handshake.2"
    case handshake3 = "step.handshake.3"
    case simultaneousOpenSYN = "step.simultaneous-open.syn"
    case simultaneousOpenSYNACK = "step.simultaneous-open.syn-ack"
    case teardown1 = "step.teardown.1"
    case teardown2 = "step.teardown.2"
    case teardown3 = "step.teardown.3"
    case teardown4 = "step.teardown.4"
    case teardown2and3 = "step.teardown.2+3"
    case simultaneousCloseFIN = "step.simultaneous-close.fin"
    case simultaneousCloseACK = "step.simultaneous-close.ack"
    case simultaneousCloseLastACK = "step.simultaneous-close.last-ack"
    case reset = "step.reset"
    case resetInHandshake = "step.reset.handshake"
    case refused = "step.refused"

    case data = "packet.data"
    case pureAck = "packet.ack"
    case other = "packet.other"

    case enterClosed = "enter.CLOSED"
    case enterListen = "enter.LISTEN"
    case enterSynSent = "enter.SYN_SENT"
    case enterSynReceived = "enter.SYN_RECEIVED"
    case enterEstablished = "enter.ESTABLISHED"
    case enterFinWait1 = "enter.FIN_WAIT_1"
    case enterFinWait2 = "enter.FIN_WAIT_2"
    case enterCloseWait = "enter.CLOSE_WAIT"
    case enterClosing = "enter.CLOSING"
    case enterLastAck = "enter.LAST_ACK"
    case enterTimeWait = "enter.TIME_WAIT"

    case retransmission = "note.retransmission"
    case fastRetransmission = "note.fast_retransmission"
    case spuriousRetransmission = "note.spurious_retransmission"
    case midstream = "note.midstream"
    case handshakeAckMismatch = "note.handshake_ack_mismatch"
    case oldDuplicateSYNRecovery = "note.old_duplicate_syn_recovery"
    case halfCloseData = "note.half_close_data"
    case afterClose = "note.after_close"
    case dataOnSYN = "note.data_on_syn"
    case portReuse = "note.port_reuse"
    case timeWaitAssassination = "note.time_wait_assassination"
    case invalidFlags = "note.invalid_flags"
    case outOfOrder = "note.out_of_order"
    case duplicateAck = "note.duplicate_ack"
    case keepalive = "note.keepalive"
    case keepaliveAck = "note.keepalive_ack"
    case zeroWindow = "note.zero_window"
    case windowProbe = "note.window_probe"
    case windowProbeAck = "note.window_probe_ack"
    case lostSegment = "note.lost_segment"
    case ackedUnseenSegment = "note.acked_unseen_segment"
    case windowUpdate = "note.window_update"
    case rstOutOfWindow = "note.rst_out_of_window"
    case rstChallenged = "note.rst_challenge_ack"
    case rstNotAcknowledgingSYN = "note.rst_not_acknowledging_syn"
    case rstAnswersUnacceptableACK = "note.rst_answers_unacceptable_ack"
    case finNotCaptured = "note.fin_not_captured"
    case resetRevised = "note.reset_revised"
    case unacceptableHandshakeACK = "note.unacceptable_handshake_ack"
    case synOnSynchronized = "note.syn_on_synchronized"
    case staleConnectionACK = "note.stale_connection_ack"
    case synAckNewISN = "note.syn_ack_new_isn"

    /// The key for entering `state`.
    public static func entering(_ state: TCPState) -> ExplanationKey {
        switch state {
        case .closed: return .enterClosed
        case .listen: return .enterListen
        case .synSent: return .enterSynSent
        case .synReceived: return .enterSynReceived
        case .established: return .enterEstablished
        case .finWait1: return .enterFinWait1
        case .finWait2: return .enterFinWait2
        case .closeWait: return .enterCloseWait
        case .closing: return .enterClosing
        case .lastAck: return .enterLastAck
        case .timeWait: return .enterTimeWait
        }
    }

    /// Notes in the order they are explained (the most telling first); notes the step
    /// already says (simultaneous open or close) have none.
    static let notes: [(PacketNotes, ExplanationKey)] = [
        (.midstream, .midstream),
        (.portReuse, .portReuse),
        (.oldDuplicateSYNRecovery, .oldDuplicateSYNRecovery),
        (.timeWaitAssassination, .timeWaitAssassination),
        (.rstOutOfWindow, .rstOutOfWindow),
        (.rstChallenged, .rstChallenged),
        (.rstNotAcknowledgingSYN, .rstNotAcknowledgingSYN),
        (.rstAnswersUnacceptableACK, .rstAnswersUnacceptableACK),
        (.resetRevised, .resetRevised),
        (.finNotCaptured, .finNotCaptured),
        (.unacceptableHandshakeACK, .unacceptableHandshakeACK),
        (.staleConnectionACK, .staleConnectionACK),
        (.synOnSynchronized, .synOnSynchronized),
        (.synAckNewISN, .synAckNewISN),
        (.invalidFlags, .invalidFlags),
        (.handshakeAckMismatch, .handshakeAckMismatch),
        (.dataOnSYN, .dataOnSYN),
        (.fastRetransmission, .fastRetransmission),
        (.spuriousRetransmission, .spuriousRetransmission),
        (.retransmission, .retransmission),
        (.keepalive, .keepalive),
        (.keepaliveAck, .keepaliveAck),
        (.windowProbe, .windowProbe),
        (.windowProbeAck, .windowProbeAck),
        (.zeroWindow, .zeroWindow),
        (.lostSegment, .lostSegment),
        (.outOfOrder, .outOfOrder),
        (.duplicateAck, .duplicateAck),
        (.ackedUnseenSegment, .ackedUnseenSegment),
        (.windowUpdate, .windowUpdate),
        (.halfCloseData, .halfCloseData),
        (.afterClose, .afterClose),
    ]
}

public enum Explanations {
    /// The text table of one language.
    public static func table(_ language: ExplainLanguage) -> [ExplanationKey: String] {
        switch language {
        case .en: return english
        case .zh: return chinese
        }
    }
}

/// `--explain`: after each annotated line, what just happened and why, in plain words.
public struct Explainer: Sendable {
    public let language: ExplainLanguage
    let table: [ExplanationKey: String]
    let twoMSL: String
    /// Notes explained per packet at most (besides its step).
    static let noteLimit = 2

    public init(language: ExplainLanguage, msl: Nanoseconds) {
        self.language = language
        self.table = Explanations.table(language)
        self.twoMSL = LadderText.compactSeconds(2 &* msl)
    }

    /// The keys explaining one packet, in order: its step (unless it is a resend or an
    /// old-duplicate-SYN recovery, which their notes explain), up to `noteLimit` notes, and when neither applies the state an endpoint
    /// entered, or what an ordinary data segment or ACK does.
    public func keys(_ e: PacketEvent, payloadLength: Int, flags: TCPFlags) -> [ExplanationKey] {
        var keys: [ExplanationKey] = []
        // A resent step, and the RST of old-duplicate-SYN recovery, are their notes' to explain.
        let noteSaysAll = e.notes.contains(.retransmission) || e.notes.contains(.oldDuplicateSYNRecovery)
        if let step = Explainer.stepKey(e), !noteSaysAll { keys.append(step) }
        var notes = 0
        for (note, key) in ExplanationKey.notes where e.notes.contains(note) && notes < Explainer.noteLimit {
            // One retransmission sentence is enough.
            if key == .retransmission && (keys.contains(.fastRetransmission) || keys.contains(.spuriousRetransmission)) { continue }
            keys.append(key)
            notes += 1
        }
        if keys.isEmpty {
            let order: [(Role, StateChange)] = e.sender == .client ? [(.client, e.client), (.server, e.server)]
                                                                   : [(.server, e.server), (.client, e.client)]
            if let (_, change) = order.first(where: { $0.1.changed }) {
                keys.append(ExplanationKey.entering(change.after))
            } else if payloadLength > 0 {
                keys.append(.data)
            } else if flags.contains(.ack) {
                keys.append(.pureAck)
            } else {
                keys.append(.other)
            }
        }
        return keys
    }

    static func stepKey(_ e: PacketEvent) -> ExplanationKey? {
        switch e.step {
        case .none: return nil
        case .handshake(let k): return k <= 1 ? .handshake1 : (k == 2 ? .handshake2 : .handshake3)
        case .simultaneousOpen(let k): return k <= 2 ? .simultaneousOpenSYN : .simultaneousOpenSYNACK
        case let .teardown(step, through):
            if through != step { return .teardown2and3 }
            switch step {
            case ...1: return .teardown1
            case 2: return .teardown2
            case 3: return .teardown3
            default: return .teardown4
            }
        case .simultaneousClose(let k): return k <= 2 ? .simultaneousCloseFIN : (k == 3 ? .simultaneousCloseACK : .simultaneousCloseLastACK)
        case .reset:
            let before = e.sender == .client ? e.client.before : e.server.before
            return before == .synSent || before == .synReceived || before == .listen ? .resetInHandshake : .reset
        case .refused: return .refused
        }
    }

    /// The explanation sentences of one packet, placeholders filled in.
    public func sentences(_ e: PacketEvent, payloadLength: Int, flags: TCPFlags) -> [String] {
        keys(e, payloadLength: payloadLength, flags: flags).map { fill(table[$0] ?? $0.rawValue, e, payloadLength: payloadLength) }
    }

    /// Writes one line per sentence, each `    # ` and the text.
    public func write(_ e: PacketEvent, payloadLength: Int, flags: TCPFlags, into out: inout OutputBuffer) {
        for s in sentences(e, payloadLength: payloadLength, flags: flags) {
            out.append("    # ")
            out.append(string: s)
            out.append(UInt8(ascii: "\n"))
        }
    }

    func roleName(_ r: Role) -> String { table[r == .client ? .roleClient : .roleServer] ?? r.name.description }

    func fill(_ template: String, _ e: PacketEvent, payloadLength: Int) -> String {
        guard template.contains("{") else { return template }
        // The endpoint a transition is about: the sender if its state changed, else the peer.
        let role: Role = (e.sender == .client ? e.client : e.server).changed ? e.sender : e.sender.peer
        let before = e.sender == .client ? e.client.before : e.server.before
        let count = e.notes.contains(.duplicateAck) && !e.notes.contains(.retransmission) ? e.duplicateAckCount : e.retransmissionCount
        let values: [(String, String)] = [
            ("{sender}", roleName(e.sender)),
            ("{receiver}", roleName(e.sender.peer)),
            ("{role}", roleName(role)),
            ("{state}", before.description),
            ("{len}", String(payloadLength)),
            ("{count}", String(count)),
            ("{expected}", String(e.expectedAck)),
            ("{got}", String(e.actualAck)),
            ("{previous}", e.previousFlow.map { String($0) } ?? "?"),
            ("{twomsl}", twoMSL),
        ]
        var s = template
        for (key, value) in values where s.contains(key) {
            s = s.replacing(key, with: value)
        }
        return Explainer.capitalizedFirst(s)
    }

    /// A sentence that starts with a placeholder (`{sender} ...`) starts with a capital.
    static func capitalizedFirst(_ s: String) -> String {
        guard let first = s.unicodeScalars.first, first.value >= 97 && first.value <= 122 else { return s }
        return String(first).uppercased() + String(s.unicodeScalars.dropFirst())
    }
}
