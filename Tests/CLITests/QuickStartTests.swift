import Foundation
import Testing

/// The README's quick start: exactly two commands, neither needing `sudo` (a container's root has
/// none), the first running tcpwave on a fixture, the second being the test command `.ci/run` runs;
/// and `Scripts/setup.sh` installing with apt-get itself as root.
struct QuickStartTests {
    static let readme: String = (try? String(contentsOf: Harness.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)) ?? ""

    /// The `sh` code blocks of the README's "Quick start" section, one string per block.
    static var quickStartCommands: [String] {
        guard let start = readme.range(of: "\n## Quick start\n") else { return [] }
        let rest = readme[start.upperBound...]
        let section = rest.range(of: "\n## ").map { rest[..<$0.lowerBound] } ?? rest
        return section.components(separatedBy: "```sh\n").dropFirst().compactMap {
            $0.components(separatedBy: "\n```").first
        }
    }

    @Test("the quick start is exactly two one-line commands, without sudo and without ';'")
    func twoCommands() {
        let commands = QuickStartTests.quickStartCommands
        #expect(commands.count == 2, "\(commands)")
        for c in commands {
            #expect(!c.contains("\n"), "one line: \(c)")
            #expect(!c.split(separator: " ").contains("sudo"), "\(c)")
            // `a; b` ran the build after a failed install: each step must depend on the one before.
            #expect(!c.contains(";"), "\(c)")
        }
        #expect(commands.first?.hasPrefix("Scripts/setup.sh && swift run -c release tcpwave -r Fixtures/") == true)
        #expect(commands.last == "Scripts/setup.sh --tests && swift test")
    }

    @Test("the first command's tcpwave part explains a fixture")
    func firstCommandRuns() throws {
        let first = try #require(QuickStartTests.quickStartCommands.first)
        let run = try #require(first.range(of: "swift run -c release tcpwave "))
        let arguments = first[run.upperBound...].split(separator: " ").map(String.init)
        let path = try #require(arguments.first { $0.hasPrefix("Fixtures/") })
        #expect(FileManager.default.fileExists(atPath: Harness.packageRoot.appendingPathComponent(path).path))
        let r = Harness.tcpwave(arguments)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("#1 handshake 1/3"))
        #expect(r.stdout.contains("#1 timeline "))
    }

    @Test(".ci/run runs the README's test command")
    func ciRunsTheTestCommand() throws {
        let test = try #require(QuickStartTests.quickStartCommands.last)
        let ci = try String(contentsOf: Harness.packageRoot.appendingPathComponent(".ci/run"), encoding: .utf8)
        #expect(ci.split(separator: "\n").contains { $0.hasPrefix(test) }, "\(test)")
    }

    /// A directory of stand-ins: `dpkg` that knows no package, `apt-get` that logs its arguments,
    /// `id` that prints `uid`, and bash; nothing else, so no `sudo`.
    static func fakeTools(uid: Int) throws -> (bin: String, log: String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tcpwave-setup-\(getpid())-\(uid)")
        try? FileManager.default.removeItem(at: dir)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let log = dir.appendingPathComponent("apt-get.log").path
        let tools = [
            "dpkg": "#!/bin/sh\nexit 1\n",
            "apt-get": "#!/bin/sh\necho \"$*\" >> '\(log)'\n",
            "id": "#!/bin/sh\necho \(uid)\n",
            "env": "#!/bin/sh\nwhile [ $# -gt 0 ] && [ \"${1#*=}\" != \"$1\" ]; do export \"$1\"; shift; done\nexec \"$@\"\n",
        ]
        for (name, text) in tools {
            let path = dir.appendingPathComponent(name).path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            chmod(path, 0o755)
        }
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("bash").path, withDestinationPath: "/bin/bash")
        return (dir.path, log)
    }

    @Test("as root without sudo, setup.sh runs apt-get itself")
    func setupAsRootWithoutSudo() throws {
        let tools = try QuickStartTests.fakeTools(uid: 0)
        let r = Harness.run("/bin/bash", ["-c", "PATH='\(tools.bin)' exec bash Scripts/setup.sh"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!r.stderr.contains("not found"), "\(r.stderr)")
        let log = (try? String(contentsOfFile: tools.log, encoding: .utf8)) ?? ""
        #expect(log == "update -qq\ninstall -y -qq --no-install-recommends libpcap-dev\n", "\(log)")
        let withTests = Harness.run("/bin/bash", ["-c", "rm -f '\(tools.log)'; PATH='\(tools.bin)' exec bash Scripts/setup.sh --tests"])
        #expect(withTests.status == 0)
        let testLog = (try? String(contentsOfFile: tools.log, encoding: .utf8)) ?? ""
        #expect(testLog.contains("install -y -qq --no-install-recommends libpcap-dev tcpdump tshark jq nftables iproute2 python3"), "\(testLog)")
    }

    @Test("neither root nor sudo: setup.sh says what to run as root, and installs nothing")
    func setupWithoutRootOrSudo() throws {
        let tools = try QuickStartTests.fakeTools(uid: 1000)
        let r = Harness.run("/bin/bash", ["-c", "PATH='\(tools.bin)' exec bash Scripts/setup.sh"])
        #expect(r.status == 1)
        #expect(r.stderr == "setup: missing libpcap-dev; as root run: apt-get update && apt-get install -y libpcap-dev\n", "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: tools.log))
    }

    @Test("setup.sh does nothing and says nothing when everything is installed")
    func setupWhenComplete() {
        guard Harness.which("dpkg") != nil,
              Harness.run("/bin/sh", ["-c", "dpkg -s libpcap-dev >/dev/null 2>&1"]).status == 0 else {
            print("skipped: not a Debian machine with libpcap-dev")
            return
        }
        let r = Harness.run("/bin/bash", ["Scripts/setup.sh"])
        #expect(r.status == 0)
        #expect(r.stdout.isEmpty && r.stderr.isEmpty, "\(r.stderr)")
    }

    /// GitHub's anchor for a heading: lower case, spaces to dashes, other punctuation dropped.
    static func anchor(_ heading: String) -> String {
        String(heading.lowercased().compactMap { c -> Character? in
            if c == " " { return "-" }
            return c.isLetter || c.isNumber || c == "-" || c == "_" ? c : nil
        })
    }

    @Test("every relative link in the README and docs/ reaches a file, and a heading for #anchors")
    func linksResolve() throws {
        let root = Harness.packageRoot
        let docs = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("docs").path)
            .filter { $0.hasSuffix(".md") }.map { "docs/\($0)" }
        for file in ["README.md"] + docs {
            let text = try String(contentsOf: root.appendingPathComponent(file), encoding: .utf8)
            let base = root.appendingPathComponent(file).deletingLastPathComponent()
            var rest = text[...]
            while let open = rest.range(of: "](") {
                rest = rest[open.upperBound...]
                guard let close = rest.firstIndex(of: ")") else { break }
                let target = String(rest[..<close])
                if target.hasPrefix("http") || target.contains(" ") { continue }
                let parts = target.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                let path = parts[0].isEmpty ? root.appendingPathComponent(file) : base.appendingPathComponent(parts[0])
                #expect(FileManager.default.fileExists(atPath: path.path), "\(file): \(target)")
                if parts.count == 2, path.pathExtension == "md", let linked = try? String(contentsOf: path, encoding: .utf8) {
                    let anchors = linked.split(separator: "\n").filter { $0.hasPrefix("#") }
                        .map { QuickStartTests.anchor(String($0.drop { $0 == "#" }.dropFirst())) }
                    #expect(anchors.contains(parts[1]), "\(file): \(target)")
                }
            }
        }
    }
}
