#if canImport(Glibc)
import Glibc
#endif
import Capture
import Flows
import Render
import Wire

/// Whole capture files through libpcap's reader and everything after it.
@_cdecl("LLVMFuzzerTestOneInput")
public func LLVMFuzzerTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0, let stream = fmemopen(UnsafeMutableRawPointer(mutating: data), size, "rb") else { return 0 }
    guard let source = try? CaptureSource.openStream(stream, name: "fuzz") else { return 0 }
    guard let decoder = try? FrameDecoder(linkType: source.linkType) else { return 0 }
    var tracker = FlowTracker(configuration: TrackerConfiguration(maxConnections: 16))
    var style = TcpdumpStyle()
    style.linkHeaders = true // the link header text is the part that reads the most link bytes
    var printer = TcpdumpPrinter(style: style, linkType: source.linkType)
    var out = OutputBuffer.memory()
    var number = 0
    reading: while number < 10_000 {
        switch source.next() {
        case .packet(let record):
            number += 1
            printer.writePrefix(packetNumber: number, seconds: record.seconds, fraction: record.fraction, into: &out)
            if case .tcp(let view) = decoder.decode(record.bytes, wireLength: record.wireLength) {
                printer.writeTCP(view, record.bytes, wireLength: record.wireLength, into: &out)
                if view.hasValidHeaderLength {
                    let event = tracker.process(Segment(view, options: TCPOptionSummary(record.bytes, tcp: view.tcp),
                                                        time: record.time, packetNumber: number))
                    Annotation.write(event, into: &out)
                }
            }
            _ = tracker.takeEnded()
            _ = out.takeString()
        case .timeout:
            continue
        case .end, .failure:
            break reading
        }
    }
    return 0
}
