import Foundation
import Testing

/// Rules every state inference must keep, checked on every capture of the shared corpus
/// (tcpdump's, Zeek's, the other and the real-world ones) from `--json --timeline`:
/// - an endpoint held CLOSED moves nothing: no segment of its own but a RST changes a state
///   (what still comes from it was in flight; a new attempt is a new connection);
/// - a connection record that says the close completed (`four_way`, `three_segment`,
///   `simultaneous`) has both endpoints CLOSED or in TIME_WAIT;
/// - no duration is negative;
/// - the per-packet `client_path`/`server_path` lists, taken in packet order, give exactly the
///   transitions of the connection's timeline.
struct CorpusInvariantTests {
    struct Tally {
        var captures = 0
        var packets = 0
        var afterClose = 0
        var filesWithAfterClose = 0
        var movedByClosedSender: [String] = []
        var contradictedVerdicts: [String] = []
        var negativeDurations: [String] = []
        var pathMismatches: [String] = []
        /// Connections whose timeline was compared with their packets' paths.
        var timelinesCompared = 0
    }

    static func check(_ file: String, into t: inout Tally) {
        let r = Harness.tcpwave(["--json", "--timeline", "-r", file])
        t.captures += 1
        let name = file.replacingOccurrences(of: Harness.corpus.path + "/", with: "")
        // Per flow and role: has the endpoint been out of CLOSED yet, and its transitions so far.
        var opened: Set<String> = []
        var paths: [Int: [String]] = [:]
        var afterClose = 0
        for line in r.stdout.split(separator: "\n") {
            guard let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let type = o["type"] as? String else { continue }
            if type == "packet", o["tracked"] as? Bool == true, let flow = o["flow"] as? Int,
               let sender = o["sender"] as? String, let flags = o["flags"] as? String {
                t.packets += 1
                let number = o["packet"] as? Int ?? 0
                if (o["anomalies"] as? [String])?.contains("after_close") == true { afterClose += 1 }
                for role in ["client", "server"] {
                    let path = o["\(role)_path"] as? [String] ?? []
                    for (a, b) in zip(path, path.dropFirst()) { paths[flow, default: []].append("\(role) \(a)->\(b)") }
                }
                let before = o["\(sender)_before"] as? String
                let key = "\(flow) \(sender)"
                let moved = ["client", "server"].contains { ((o["\($0)_path"] as? [String])?.count ?? 1) > 1 }
                if before == "CLOSED" && opened.contains(key) && !flags.contains("R") && moved
                    && !((o["anomalies"] as? [String])?.contains("reset_revised") ?? false) {
                    t.movedByClosedSender.append("\(name) #\(number)")
                }
                if before != "CLOSED" { opened.insert(key) }
            } else if type == "connection", let flow = o["flow"] as? Int {
                let detail = o["closed_detail"] as? String ?? ""
                let states = [o["client_state"] as? String ?? "", o["server_state"] as? String ?? ""]
                if ["four_way", "three_segment", "simultaneous"].contains(detail)
                    && !states.allSatisfy({ $0 == "CLOSED" || $0 == "TIME_WAIT" }) {
                    t.contradictedVerdicts.append("\(name) flow \(flow): \(detail) with \(states)")
                }
                if let d = o["duration"] as? Double, d < 0 { t.negativeDurations.append("\(name) flow \(flow): \(d)") }
                if let timeline = o["timeline"] as? [[String: Any]], timeline.count < 64 {
                    let expected = timeline.filter { $0["certainty"] as? String != "projected" }
                        .map { "\($0["endpoint"] as? String ?? "") \($0["from"] as? String ?? "")->\($0["to"] as? String ?? "")" }
                    let seen = paths[flow] ?? []
                    t.timelinesCompared += 1
                    // A timeline lists a role's changes in order; compare each role's own sequence.
                    for role in ["client", "server"] where expected.filter({ $0.hasPrefix(role) }) != seen.filter({ $0.hasPrefix(role) }) {
                        t.pathMismatches.append("\(name) flow \(flow) \(role): timeline \(expected.filter { $0.hasPrefix(role) }) packets \(seen.filter { $0.hasPrefix(role) })")
                    }
                }
            }
        }
        t.afterClose += afterClose
        if afterClose > 0 { t.filesWithAfterClose += 1 }
    }

    @Test("state inference invariants hold on every capture of the shared corpus",
          .enabled(if: !TsharkConformance.corpusCaptures.isEmpty, "../shared/corpus is missing; corpus invariants skipped"))
    func invariants() {
        var t = Tally()
        for file in TsharkConformance.corpusCaptures { CorpusInvariantTests.check(file, into: &t) }
        print("corpus invariants: \(t.captures) captures, \(t.packets) tracked packets; \(t.afterClose) after close in "
              + "\(t.filesWithAfterClose) files; moved by a CLOSED sender \(t.movedByClosedSender.count); "
              + "contradicted close verdicts \(t.contradictedVerdicts.count); negative durations \(t.negativeDurations.count); "
              + "path/timeline mismatches \(t.pathMismatches.count) of \(t.timelinesCompared) timelines")
        #expect(t.captures > 0)
        // The comparison must have had something to compare: every corpus connection has a timeline.
        #expect(t.timelinesCompared > 1000, "\(t.timelinesCompared) timelines compared")
        #expect(t.movedByClosedSender.isEmpty, "\(t.movedByClosedSender.prefix(20))")
        #expect(t.contradictedVerdicts.isEmpty, "\(t.contradictedVerdicts.prefix(20))")
        #expect(t.negativeDurations.isEmpty, "\(t.negativeDurations.prefix(20))")
        #expect(t.pathMismatches.isEmpty, "\(t.pathMismatches.prefix(20))")
    }
}
