import Foundation
import Testing

/// `-C`, `-G`, `-W`, `-z` on a live capture in a network namespace: the files rotate, each is a
/// valid capture, and the files read back with `-V` print what the capture printed as it ran.
@Suite(.serialized)
struct LiveRotationTests {
    typealias Live = LiveCaptureTests

    /// A directory anyone may write to: the capture drops root (to nobody) before it rotates.
    static func directory() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tcpwave-rotate-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        chmod(dir, 0o777)
        return dir
    }

    static func files(in dir: String, prefix: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [])
            .filter { $0.hasPrefix(prefix) }.map { "\(dir)/\($0)" }
    }

    /// Runs a capture with `rotation` while clients connect, until it ends or `seconds` pass.
    static func capture(_ rotation: [String], seconds: Double, ns: Live.Namespace) throws -> Live.Capture {
        let server = try ns.server(port: 8080)
        defer { Live.end(server) }
        usleep(300_000)
        let capture = try Live.Capture(namespace: ns, arguments: ["-i", "lo", "-#", "tcp port 8080"] + rotation)
        #expect(capture.waitUntilListening(), "\(capture.stderr)")
        let clients = try ns.clients(port: 8080, count: 1000, perSecond: 25)
        defer { Live.end(clients) }
        let deadline = Date().addingTimeInterval(seconds)
        while capture.process.isRunning && Date() < deadline { usleep(50_000) }
        if capture.process.isRunning { _ = capture.interrupt() } else { capture.process.waitUntilExit() }
        return capture
    }

    /// The capture's own lines equal the rotated files' lines read back as one stream.
    static func expectSameAsReadBack(_ capture: Live.Capture, _ files: [String], name: String) {
        for f in files {
            let r = Harness.tcpwave(["-r", f, "--summary"])
            #expect(r.status == 0, "\(f) is not a valid capture: \(r.stderr)")
        }
        let list = Harness.temporaryFile("\(name).list", Array(files.joined(separator: "\n").utf8))
        let back = Harness.tcpwave(["-#", "-V", list])
        #expect(back.status == 0, "\(back.stderr)")
        let live = capture.stdout.split(separator: "\n")
        #expect(live.count > 50, "\(capture.stderr)")
        #expect(back.stdout.split(separator: "\n") == live, "the files read with -V print what the capture printed")
    }

    @Test("-C rotates by size (name, name1, name2...) and the files read back with -V print what the capture printed")
    func sizeRotation() throws {
        if let reason = Live.unavailable { print("skipped: \(reason)"); return }
        let ns = Live.Namespace()
        let dir = try LiveRotationTests.directory()
        let capture = try LiveRotationTests.capture(["-w", "\(dir)/size.pcap", "-C", "0.01"], seconds: 4, ns: ns)
        let files = LiveRotationTests.files(in: dir, prefix: "size.pcap")
        #expect(files.count >= 3, "\(files)")
        let ordered = ["\(dir)/size.pcap"] + (1..<files.count).map { "\(dir)/size.pcap\($0)" }
        #expect(Set(ordered) == Set(files), "tcpdump's numbering: \(files)")
        for f in ordered.dropLast() {
            let size = (try? FileManager.default.attributesOfItem(atPath: f)[.size] as? Int) ?? 0
            #expect(size > 10_000 && size < 12_000, "\(f): \(size) bytes")
        }
        LiveRotationTests.expectSameAsReadBack(capture, ordered, name: "size")
    }

    @Test("-C with -W is a ring: the names go round and the disk used stays bounded")
    func ringOfFiles() throws {
        if let reason = Live.unavailable { print("skipped: \(reason)"); return }
        let ns = Live.Namespace()
        let dir = try LiveRotationTests.directory()
        let capture = try LiveRotationTests.capture(["-w", "\(dir)/ring.pcap", "-C", "0.005", "-W", "3"], seconds: 5, ns: ns)
        let files = LiveRotationTests.files(in: dir, prefix: "ring.pcap").sorted()
        #expect(files == ["\(dir)/ring.pcap0", "\(dir)/ring.pcap1", "\(dir)/ring.pcap2"], "\(files)")
        let lines = capture.stdout.split(separator: "\n").count
        let kept = files.map { Harness.tcpwave(["-r", $0, "--no-annotate"]).stdout.split(separator: "\n").count }.reduce(0, +)
        #expect(lines > kept, "older packets were overwritten: \(lines) printed, \(kept) kept")
        for f in files {
            let size = (try? FileManager.default.attributesOfItem(atPath: f)[.size] as? Int) ?? 0
            #expect(size < 7_000, "\(f): \(size) bytes")
        }
    }

    @Test("-G rotates by time with strftime names; -W with -G ends the capture after that many files, status 0; -z runs on each closed file")
    func timeRotation() throws {
        if let reason = Live.unavailable { print("skipped: \(reason)"); return }
        let ns = Live.Namespace()
        let dir = try LiveRotationTests.directory()
        let script = "\(dir)/rotated.sh"
        _ = FileManager.default.createFile(atPath: script, contents: Data("#!/bin/sh\necho \"$1\" >> \(dir)/rotated.txt\n".utf8))
        chmod(script, 0o755)
        let capture = try LiveRotationTests.capture(["-w", "\(dir)/time-%Y%m%d-%H%M%S.pcap", "-G", "1", "-W", "3", "-z", script],
                                                    seconds: 10, ns: ns)
        #expect(capture.process.terminationStatus == 0, "\(capture.stderr)")
        #expect(capture.stderr.contains("Maximum file limit reached: 3"), "\(capture.stderr)")
        let files = LiveRotationTests.files(in: dir, prefix: "time-").sorted()
        #expect(files.count == 3, "\(files)")
        #expect(files.allSatisfy { $0.range(of: #"time-\d{8}-\d{6}\.pcap$"#, options: .regularExpression) != nil }, "\(files)")
        let rotated = ((try? String(contentsOfFile: "\(dir)/rotated.txt", encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        #expect(rotated == files, "-z ran on each file as it was closed: \(rotated)")
        // The packets read once the limit was reached (the one that found it, and any in the
        // same block from the kernel) are printed but not saved, as the capture ends.
        let lines = capture.stdout.split(separator: "\n")
        let back = Harness.tcpwave(["-#", "-V", Harness.temporaryFile("time.list", Array(files.joined(separator: "\n").utf8))])
        let readBack = back.stdout.split(separator: "\n")
        #expect(readBack.count > 20 && readBack.count <= lines.count && lines.count - readBack.count <= 5, "\(readBack.count) of \(lines.count)")
        #expect(Array(lines.prefix(readBack.count)) == readBack)
    }

    @Test("reading a 2.4 MB capture, -C 1 and -C 1 -W 3 write tcpdump's files byte for byte", arguments: [["-C", "1"], ["-C", "1", "-W", "3"]])
    func sizeRotationAsTcpdump(options: [String]) throws {
        let capture = Harness.corpus.appendingPathComponent("wild/captures/suricata-verify/smb2-async-read__input.pcap").path
        guard let tcpdump = Harness.which("tcpdump"), FileManager.default.fileExists(atPath: capture) else {
            print("skipped: tcpdump or the shared corpus is absent")
            return
        }
        let theirs = try LiveRotationTests.directory(), ours = try LiveRotationTests.directory()
        _ = Harness.run(tcpdump, ["-r", capture, "-w", "\(theirs)/x.pcap"] + options)
        let r = Harness.tcpwave(["-r", capture, "-w", "\(ours)/x.pcap", "--summary"] + options)
        #expect(r.status == 0, "\(r.stderr)")
        let names = LiveRotationTests.files(in: theirs, prefix: "x.pcap").map { ($0 as NSString).lastPathComponent }.sorted()
        #expect(names.count >= 3, "\(names)")
        #expect(LiveRotationTests.files(in: ours, prefix: "x.pcap").map { ($0 as NSString).lastPathComponent }.sorted() == names)
        for name in names {
            #expect(FileManager.default.contents(atPath: "\(ours)/\(name)") == FileManager.default.contents(atPath: "\(theirs)/\(name)"), "\(name)")
        }
    }

    @Test("-C, -G, -W and -z without -w, or -W and -z without -C or -G, are refused")
    func misuse() {
        for args in [["-C", "1"], ["-G", "5"], ["-w", "/tmp/x.pcap", "-W", "3"], ["-w", "/tmp/x.pcap", "-z", "gzip"], ["-w", "/tmp/x.pcap", "-C", "0"]] {
            let r = Harness.tcpwave(["-r", TcpdumpHabitsTests.document] + args)
            #expect(r.status != 0, "\(args)")
            #expect(r.stderr.contains(args.first { $0.hasPrefix("-") && $0 != "-w" }!), "\(args): \(r.stderr)")
        }
    }
}
