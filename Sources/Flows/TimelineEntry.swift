/// One state change of one endpoint, with the packet that evidenced it. Stored in 24 bytes:
/// a connection keeps one per change, and millions of connections pass through a long capture.
public struct TimelineEntry: Sendable, Equatable {
    public var time: Nanoseconds
    private var storedTimeInPrevious: Nanoseconds
    private var storedPacket: UInt32
    public var role: Role
    public var from: TCPState
    public var to: TCPState
    public var certainty: Certainty

    private static let absent = Nanoseconds.min

    /// The packet that showed the change; nil for a projected change (TIME_WAIT's end).
    public var packetNumber: Int? {
        get { storedPacket == 0 ? nil : Int(storedPacket) }
        set { storedPacket = newValue.map { UInt32(clamping: $0) } ?? 0 }
    }

    /// How long the endpoint had been in `from`; nil when `from` was never entered in view.
    public var timeInPrevious: Nanoseconds? {
        get { storedTimeInPrevious == TimelineEntry.absent ? nil : storedTimeInPrevious }
        set { storedTimeInPrevious = newValue ?? TimelineEntry.absent }
    }

    public init(time: Nanoseconds, role: Role, from: TCPState, to: TCPState, packetNumber: Int?,
                certainty: Certainty, timeInPrevious: Nanoseconds?) {
        self.time = time
        self.storedTimeInPrevious = timeInPrevious ?? TimelineEntry.absent
        self.storedPacket = packetNumber.map { UInt32(clamping: $0) } ?? 0
        self.role = role
        self.from = from
        self.to = to
        self.certainty = certainty
    }
}
