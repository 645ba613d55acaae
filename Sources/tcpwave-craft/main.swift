// tcpwave-craft: writes the crafted fixture captures (pure Swift, our own pcap writer).
//
//   swift run tcpwave-craft Fixtures/pcap/crafted
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import PcapCraft

let arguments = CommandLine.arguments.dropFirst()
guard let directory = arguments.first else {
    print("usage: tcpwave-craft DIRECTORY [SCENARIO...]")
    exit(2)
}
let wanted = Set(arguments.dropFirst())
mkdir(directory, 0o755)
for capture in Scenarios.all() where wanted.isEmpty || wanted.contains(capture.name) {
    let path = "\(directory)/\(capture.name).pcap"
    do {
        try capture.pcap().write(to: path)
        print("\(path): \(capture.records.count) packets, \(capture.summary)")
    } catch {
        print("tcpwave-craft: \(error)")
        exit(1)
    }
}
