import Flows
import Wire

/// Feeds hand-made segments between 10.0.0.1:40000 (client) and 10.0.0.2:80 (server) to a whole
/// tracker; times advance by `after` microseconds.
struct Exchange {
    var tracker = FlowTracker()
    var time: Nanoseconds = 1_700_000_000 * 1_000_000_000
    var number = 0
    let client = Endpoint(address: IPAddress("10.0.0.1")!, port: 40000)
    let server = Endpoint(address: IPAddress("10.0.0.2")!, port: 80)

    @discardableResult
    mutating func send(_ fromClient: Bool, seq: UInt32, ack: UInt32 = 0, _ flags: TCPFlags = .ack, length: Int = 0,
                       window: UInt16 = 1000, after micros: Int64 = 1000, wscale: UInt8? = nil) -> PacketEvent {
        time += micros * 1000
        number += 1
        var options = TCPOptionSummary()
        options.windowScale = wscale
        let s = Segment(source: fromClient ? client : server, destination: fromClient ? server : client, sequence: seq,
                        acknowledgment: ack, flags: flags, window: window, payloadLength: length, options: options,
                        time: time, packetNumber: number)
        return tracker.process(s)
    }

    /// SYN 1000, SYN-ACK 5000, ACK: client data starts at 1001, server data at 5001.
    mutating func handshake(rtt micros: Int64 = 10_000) {
        send(true, seq: 1000, ack: 0, .syn, after: 0)
        send(false, seq: 5000, ack: 1001, [.syn, .ack], after: micros / 2)
        send(true, seq: 1001, ack: 5001, after: micros / 2)
    }
}
