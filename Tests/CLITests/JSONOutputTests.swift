import Foundation
import Testing

/// `--json` and `--conn-log=json` are valid JSON line by line, checked with jq (installed by
/// .ci/run); each tcpwave record carries the schema and the fields docs/records.md promises.
struct JSONOutputTests {
    /// Per line: nothing when the record is complete, else what is missing or out of range.
    static let checks = #"""
    fromjson
    | if .schema != "tcpwave/1" then ["schema"]
      elif .type == "packet" then
        (["packet","ts","flow","src","dst","flags","seq","ack","len","step","client_state","server_state","anomalies"] - keys)
      elif .type == "connection" then
        (["flow","client","server","opened","closed","client_state","server_state","first_packet","last_packet","start",
          "duration","client_pkts","server_pkts","client_bytes","server_bytes","conn_state","history","anomalies"] - keys)
        + (if (.opened | IN("3way","simultaneous","refused","unanswered","midstream")) then [] else ["opened " + .opened] end)
        + (if (.closed | IN("client_fin","server_fin","simultaneous_fin","client_rst","server_rst","open")) then [] else ["closed " + .closed] end)
        + (if (.conn_state | IN("S0","S1","SF","REJ","S2","S3","RSTO","RSTR","RSTOS0","RSTRH","SH","SHR","OTH")) then [] else ["conn_state"] end)
        + (if (.anomalies | type) == "array" then [] else ["anomalies"] end)
      elif .type == "stats" then (["packets","tcp","connections"] - keys)
      elif .type == "alert" then []
      else ["type"] end
    | select(length > 0)
    """#

    static let connLogChecks = #"""
    fromjson
    | (["ts","uid","id.orig_h","id.orig_p","id.resp_h","id.resp_p","proto","conn_state","local_orig","local_resp",
        "missed_bytes","orig_pkts","orig_ip_bytes","resp_pkts","resp_ip_bytes"] - keys)
    | select(length > 0)
    """#

    static var inputs: [String] {
        var files = Harness.fixtures
        let zeek = Harness.corpus.appendingPathComponent("zeek/traces").path
        if let names = try? FileManager.default.contentsOfDirectory(atPath: zeek) {
            files += names.filter { $0.hasSuffix(".pcap") || $0.hasSuffix(".pcapng") }.sorted().map { "\(zeek)/\($0)" }
        }
        return files
    }

    @Test("every --json and --conn-log=json line parses with jq and has the promised fields")
    func jqValidity() throws {
        guard let jq = Harness.which("jq") else {
            print("skipped: jq is not installed (apt-get install jq; .ci/run installs it)")
            return
        }
        var lines = 0
        for file in JSONOutputTests.inputs {
            for (flags, filter) in [(["--json"], JSONOutputTests.checks), (["--json", "--summary"], JSONOutputTests.checks), (["--json", "--timeline"], JSONOutputTests.checks),
                                    (["--conn-log=json"], JSONOutputTests.connLogChecks)] {
                let output = Harness.tcpwave(["-r", file] + flags)
                #expect(output.status == 0, "\(file): \(output.stderr)")
                lines += output.stdout.split(separator: "\n").count
                let path = Harness.temporaryFile("jq-input-\(flags.count)-\((file as NSString).lastPathComponent).jsonl", Array(output.stdout.utf8))
                let checked = Harness.run(jq, ["-R", "-c", filter, path])
                #expect(checked.status == 0, "\(file) \(flags): jq rejects a line: \(checked.stderr.prefix(300))")
                #expect(checked.stdout.isEmpty, "\(file) \(flags): incomplete records: \(checked.stdout.prefix(500))")
            }
        }
        print("jq: \(lines) JSON lines checked over \(JSONOutputTests.inputs.count) captures")
        #expect(lines > 1000)
    }
}
