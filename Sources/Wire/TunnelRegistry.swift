#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Gives each tunnel seen in a run a small number (`Endpoint.tunnel`) and keeps its
/// description for the records that name a connection. Tunnels are told apart by
/// `TCPSegmentView.tunnel`, the fingerprint the decoder folds (Encapsulation.swift); numbers
/// go 1, 2, 3... in the order tunnels first appear, so output is repeatable.
///
/// One registry serves the whole process: the reader thread numbers tunnels as it decodes and
/// the tracking thread reads descriptions as connections end, so it takes a lock — only for
/// tunnelled packets. Past `capacity` tunnels (hostile traffic), new ones share the last
/// number, which merges their connections rather than growing memory without bound.
public final class TunnelRegistry: @unchecked Sendable {
    public static let shared = TunnelRegistry()
    public static let capacity = 1 << 16

    private var lock = pthread_mutex_t()
    private var numbers: [UInt64: UInt32] = [:]
    private var descriptions: [String] = []

    init() { pthread_mutex_init(&lock, nil) }

    /// The tunnel's number; `describe` is called once, when the fingerprint is new.
    public func number(for fingerprint: UInt64, describe: () -> String) -> UInt32 {
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        if let n = numbers[fingerprint] { return n }
        if descriptions.count >= TunnelRegistry.capacity - 1 {
            if descriptions.count == TunnelRegistry.capacity - 1 {
                descriptions.append("one of the tunnels past the first \(TunnelRegistry.capacity - 1)")
            }
            return UInt32(TunnelRegistry.capacity)
        }
        descriptions.append(describe())
        let n = UInt32(descriptions.count)
        numbers[fingerprint] = n
        return n
    }

    /// What tunnel `number` is, nil for 0 or a number never given.
    public func description(of number: UInt32) -> String? {
        guard number != 0 else { return nil }
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        return Int(number) <= descriptions.count ? descriptions[Int(number) - 1] : nil
    }
}
