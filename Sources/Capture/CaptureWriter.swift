#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CPcap

/// Saves packets to a pcap file through libpcap's dump writer, with the source's link type
/// and snapshot length; with a `FileRotation`, into a series of files (RotatingWriter.swift).
public final class CaptureWriter {
    private var dumper: OpaquePointer
    /// The `-w` name as given (a strftime pattern with `-G`).
    public let path: String
    /// The file being written now.
    public private(set) var currentPath: String
    private let source: CaptureSource
    private var rotation: RotationState?

    public init(path: String, for source: CaptureSource, rotation: FileRotation? = nil) throws(CaptureError) {
        self.path = path
        self.source = source
        var state = rotation.map { RotationState(policy: $0, start: time(nil)) }
        let first = state?.fileName(template: path) ?? path
        guard let d = pcap_dump_open(source.rawHandle, first) else {
            throw .write(path: first, message: String(cString: pcap_geterr(source.rawHandle)))
        }
        self.dumper = d
        self.currentPath = first
        state?.filesOpened = 1
        self.rotation = state
    }

    deinit {
        pcap_dump_close(dumper)
        rotation?.waitForCommands()
    }

    /// Appends one packet, after moving to the next file if `-C` or `-G` says it is time. The
    /// file takes the source's timestamp precision, so the fraction is written as the source
    /// reported it.
    public func write(_ record: PacketRecord) {
        if rotation != nil && !rotateIfDue() { return }
        var header = pcap_pkthdr()
        header.ts.tv_sec = record.seconds
        header.ts.tv_usec = record.fraction
        header.caplen = UInt32(record.captureLength)
        header.len = UInt32(record.wireLength)
        guard let base = record.bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        withUnsafePointer(to: &header) { h in
            pcap_dump(UnsafeMutableRawPointer(dumper).assumingMemoryBound(to: UInt8.self), h, base)
        }
    }

    /// Pushes buffered packets to disk so the file is readable while capture goes on.
    public func flush() { pcap_dump_flush(dumper) }

    /// `-G` with `-W`: the last file allowed has been closed; nothing more is written.
    public var isFinished: Bool { rotation?.finished ?? false }

    /// False when nothing more may be written (`-W` files were made under `-G`).
    private func rotateIfDue() -> Bool {
        guard var state = rotation else { return true }
        defer { rotation = state }
        if state.finished { return false }
        let now = time(nil)
        let next: String
        if let seconds = state.policy.seconds, now - state.windowStart >= seconds {
            if state.policy.maxBytes == nil, let limit = state.policy.fileCount, state.filesOpened >= limit {
                close(&state)
                state.finished = true
                state.policy.onLimit?(limit)
                return false
            }
            state.windowStart = now
            state.count = 0
            next = state.fileName(template: path)
        } else if let limit = state.policy.maxBytes, Int(pcap_dump_ftell(dumper)) > limit {
            state.count += 1
            if let files = state.policy.fileCount, state.count >= files { state.count = 0 }
            next = state.fileName(template: path)
        } else {
            return true
        }
        close(&state)
        guard let d = pcap_dump_open(source.rawHandle, next) else {
            // Nowhere to write: say so once and stop saving (the run itself goes on).
            state.policy.onError?("\(next): \(String(cString: pcap_geterr(source.rawHandle)))")
            state.finished = true
            dumper = pcap_dump_open(source.rawHandle, "/dev/null")!
            return false
        }
        dumper = d
        currentPath = next
        state.filesOpened += 1
        return true
    }

    private func close(_ state: inout RotationState) {
        pcap_dump_close(dumper)
        dumper = pcap_dump_open(source.rawHandle, "/dev/null")!
        state.closed(currentPath)
    }
}
