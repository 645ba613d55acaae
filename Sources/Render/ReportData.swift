import Flows
import Wire

/// One connection as the HTML report's table lists it: every connection of the capture has one,
/// whether or not its ladder was recorded. Small and fixed-size (the verdict is kept as the
/// enums it is written from), so 200,000 of them stay a few tens of megabytes.
public struct ConnectionRow: Sendable {
    public var number: Int
    public var client: Endpoint
    public var server: Endpoint
    public var firstTime: Nanoseconds
    public var lastTime: Nanoseconds
    public var packets: Int
    public var bytes: UInt64
    public var anomalies: Int
    public var opening: Opening
    public var closing: Closing
    public var reason: EndReason

    public init(_ e: EndedConnection) {
        let c = e.connection
        number = c.number
        client = c.client
        server = c.server
        firstTime = c.firstTime
        lastTime = c.lastTime
        packets = c.clientTrack.packets + c.serverTrack.packets
        bytes = c.clientTrack.payloadBytes &+ c.serverTrack.payloadBytes
        anomalies = c.anomalyPackets
        opening = c.opening
        closing = c.closing
        reason = e.reason
    }

    /// `3-way handshake; 4-way close by client`, as the ladders write it.
    public var verdict: String { LadderText.verdict(opening: opening, closing: closing, reason: reason) }
}

/// One packet as the time-sequence graph draws it: numbers relative to each side's first
/// sequence number, the window scaled when both SYNs agreed on scaling.
public struct SequencePoint: Sendable {
    /// Points kept per connection; the graph says how many more packets it does not show.
    public static let limit = 20_000

    public var time: Nanoseconds
    public var sender: Role
    /// The sender's relative sequence number and the sequence space the segment occupies
    /// (payload, plus one for SYN and for FIN).
    public var seq: UInt32
    public var length: UInt32
    /// The relative acknowledgment of the peer's data (nil without ACK).
    public var ack: UInt32?
    /// The receive window the sender advertises, in bytes.
    public var window: UInt32
    /// False when the window could not be scaled (no SYNs, or no scaling agreed).
    public var windowScaled: Bool
    public var flags: TCPFlags
    public var notes: PacketNotes
    /// The first SACK block, relative to the peer's sequence numbers.
    public var sack: (UInt32, UInt32)?
}
