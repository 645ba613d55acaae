/// Sequence-space arithmetic modulo 2^32 (RFC 9293 §3.4): never traps, compares across the wrap.
public enum Seq {
    /// `a < b` in sequence space.
    @inlinable @inline(__always)
    public static func lt(_ a: UInt32, _ b: UInt32) -> Bool { Int32(bitPattern: a &- b) < 0 }
    @inlinable @inline(__always)
    public static func le(_ a: UInt32, _ b: UInt32) -> Bool { Int32(bitPattern: a &- b) <= 0 }
    @inlinable @inline(__always)
    public static func gt(_ a: UInt32, _ b: UInt32) -> Bool { Int32(bitPattern: a &- b) > 0 }
    @inlinable @inline(__always)
    public static func ge(_ a: UInt32, _ b: UInt32) -> Bool { Int32(bitPattern: a &- b) >= 0 }
    /// Signed distance from `a` to `b` (b - a) in sequence space.
    @inlinable @inline(__always)
    public static func distance(_ a: UInt32, _ b: UInt32) -> Int32 { Int32(bitPattern: b &- a) }
    @inlinable @inline(__always)
    public static func max(_ a: UInt32, _ b: UInt32) -> UInt32 { gt(a, b) ? a : b }
}
