import Wire

/// What one direction of a connection has shown so far, for the sequence analysis. Fixed size:
/// nothing here grows with the connection.
///
/// Sequence, ack and window values follow Wireshark's `tcp_analyze_seq_flow_info_t`, including
/// its convention that a `nextSeq`, `lastAck` or `maxSeqToBeAcked` of 0 means "not known yet".
public struct DirectionAnalysis: Sendable, Equatable {
    /// One past the highest sequence number sent (SYN and FIN count one); 0 when none yet.
    public internal(set) var nextSeq: UInt32 = 0
    /// When `nextSeq` last advanced.
    var nextSeqTime: Nanoseconds = 0
    /// The ack field of the last segment (even one without the ACK bit, as tshark).
    public internal(set) var lastAck: UInt32 = 0
    var lastAckTime: Nanoseconds = 0
    /// The raw window field of the last segment; `UInt32.max` before the first one.
    public internal(set) var window: UInt32 = .max
    /// Repeats of `lastAck` so far; -1 after an "ACKed unseen segment" in the other direction.
    var duplicateAcks: Int32 = 0
    /// The highest sequence number sent without a hole before it.
    var maxSeqToBeAcked: UInt32 = 0
    /// Keepalive / zero-window probe status of the last segment, for recognising the answers.
    var lastProbe: PacketNotes = []
    /// The last ack was carried by a SYN-ACK (see `analyze`: not a duplicate ACK to repeat).
    var lastAckOnSYN = false
    /// Window scale from this direction's SYN: -1 unknown (no SYN seen), -2 not in use, else 0...14.
    var windowScale: Int8 = -1
    /// This direction has sent a segment with the ACK bit (so `lastAck` is its RCV.NXT).
    var sentACK = false
    /// The sequence number of the last data retransmission and how many times it was resent.
    var resentSeq: UInt32 = 0
    var resentCount: Int32 = 0

    public init() {}
}

/// Per-direction sequence analysis of one connection: retransmissions (fast, spurious), out of
/// order, duplicate ACKs, keepalives and their ACKs, zero windows and probes, lost and ACKed
/// unseen segments, window updates.
///
/// The rules are Wireshark's `tcp_analyze_sequence_number` (epan/dissectors/packet-tcp.c), in
/// its order, so the notes agree with tshark's `tcp.analysis.*` flags packet by packet. The
/// places where tcpwave follows the RFCs instead are marked "RFC:" below and listed
/// in docs/troubles.md. Every operation is O(1) on fixed-size state; sequence numbers
/// compare modulo 2^32; nothing traps on hostile input.
public struct SequenceAnalysis: Sendable, Equatable {
    public internal(set) var client = DirectionAnalysis()
    public internal(set) var server = DirectionAnalysis()
    var handshake = HandshakeClock()

    /// The connection's handshake RTT as the out-of-order test uses it.
    struct HandshakeClock: Sendable, Equatable {
        /// Time of the most recent SYN (no ACK), 0 when none (tshark's `ts_mru_syn`).
        var mostRecentSYN: Nanoseconds = 0
        /// From that SYN to the first ACK without SYN: the out-of-order threshold (`ts_first_rtt`).
        var firstRTT: Nanoseconds = 0
    }

    /// Out of order when within this long of the highest segment, if no handshake RTT is known.
    static let defaultReorderWindow: UInt64 = 3_000_000
    /// A retransmission this soon after the peer's duplicate ACK is a fast retransmission.
    static let fastRetransmitWindow: UInt64 = 20_000_000

    // Note sets as constants: an option-set array literal in the per-packet path built an array
    // on the heap every time.
    static var resendNotes: PacketNotes { PacketNotes(rawValue: PacketNotes.retransmission.rawValue | PacketNotes.fastRetransmission.rawValue
                                                   | PacketNotes.spuriousRetransmission.rawValue | PacketNotes.outOfOrder.rawValue) }
    static var spuriousNotes: PacketNotes { PacketNotes(rawValue: PacketNotes.spuriousRetransmission.rawValue | PacketNotes.retransmission.rawValue) }
    static var fastNotes: PacketNotes { PacketNotes(rawValue: PacketNotes.fastRetransmission.rawValue | PacketNotes.retransmission.rawValue) }
    static var probeNotes: PacketNotes { PacketNotes(rawValue: PacketNotes.keepalive.rawValue | PacketNotes.windowProbe.rawValue) }

    public init() {}

    /// The analysis of one segment.
    public struct Result: Sendable, Equatable {
        public var notes: PacketNotes = []
        /// For `.duplicateAck`: which repeat.
        public var duplicateAckCount = 0
        /// For a data retransmission: 1 for the first resend of that sequence number, 2 for the second...
        public var retransmissionCount = 0
    }

    /// Analyses `s`, sent by `sender`, and updates both directions.
    /// Starts `role`'s direction afresh: its SYN-ACK opened a sequence space unrelated to what
    /// it sent before (a stale connection's ACK, an earlier SYN-ACK with another ISN).
    mutating func restart(_ role: Role) {
        if role == .client { client = DirectionAnalysis() } else { server = DirectionAnalysis() }
    }

    public mutating func analyze(_ s: Segment, sender: Role) -> Result {
        if sender == .client {
            return SequenceAnalysis.step(s, fwd: &client, rev: &server, &handshake)
        }
        return SequenceAnalysis.step(s, fwd: &server, rev: &client, &handshake)
    }

    /// The same as `analyze`, merged into the state machine's findings for the packet.
    mutating func analyze(_ s: Segment, sender: Role, into w: inout Connection.Work) {
        var r = analyze(s, sender: sender)
        if s.isSYN {
            // RFC: a SYN or SYN-ACK is judged by the state machine, which knows the handshake: in a
            // simultaneous open each side's SYN-ACK repeats its SYN's sequence number as RFC 9293
            // Figure 8 prescribes, and after an old duplicate SYN's reset the server's new SYN-ACK
            // answers afresh (Figure 9). Neither is a retransmission; a real resend is marked there.
            r.notes.subtract(SequenceAnalysis.resendNotes)
        }
        if r.notes.contains(.retransmission) && !w.notes.contains(.retransmission) {
            w.retransmission = r.retransmissionCount
        }
        w.notes.formUnion(r.notes)
        w.duplicateAckCount = r.duplicateAckCount
    }

    /// Time since `then`, unsigned as in tshark: a clock going backwards gives a huge value.
    @inline(__always)
    private static func elapsed(_ now: Nanoseconds, since then: Nanoseconds) -> UInt64 {
        UInt64(bitPattern: now &- then)
    }

    private static func step(_ s: Segment, fwd: inout DirectionAnalysis, rev: inout DirectionAnalysis,
                             _ a: inout HandshakeClock) -> Result {
        var r = Result()
        let seq = s.sequence
        let ack = s.acknowledgment
        let length = UInt32(truncatingIfNeeded: Swift.max(0, Swift.min(s.payloadLength, Int(UInt32.max))))
        let window = UInt32(s.window)
        let now = s.time
        let syn = s.isSYN, fin = s.isFIN, rst = s.isRST
        let control = syn || fin || rst
        var f: PacketNotes = []

        checks: do {
            // Zero-window probe: one byte at the next sequence number into the peer's zero window.
            if length == 1 && seq == fwd.nextSeq && rev.window == 0 {
                f.insert(.windowProbe)
                break checks
            }
            // Zero window: advertised by a segment that is not SYN, FIN or RST.
            if window == 0 && !control {
                f.insert(.zeroWindow)
            }
            // Lost segment: beyond the next expected sequence number (RSTs excepted).
            if fwd.nextSeq != 0 && Seq.gt(seq, fwd.nextSeq) && !rst {
                f.insert(.lostSegment)
            }
            // Keepalive: 0 or 1 byte starting one below the next sequence number.
            if length <= 1 && seq == fwd.nextSeq &- 1 && !control {
                // RFC: RFC 9293 §3.8.4 sends a keepalive only when nothing is outstanding
                // (SND.UNA = SND.NXT). One byte at SND.NXT-1 that the peer has not acknowledged is
                // the last byte sent again, a retransmission; tshark calls it a keepalive.
                if length == 1 && rev.sentACK && Seq.lt(rev.lastAck, fwd.nextSeq) {
                    // left to the retransmission checks below
                } else {
                    f.insert(.keepalive)
                }
            }
            let repeatsLast = length == 0 && seq == fwd.nextSeq && ack == fwd.lastAck && !control
            // Window update: no data, same seq and ack, a new non-zero window.
            if repeatsLast && window != 0 && window != fwd.window {
                f.insert(.windowUpdate)
            }
            // Keepalive ACK: the previous ack and window repeated after the peer's keepalive.
            if repeatsLast && window != 0 && window == fwd.window && rev.lastProbe.contains(.keepalive) {
                f.insert(.keepaliveAck)
                break checks
            }
            // Zero-window probe ACK: the zero window repeated after the peer's probe.
            if repeatsLast && window == 0 && fwd.window == 0 && rev.lastProbe.contains(.windowProbe) {
                f.insert(.windowProbeAck)
                break checks
            }
            // Duplicate ACK: no data, same seq, ack and window as the previous segment.
            // RFC: not when the previous ack came on a SYN-ACK (RFC 5681 §2 counts only segments
            // with SYN and FIN off): the first ACK after a simultaneous open's SYN-ACK completes
            // the handshake, it repeats nothing. Nor when this side never sent an ACK before: a
            // SYN's zero ack field equal to an ack of 0 (the peer's ISN was 2^32-1) is no repeat.
            if repeatsLast && window != 0 && window == fwd.window && !fwd.lastAckOnSYN && fwd.sentACK {
                fwd.duplicateAcks = fwd.duplicateAcks == -1 ? 1 : fwd.duplicateAcks &+ 1
                f.insert(.duplicateAck)
                r.duplicateAckCount = Int(fwd.duplicateAcks)
            }
        }

        // A new ack resets the duplicate count.
        if ack != fwd.lastAck {
            fwd.duplicateAcks = 0
        }

        // ACKed unseen segment: acknowledges beyond what the other direction showed without a hole.
        if rev.maxSeqToBeAcked != 0 && Seq.gt(ack, rev.maxSeqToBeAcked) && s.hasACK {
            if Seq.gt(rev.nextSeq, rev.maxSeqToBeAcked) {
                // A hole the other direction has since passed: say it once, then wait.
                rev.maxSeqToBeAcked = rev.nextSeq
                f.insert(.ackedUnseenSegment)
            } else {
                // The other direction may be stalled sending pure ACKs: say it once per lost segment.
                if rev.duplicateAcks == 0 { f.insert(.ackedUnseenSegment) }
                rev.duplicateAcks = -1
            }
        }

        // Retransmission, fast retransmission, spurious retransmission, out of order: a segment
        // with data, SYN or FIN that does not advance the sequence number. Never a keepalive.
        if (length > 0 || syn || fin) && !f.contains(.keepalive) {
            var notAdvanced = fwd.nextSeq != 0 && Seq.lt(seq, fwd.nextSeq)
            // More than one byte from one below the next sequence number: new data after a probe.
            if length > 1 && fwd.nextSeq &- 1 == seq { notAdvanced = false }
            classify: do {
                if length > 0 && rev.lastAck != 0 && Seq.le(seq &+ length, rev.lastAck) {
                    f.formUnion(SequenceAnalysis.spuriousNotes)
                    break classify
                }
                if notAdvanced && rev.duplicateAcks >= 2 && rev.lastAck == seq
                    && elapsed(now, since: rev.lastAckTime) < fastRetransmitWindow {
                    f.formUnion(SequenceAnalysis.fastNotes)
                    break classify
                }
                let reorderWindow = a.firstRTT == 0 ? defaultReorderWindow : UInt64(bitPattern: a.firstRTT)
                let end = seq &+ length &+ (syn || fin ? 1 : 0)
                if notAdvanced && elapsed(now, since: fwd.nextSeqTime) < reorderWindow && fwd.nextSeq != end {
                    f.insert(.outOfOrder)
                    break classify
                }
                if notAdvanced {
                    f.insert(.retransmission)
                }
            }
            if f.contains(.retransmission) {
                if fwd.resentCount > 0 && fwd.resentSeq == seq {
                    fwd.resentCount = fwd.resentCount < Int32.max ? fwd.resentCount + 1 : Int32.max
                } else {
                    fwd.resentSeq = seq
                    fwd.resentCount = 1
                }
                r.retransmissionCount = Int(fwd.resentCount)
            }
        }

        // Advance this direction. A zero-window probe does not move the next sequence number.
        let probe = f.contains(.windowProbe)
        var next = seq &+ length
        if syn || fin { next &+= 1 }
        if !probe && (fwd.nextSeq == 0 || Seq.gt(next, fwd.nextSeq)) {
            fwd.nextSeq = next
            fwd.nextSeqTime = now
        }
        if !probe && (fwd.maxSeqToBeAcked == 0 || seq == fwd.maxSeqToBeAcked) {
            fwd.maxSeqToBeAcked = fwd.nextSeq
        }

        // RSTs are judged by the state machine, which knows the receiver's window and state
        // (Connection+Reset.swift): it notes one outside the window whether or not this runs.

        // Remember what the answers to this segment will be compared with.
        fwd.window = window
        fwd.lastAck = ack
        fwd.lastAckTime = now
        fwd.lastAckOnSYN = syn && s.hasACK
        if s.hasACK { fwd.sentACK = true }
        fwd.lastProbe = f.intersection(SequenceAnalysis.probeNotes)

        // Window scaling (RFC 7323 §2.2): in use only when both SYNs carry the option.
        if syn {
            if let shift = s.options.windowScale {
                fwd.windowScale = Int8(Swift.min(shift, 14))
            }
            if fwd.windowScale == -1 {
                fwd.windowScale = -2
                rev.windowScale = -2
            } else if s.hasACK && rev.windowScale == -2 {
                fwd.windowScale = -2
            }
        }

        // The handshake RTT, from the most recent SYN to the first ACK without SYN.
        if syn && !s.hasACK {
            a.mostRecentSYN = now
        } else if !syn && s.hasACK && a.mostRecentSYN != 0 && a.firstRTT == 0 {
            a.firstRTT = now &- a.mostRecentSYN
        }

        r.notes = f
        return r
    }
}
