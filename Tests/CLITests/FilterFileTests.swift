import Foundation
import Testing

/// `-F FILE`: the filter expression read from a file, as tcpdump reads it.
struct FilterFileTests {
    static let document = TcpdumpHabitsTests.document

    @Test("a filter file with comments and line breaks selects what tcpdump -F selects, on every fixture", arguments: [
        "tcp # the protocol\n  and port 80\n",
        "# only comments before\n\ntcp[tcpflags] & (tcp-syn|tcp-fin) != 0\n",
        "not port 22 and\n\tsrc net 10.0.0.0/8 or ip6",
    ])
    func sameAsTcpdump(text: String) throws {
        guard let tcpdump = Harness.which("tcpdump") else {
            print("skipped: tcpdump is not installed (apt-get install tcpdump)")
            return
        }
        let file = Harness.temporaryFile("filter-\(abs(text.hashValue)).txt", Array(text.utf8))
        var compared = 0
        for capture in Harness.fixtures {
            let tcpdumpRun = Harness.run(tcpdump, ["-#", "-nn", "-r", capture, "-F", file])
            let theirs = Differential.packets(tcpdumpRun.stdout)
            let ours = Harness.tcpwave(["-#", "-nn", "-r", capture, "-F", file, "--no-annotate"])
            // libpcap cannot filter some link types (IP over InfiniBand): both refuse alike.
            #expect((ours.status == 0) == (tcpdumpRun.status == 0), "\(capture): \(ours.stderr)")
            for (n, line) in Differential.packets(ours.stdout) {
                compared += 1
                #expect(Differential.matches(ours: line, theirs: theirs[n] ?? "<none>"), "\(capture) packet \(n)")
            }
        }
        print("-F [\(text.debugDescription)]: \(compared) TCP lines compared with tcpdump -F")
        #expect(compared > 0)
    }

    @Test("-F FILE prints what the same expression on the command line prints; -FFILE and -nF FILE too")
    func sameAsCommandLine() {
        let file = Harness.temporaryFile("filter-syn.txt", Array("tcp[13] & 2 != 0 # SYNs\n".utf8))
        let expected = Harness.tcpwave(["-r", FilterFileTests.document, "tcp[13] & 2 != 0"])
        #expect(expected.status == 0)
        for spelling in [["-F", file], ["-F\(file)"], ["-nF", file]] {
            let r = Harness.tcpwave(["-r", FilterFileTests.document] + spelling)
            #expect(r.status == 0, "\(spelling): \(r.stderr)")
            #expect(r.stdout == expected.stdout, "\(spelling)")
        }
        #expect(expected.stdout.split(separator: "\n").count == 2, "\(expected.stdout)")
    }

    @Test("an empty filter file (or one of comments) lets every packet through")
    func emptyFile() {
        let file = Harness.temporaryFile("filter-empty.txt", Array("# nothing\n\n".utf8))
        let r = Harness.tcpwave(["-r", FilterFileTests.document, "-F", file])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == Harness.tcpwave(["-r", FilterFileTests.document]).stdout)
    }

    @Test("errors: an expression on the command line too, a missing file, a bad expression, a directory")
    func errors() {
        let file = Harness.temporaryFile("filter-tcp.txt", Array("tcp\n".utf8))
        let both = Harness.tcpwave(["-r", FilterFileTests.document, "-F", file, "port", "80"])
        #expect(both.status != 0)
        #expect(both.stderr.contains("-F \(file) and an expression on the command line ('port 80')"), "\(both.stderr)")
        let missing = Harness.tcpwave(["-r", FilterFileTests.document, "-F", "/nonexistent/filter"])
        #expect(missing.status == 1)
        #expect(missing.stderr == "tcpwave: -F /nonexistent/filter: No such file or directory\n")
        let badFile = Harness.temporaryFile("filter-bad.txt", Array("tcp and\nand # oops\n".utf8))
        let bad = Harness.tcpwave(["-r", FilterFileTests.document, "-F", badFile])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("bad filter expression 'tcp and and'"), "\(bad.stderr)")
        let directory = Harness.tcpwave(["-r", FilterFileTests.document, "-F", "/tmp"])
        #expect(directory.status == 1)
        #expect(directory.stderr.contains("-F /tmp: Is a directory"), "\(directory.stderr)")
    }
}
