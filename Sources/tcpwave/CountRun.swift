import Capture
import Render

/// `--count`: only the number of packets read (those the filter passes, TCP or not), printed as
/// tcpdump prints it (`10 packets`); `-c` stops the count, as tcpdump's.
struct CountRun {
    let paths: [String]
    let settings: RunSettings

    func run() -> Int32 {
        var count = 0
        var status: Int32 = 0
        reading: for path in paths {
            let source: CaptureSource
            do {
                source = try CaptureSource.openFile(path, nanosecondPrecision: settings.style.nanoseconds)
                if let filter = settings.filter { try source.setFilter(filter) }
            } catch {
                diagnose("\(error)")
                status = 1
                continue
            }
            inform("reading from file \(path), link-type \(source.linkTypeText), snapshot length \(source.snapshotLength)")
            var inFile = 0
            while !StopRequest.isRequested {
                if let limit = settings.packetLimit, count >= limit { break reading }
                switch source.next() {
                case .packet:
                    count += 1
                    inFile += 1
                case .timeout:
                    continue
                case .end:
                    continue reading
                case .failure(let message):
                    diagnose("\(path == "-" ? "<stdin>" : path): packet \(inFile + 1): \(CaptureSource.describeReadFailure(message))")
                    status = 1
                    continue reading
                }
            }
        }
        print("\(count) packet\(count == 1 ? "" : "s")")
        return status
    }
}
