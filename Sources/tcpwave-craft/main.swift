// tcpwave-craft: writes captures with our own pure-Swift pcap writer.
//
//   tcpwave-craft DIRECTORY [SCENARIO...]            the crafted fixtures (Fixtures/pcap/crafted)
//   tcpwave-craft traffic FILE PACKETS [CONCURRENT]  interleaved synthetic connections (benchmark)
//   tcpwave-craft flood FILE SYNS                    a SYN flood from distinct sources (benchmark)
//   tcpwave-craft showcase FILE                      traffic, a SYN flood in the middle, more traffic
//                                                    (the HTML report's pictures in docs/)
//   tcpwave-craft malformed DIRECTORY                 damaged captures (Fixtures/malformed)
//   tcpwave-craft floods DIRECTORY                    SYN floods the detector once missed (Fixtures/floods)
//   tcpwave-craft linktypes DIRECTORY                 one conversation in each non-Ethernet link type (Fixtures/pcap/linktypes)
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import PcapCraft

func complain(_ message: String) {
    var line = Array((message + "\n").utf8)
    _ = line.withUnsafeMutableBytes { Glibc.write(2, $0.baseAddress, $0.count) }
}

func fail(_ message: String) -> Never {
    complain("tcpwave-craft: \(message)")
    exit(1)
}

func save(_ bytes: [UInt8], to path: String) {
    guard let f = fopen(path, "wb") else { fail("\(path): \(String(cString: strerror(errno)))") }
    let n = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, f) }
    fclose(f)
    if n != bytes.count { fail("\(path): short write") }
}

/// Writes each capture as DIRECTORY/NAME.pcap (creating DIRECTORY) and says what it holds.
func write(_ captures: [CraftedCapture], into directory: String) {
    mkdir(directory, 0o755)
    for capture in captures {
        let path = "\(directory)/\(capture.name).pcap"
        do {
            try capture.pcap().write(to: path)
            print("\(path): \(capture.records.count) packets, \(capture.summary)")
        } catch {
            fail("\(error)")
        }
    }
}

let arguments = Array(CommandLine.arguments.dropFirst())
guard let first = arguments.first else {
    complain("usage: tcpwave-craft DIRECTORY [SCENARIO...] | traffic FILE PACKETS [CONCURRENT] | flood FILE SYNS | floods DIRECTORY")
    exit(2)
}
switch first {
case "traffic":
    guard arguments.count >= 3, let n = Int(arguments[2]), n > 0 else { fail("usage: traffic FILE PACKETS [CONCURRENT]") }
    var mix = SyntheticTraffic.Mix()
    if arguments.count > 3, let w = Int(arguments[3]), w > 0 { mix.concurrent = w }
    var traffic = SyntheticTraffic()
    traffic.connections(packets: n, mix: mix)
    save(traffic.bytes, to: arguments[1])
    print("\(arguments[1]): \(traffic.packets) packets, \(traffic.connections) connections, \(mix.concurrent) open at once")
case "flood":
    guard arguments.count >= 3, let n = Int(arguments[2]), n > 0 else { fail("usage: flood FILE SYNS") }
    var traffic = SyntheticTraffic()
    traffic.synFlood(count: n)
    save(traffic.bytes, to: arguments[1])
    print("\(arguments[1]): \(traffic.packets) SYNs from distinct sources")
case "showcase":
    guard arguments.count >= 2 else { fail("usage: showcase FILE") }
    var mix = SyntheticTraffic.Mix()
    mix.concurrent = 200
    mix.serverPool = 40
    var traffic = SyntheticTraffic(seed: 7)
    // Steady traffic to 40 servers; a SYN flood from distinct sources in the middle third.
    for round in 0..<12 {
        traffic.connections(packets: traffic.packets + 5_000, mix: mix)
        if (4..<8).contains(round) { traffic.synFlood(count: 1_500, target: 1) }
        traffic.pause(seconds: 0.5)
    }
    save(traffic.bytes, to: arguments[1])
    print("\(arguments[1]): \(traffic.packets) packets, \(traffic.connections) connections and a 6,000-SYN flood")
case "linktypes":
    guard arguments.count >= 2 else { fail("usage: linktypes DIRECTORY") }
    write(LinkTypeCaptures.all(), into: arguments[1])
case "floods":
    guard arguments.count >= 2 else { fail("usage: floods DIRECTORY") }
    write(Scenarios.floods(), into: arguments[1])
case "malformed":
    guard arguments.count >= 2 else { fail("usage: malformed DIRECTORY") }
    mkdir(arguments[1], 0o755)
    for (name, bytes) in MalformedCaptures.all() {
        save(bytes, to: "\(arguments[1])/\(name).pcap")
        print("\(arguments[1])/\(name).pcap: \(bytes.count) bytes")
    }
default:
    let directory = first
    let wanted = Set(arguments.dropFirst())
    write(Scenarios.all().filter { wanted.isEmpty || wanted.contains($0.name) }, into: directory)
}
