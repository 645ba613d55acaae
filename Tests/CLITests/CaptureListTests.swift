import Foundation
import Testing

/// Several captures read as one stream: `-V FILE`, `-r` more than once, `--merge`.
struct CaptureListTests {
    static let busy = "Fixtures/pcap/crafted/busy-server.pcap"

    static func directory(_ name: String) -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tcpwave-list-\(getpid())-\(name)").path
        try? FileManager.default.removeItem(atPath: dir)
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// `capture` cut into files of `count` packets by editcap (as tcpdump -C cuts a capture);
    /// nil when editcap is not installed.
    static func pieces(_ capture: String, count: Int, name: String) -> [String]? {
        guard let editcap = Harness.which("editcap") else { return nil }
        let dir = directory(name)
        _ = Harness.run(editcap, ["-F", "pcap", "-c", "\(count)", capture, "\(dir)/part.pcap"])
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted().map { "\(dir)/\($0)" }
        return files.count > 1 ? files : nil
    }

    static func list(_ paths: [String], name: String) -> String {
        Harness.temporaryFile("\(name).list", Array((paths.joined(separator: "\n") + "\n").utf8))
    }

    @Test("a capture cut into pieces and read with -V prints what the whole capture prints: lines, numbers, timelines, records",
          arguments: [["-#", "--timeline"], ["--json"], ["--conn-log"], ["--summary"]])
    func piecesReadAsOne(options: [String]) throws {
        // Each case its own directory: the cases run at the same time.
        let name = "pieces" + options.joined().filter { $0.isLetter }
        guard let parts = CaptureListTests.pieces(CaptureListTests.busy, count: 7, name: name) else {
            print("skipped: editcap is not installed (apt-get install tshark)")
            return
        }
        let whole = Harness.tcpwave(["-r", CaptureListTests.busy] + options)
        let listed = Harness.tcpwave(["-V", CaptureListTests.list(parts, name: name)] + options)
        let repeated = Harness.tcpwave(parts.flatMap { ["-r", $0] } + options)
        #expect(listed.status == 0, "\(listed.stderr)")
        let mask = { (s: String) in s.split(separator: "\n").filter { !$0.hasPrefix("#open") && !$0.hasPrefix("#close") } }
        #expect(mask(listed.stdout) == mask(whole.stdout))
        #expect(mask(repeated.stdout) == mask(whole.stdout))
        #expect(listed.stderr.components(separatedBy: "reading from file").count - 1 == parts.count, "one line per file, as tcpdump")
        #expect(listed.stderr.contains("720 packets read"), "\(listed.stderr)")
    }

    @Test("-V lines and packet numbers are tcpdump -V's, numbers counting on across the files")
    func sameAsTcpdump() throws {
        guard let tcpdump = Harness.which("tcpdump"),
              let parts = CaptureListTests.pieces(CaptureListTests.busy, count: 50, name: "tcpdump") else {
            print("skipped: tcpdump or editcap is not installed")
            return
        }
        let list = CaptureListTests.list(parts, name: "tcpdump")
        let theirs = Differential.packets(Harness.run(tcpdump, ["-#", "-nn", "-V", list]).stdout)
        let ours = Differential.packets(Harness.tcpwave(["-#", "-nn", "-V", list, "--no-annotate"]).stdout)
        #expect(ours.count == 720)
        #expect(ours.keys.max() == 720)
        for (n, line) in ours { #expect(Differential.matches(ours: line, theirs: theirs[n] ?? "<none>"), "packet \(n)") }
    }

    @Test("--merge orders overlapping captures by time, as mergecap does")
    func mergeAsMergecap() throws {
        guard let mergecap = Harness.which("mergecap"), let tcpdump = Harness.which("tcpdump") else {
            print("skipped: mergecap or tcpdump is not installed")
            return
        }
        let dir = CaptureListTests.directory("merge")
        // The server's packets and the clients': two captures spanning the same seconds, as if
        // taken on two hosts.
        _ = Harness.run(tcpdump, ["-r", CaptureListTests.busy, "-w", "\(dir)/server.pcap", "tcp src port 443"])
        _ = Harness.run(tcpdump, ["-r", CaptureListTests.busy, "-w", "\(dir)/clients.pcap", "not tcp src port 443"])
        _ = Harness.run(mergecap, ["-F", "pcap", "-w", "\(dir)/merged.pcap", "\(dir)/clients.pcap", "\(dir)/server.pcap"])
        let expected = Harness.tcpwave(["-#", "-r", "\(dir)/merged.pcap", "--timeline"])
        let merged = Harness.tcpwave(["-#", "--merge", "-r", "\(dir)/clients.pcap", "-r", "\(dir)/server.pcap", "--timeline"])
        #expect(merged.status == 0, "\(merged.stderr)")
        #expect(merged.stdout == expected.stdout)
        #expect(merged.stdout == Harness.tcpwave(["-#", "-r", CaptureListTests.busy, "--timeline"]).stdout)
        // One after the other instead, the two halves of each connection do not meet.
        let sequential = Harness.tcpwave(["-#", "-r", "\(dir)/clients.pcap", "-r", "\(dir)/server.pcap", "--timeline"])
        #expect(sequential.stdout != expected.stdout)
    }

    @Test("a missing, truncated or foreign file in the list is one line naming it; the others are read; status 1")
    func badFilesSkipped() throws {
        let dir = CaptureListTests.directory("bad")
        let good = CaptureListTests.busy
        let bytes = try [UInt8](Data(contentsOf: Harness.packageRoot.appendingPathComponent(good)))
        let truncated = "\(dir)/truncated.pcap"
        _ = FileManager.default.createFile(atPath: truncated, contents: Data(bytes.prefix(200)))
        let text = "\(dir)/text.pcap"
        _ = FileManager.default.createFile(atPath: text, contents: Data("not a capture\n".utf8))
        let list = CaptureListTests.list(["\(dir)/missing.pcap", truncated, text, good], name: "bad")
        let r = Harness.tcpwave(["-V", list, "--summary"])
        #expect(r.status == 1)
        let errors = r.stderr.split(separator: "\n").filter { $0.hasPrefix("tcpwave: ") && !$0.contains("packets read") }
        #expect(errors.count == 3, "\(r.stderr)")
        #expect(errors.contains { $0.contains("\(dir)/missing.pcap") })
        #expect(errors.contains { $0.contains("truncated.pcap: packet 2") && $0.contains("the rest of the file is skipped") }, "\(r.stderr)")
        #expect(errors.contains { $0.contains("text.pcap") })
        #expect(r.stdout.split(separator: "\n").count >= 120, "the good file's 120 connections are still reported")
    }

    @Test("-c counts across the files; -V with -r, --merge with one file, and an empty list are refused")
    func limitsAndErrors() throws {
        guard let parts = CaptureListTests.pieces(CaptureListTests.busy, count: 7, name: "limits") else {
            print("skipped: editcap is not installed (apt-get install tshark)")
            return
        }
        let list = CaptureListTests.list(parts, name: "limits")
        let r = Harness.tcpwave(["-V", list, "-c", "10", "--no-annotate"])
        #expect(r.stdout.split(separator: "\n").count == 10)
        #expect(r.stderr.components(separatedBy: "reading from file").count - 1 == 2, "the third file is never opened")
        let both = Harness.tcpwave(["-V", list, "-r", CaptureListTests.busy])
        #expect(both.status != 0 && both.stderr.contains("-V and -r are alternatives"), "\(both.stderr)")
        let mergeOne = Harness.tcpwave(["--merge", "-r", CaptureListTests.busy])
        #expect(mergeOne.status != 0 && mergeOne.stderr.contains("--merge"), "\(mergeOne.stderr)")
        let empty = Harness.tcpwave(["-V", CaptureListTests.list([""], name: "empty")])
        #expect(empty.status == 1 && empty.stderr.contains("lists no capture files"), "\(empty.stderr)")
    }
}
