/// What the capture has shown of one endpoint of a connection.
public struct EndpointTrack: Sendable, Equatable {
    public var state: TCPState = .closed
    public var certainty: Certainty = .observed
    /// When the endpoint entered `state`; nil when that happened before the capture showed it.
    public var stateSince: Nanoseconds? = nil
    /// Initial sequence number, from its SYN (or inferred from the peer's ack of it).
    public var isn: UInt32? = nil
    /// SYN or SYN-ACK transmissions with `isn`.
    public var synTransmissions = 0
    /// Payload bytes its SYN carried (TCP Fast Open).
    public var synPayload = 0
    /// One past the highest sequence number sent.
    public var nextSequence: UInt32? = nil
    /// Sequence number occupied by its FIN.
    public var finSequence: UInt32? = nil
    public var finTransmissions = 0
    /// The peer acknowledged this endpoint's FIN.
    public var finAcked = false
    /// This endpoint acknowledged the peer's FIN.
    public var ackedPeerFIN = false
    public var sentRST = false
    /// The highest acknowledgment number this endpoint sent: its RCV.NXT as far as the capture shows.
    public var highestAck: UInt32? = nil
    /// The acknowledgment number of its latest segment with the ACK bit.
    public var lastAck: UInt32? = nil
    /// The raw window field of its latest segment with the ACK bit, and whether that was a SYN-ACK
    /// (whose window is never scaled).
    public var window: UInt16 = 0
    public var windowOnSYN = false
    /// Window scale from its SYN: -1 no SYN seen, -2 the SYN had no option, else 0...14.
    public var windowScale: Int8 = -1
    /// Its FIN was inferred from sequence space: the capture never showed it.
    public var finInferred = false
    /// What a RST changed, for revising it if the connection goes on: the state it left and
    /// one past the highest sequence number it had sent then.
    public var stateBeforeReset: TCPState? = nil
    public var certaintyBeforeReset: Certainty = .observed
    public var sequenceAtReset: UInt32? = nil
    public var packets = 0
    public var payloadBytes: UInt64 = 0
    public var firstPacketTime: Nanoseconds? = nil

    public init() {}

    @inlinable public var sentSYN: Bool { isn != nil && synTransmissions > 0 }
    @inlinable public var sentFIN: Bool { finSequence != nil }
}
