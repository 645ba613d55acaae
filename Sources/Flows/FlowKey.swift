import Wire

/// A connection's two endpoints in canonical order, so both directions map to one key.
public struct FlowKey: Hashable, Sendable {
    public var low: Endpoint
    public var high: Endpoint

    @inlinable
    public init(_ a: Endpoint, _ b: Endpoint) {
        if b < a { low = b; high = a } else { low = a; high = b }
    }
}
