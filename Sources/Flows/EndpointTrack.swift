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
    /// The highest acknowledgment number this endpoint sent.
    public var highestAck: UInt32? = nil
    public var packets = 0
    public var payloadBytes: UInt64 = 0
    public var firstPacketTime: Nanoseconds? = nil

    public init() {}

    @inlinable public var sentSYN: Bool { isn != nil && synTransmissions > 0 }
    @inlinable public var sentFIN: Bool { finSequence != nil }
}
