#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes classic pcap files (microsecond or nanosecond) in pure Swift, for crafted captures.
public struct PcapFileWriter {
    public let linkType: UInt32
    public let nanosecond: Bool
    public let snapshotLength: UInt32
    public private(set) var bytes: [UInt8] = []

    public init(linkType: UInt32 = 1, nanosecond: Bool = false, snapshotLength: UInt32 = 262144) {
        self.linkType = linkType
        self.nanosecond = nanosecond
        self.snapshotLength = snapshotLength
        appendLE32(nanosecond ? 0xa1b2_3c4d : 0xa1b2_c3d4)
        appendLE16(2)
        appendLE16(4)
        appendLE32(0)
        appendLE32(0)
        appendLE32(snapshotLength)
        appendLE32(linkType)
    }

    /// Appends a record; `nanoseconds` is the fraction of the second.
    public mutating func append(seconds: UInt32, nanoseconds: UInt32, frame: [UInt8], originalLength: Int? = nil) {
        appendLE32(seconds)
        appendLE32(nanosecond ? nanoseconds : nanoseconds / 1000)
        appendLE32(UInt32(frame.count))
        appendLE32(UInt32(originalLength ?? frame.count))
        bytes += frame
    }

    /// Appends raw bytes (for deliberately broken files).
    public mutating func appendRaw(_ raw: [UInt8]) { bytes += raw }

    private mutating func appendLE32(_ v: UInt32) {
        bytes += [UInt8(v & 0xff), UInt8(v >> 8 & 0xff), UInt8(v >> 16 & 0xff), UInt8(v >> 24)]
    }

    private mutating func appendLE16(_ v: UInt16) { bytes += [UInt8(v & 0xff), UInt8(v >> 8)] }

    /// Writes the file; throws with the system's reason.
    public func write(to path: String) throws(PcapWriteError) {
        guard let f = fopen(path, "wb") else { throw PcapWriteError(path: path, reason: String(cString: strerror(errno))) }
        defer { fclose(f) }
        let n = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, f) }
        guard n == bytes.count else { throw PcapWriteError(path: path, reason: String(cString: strerror(errno))) }
    }
}

public struct PcapWriteError: Error, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "\(path): \(reason)" }
}
