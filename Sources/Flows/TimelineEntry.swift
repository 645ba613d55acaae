/// One state change of one endpoint, with the packet that evidenced it.
public struct TimelineEntry: Sendable, Equatable {
    public var time: Nanoseconds
    public var role: Role
    public var from: TCPState
    public var to: TCPState
    /// The packet that showed the change; nil for a projected change (TIME_WAIT's end).
    public var packetNumber: Int?
    public var certainty: Certainty
    /// How long the endpoint had been in `from`; nil when `from` was never entered in view.
    public var timeInPrevious: Nanoseconds?

    public init(time: Nanoseconds, role: Role, from: TCPState, to: TCPState, packetNumber: Int?,
                certainty: Certainty, timeInPrevious: Nanoseconds?) {
        self.time = time
        self.role = role
        self.from = from
        self.to = to
        self.packetNumber = packetNumber
        self.certainty = certainty
        self.timeInPrevious = timeInPrevious
    }
}
