import Foundation
import Synchronization

/// tcpdump's and tcpwave's printed packets for a capture in one form, computed once per test
/// process. The differential, coverage, tunnel and link-type suites compare the same captures in
/// the same forms (default, `-v`, `-S -vv`); running each program once per capture and form
/// instead of once per suite keeps CI's time down. Only for captures nothing writes to while the
/// suite runs (fixtures and the shared corpus).
enum PrintedPackets {
    private final class Slot: Sendable {
        let packets = Mutex<[Int: String]?>(nil)
    }

    private static let slots = Mutex<[String: Slot]>([:])

    /// `tcpdump -# -nn -r FILE OPTIONS`, packet number → text.
    static func tcpdump(_ tcpdump: String, _ file: String, _ options: [String]) -> [Int: String] {
        memo(["tcpdump", file] + options) {
            Differential.packets(Harness.run(tcpdump, ["-#", "-nn", "-r", file] + options).stdout)
        }
    }

    /// `tcpwave -# -nn -r FILE --no-annotate OPTIONS`, packet number → text.
    static func tcpwave(_ file: String, _ options: [String]) -> [Int: String] {
        memo(["tcpwave", file] + options) {
            Differential.packets(Harness.tcpwave(["-#", "-nn", "-r", file, "--no-annotate"] + options).stdout)
        }
    }

    /// One computation per key, also when two suites ask at the same time: the second waits for
    /// the first's result instead of running the program again.
    private static func memo(_ key: [String], _ compute: () -> [Int: String]) -> [Int: String] {
        let id = key.joined(separator: "\u{0}")
        let slot = slots.withLock { slots in
            if let known = slots[id] { return known }
            let fresh = Slot()
            slots[id] = fresh
            return fresh
        }
        return slot.packets.withLock { packets in
            if let packets { return packets }
            let computed = compute()
            packets = computed
            return computed
        }
    }
}
