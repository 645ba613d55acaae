import Foundation
import Testing

/// `-L`/`-y` (data link types) and `-J`/`-j` (timestamp sources) as tcpdump lists and takes them.
@Suite(.serialized)
struct InterfaceTypesTests {
    @Test("-L and -J list what tcpdump -L and -J list, on standard error", arguments: [["-L", "-i", "lo"], ["-L", "-i", "any"], ["-J", "-i", "lo"]])
    func listingsAsTcpdump(arguments: [String]) {
        if let reason = LiveCaptureTests.unavailable { print("skipped: \(reason)"); return }
        guard let tcpdump = Harness.which("tcpdump") else { print("skipped: tcpdump is not installed"); return }
        let theirs = Harness.run(tcpdump, arguments)
        let ours = Harness.tcpwave(arguments)
        #expect(ours.status == 0, "\(ours.stderr)")
        #expect(ours.stderr == theirs.stderr)
        #expect(ours.stdout.isEmpty)
    }

    @Test("-y picks the link type (cooked v1 on any), -j an unknown source is refused, one the device lacks is a warning")
    func choosing() throws {
        if let reason = LiveCaptureTests.unavailable { print("skipped: \(reason)"); return }
        let ns = LiveCaptureTests.Namespace()
        let cooked = try LiveCaptureTests.Capture(namespace: ns, arguments: ["-i", "any", "-y", "LINUX_SLL", "--duration", "1"])
        cooked.process.waitUntilExit()
        #expect(cooked.stderr.contains("link-type LINUX_SLL (Linux cooked v1)"), "\(cooked.stderr)")
        let wrong = try LiveCaptureTests.Capture(namespace: ns, arguments: ["-i", "lo", "-y", "LINUX_SLL", "--duration", "1"])
        wrong.process.waitUntilExit()
        #expect(wrong.process.terminationStatus == 1)
        #expect(wrong.stderr.contains("-y LINUX_SLL: not one of the data link types this device supports"), "\(wrong.stderr)")
        let lacking = try LiveCaptureTests.Capture(namespace: ns, arguments: ["-i", "lo", "-j", "adapter", "--duration", "1"])
        lacking.process.waitUntilExit()
        #expect(lacking.process.terminationStatus == 0)
        #expect(lacking.stderr.contains("WARNING: When trying to set timestamp type 'adapter' on lo"), "\(lacking.stderr)")
        let unknown = try LiveCaptureTests.Capture(namespace: ns, arguments: ["-i", "lo", "-j", "sundial", "--duration", "1"])
        unknown.process.waitUntilExit()
        #expect(unknown.process.terminationStatus == 1)
        #expect(unknown.stderr.contains("-j sundial: not a time stamp type"), "\(unknown.stderr)")
    }

    @Test("-L without -i, and -y or -j on a file, are refused")
    func misuse() {
        #expect(Harness.tcpwave(["-L"]).stderr.contains("give it with -i"))
        #expect(Harness.tcpwave(["-r", TcpdumpHabitsTests.document, "-y", "EN10MB"]).stderr.contains("-y applies to live capture"))
        #expect(Harness.tcpwave(["-r", TcpdumpHabitsTests.document, "-j", "host"]).stderr.contains("-j applies to live capture"))
    }
}
