import Flows
import Wire

/// `--shard K/N` for packets the tracker never sees: a TCP packet whose header was cut short
/// still belongs to one shard, so that the N shards' lines together are one machine's.
extension FlowShard {
    /// The ports of a packet whose TCP header was cut short, when the first 4 bytes were captured.
    static func truncatedPorts(_ bytes: UnsafeRawBufferPointer, _ offset: Int, _ length: Int) -> (source: UInt16, destination: UInt16)? {
        offset + 4 <= bytes.count && length >= 4 ? (bytes.be16(offset), bytes.be16(offset + 2)) : nil
    }

    /// By its 4-tuple when the ports were captured, as its connection's packets go; without
    /// them, in shard 1 (there is no connection to keep whole).
    func containsTruncated(_ network: NetworkHeader, ports: (source: UInt16, destination: UInt16)?) -> Bool {
        guard let ports else { return index == 1 }
        return contains(Endpoint(address: network.source, port: ports.source),
                        Endpoint(address: network.destination, port: ports.destination))
    }
}
