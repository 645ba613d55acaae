import Foundation
import Testing

/// tcpwave's inferred states against the Linux kernel's own, on captures recorded while the
/// kernel's socket state changes were traced (Fixtures/pcap/kernel, recorded by
/// Fixtures/scripts/record-kernel-truth.sh; each NAME.pcap has a NAME.states).
///
/// Comparison convention (also in Fixtures/pcap/kernel/README.md): per connection (a kernel
/// socket pair = one tcpwave flow, in order of first packet, for the scenario's 4-tuple) and per
/// endpoint (identified by address:port, whatever role tcpwave gives it), the ordered list of
/// DISTINCT consecutive states. tcpwave's list is built from the per-packet JSON records:
/// `X_before`, then `X_path` when present (every state passed through on that packet), then
/// `X_state`. A leading CLOSED is dropped (the client's socket starts there; tcpwave's server
/// starts CLOSED before the first SYN makes it LISTEN), unless the endpoint never leaves
/// CLOSED (a port with no socket answering a SYN with RST). A trailing "?" (inferred marker)
/// is ignored: LISTEN? is LISTEN. TIME_WAIT is the last state either side shows: the kernel's
/// 60 s expiry is after the capture ends.
struct KernelTruthTests {
    struct Scenario: CustomTestStringConvertible, Sendable {
        let name: String
        let behaviour: String
        /// Why today's tcpwave differs from the kernel (issue 13), or nil when it matches.
        let knownIssue: String?
        var testDescription: String { "\(name): \(behaviour)" }
    }

    static let scenarios: [Scenario] = [
        Scenario(name: "normal-close",
                 behaviour: "a client-first close is FIN_WAIT_1 → FIN_WAIT_2 → TIME_WAIT and CLOSE_WAIT → LAST_ACK → CLOSED",
                 knownIssue: nil),
        Scenario(name: "fin-ack-together",
                 behaviour: "a FIN,ACK that acknowledges the client's FIN passes it through FIN_WAIT_2 on the way to TIME_WAIT",
                 knownIssue: nil),
        Scenario(name: "half-close",
                 behaviour: "data into a half-closed connection keeps the client in FIN_WAIT_2 and the server in CLOSE_WAIT",
                 knownIssue: nil),
        Scenario(name: "lost-fin",
                 behaviour: "a FIN lost before the capture point, then retransmitted, still takes the client through FIN_WAIT_2",
                 knownIssue: nil),
        Scenario(name: "simultaneous-close-lost-fin",
                 behaviour: "a simultaneous close whose first FIN was lost is FIN_WAIT_1 → CLOSING → TIME_WAIT for that endpoint",
                 knownIssue: nil),
        Scenario(name: "lost-syn-ack",
                 behaviour: "a retransmitted SYN-ACK and the client's repeated SYN leave a single handshake",
                 knownIssue: nil),
        Scenario(name: "rst-in-window",
                 behaviour: "an abortive close (SO_LINGER 0) with a RST at RCV.NXT closes both endpoints",
                 knownIssue: nil),
        Scenario(name: "rst-out-of-window",
                 behaviour: "a RST outside the receive window changes no state",
                 knownIssue: nil),
        Scenario(name: "rst-challenge-ack",
                 behaviour: "a RST in the window but not at RCV.NXT draws a challenge ACK and changes no state",
                 knownIssue: nil),
        Scenario(name: "refused-retry",
                 behaviour: "a port with no socket refuses a SYN from CLOSED; the retry from the same port is a new connection",
                 knownIssue: "tcpwave narrates the SYN's receiver as LISTEN? (inferred) until the RST proves no socket "
                     + "listened (LISTEN? → CLOSED); the kernel had no socket there (CLOSED throughout)"),
        Scenario(name: "keepalive",
                 behaviour: "keepalive probes and their ACKs change no state",
                 knownIssue: nil),
    ]

    /// One connection's expected (kernel) or inferred (tcpwave) states per endpoint.
    struct Connection: Equatable, CustomStringConvertible {
        var client: [String]
        var server: [String]
        var description: String { "client \(client.joined(separator: " ")) | server \(server.joined(separator: " "))" }
    }

    struct Expected {
        var clientAddress: String
        var serverAddress: String
        var connections: [Connection]
    }

    static func directory() -> URL { Harness.packageRoot.appendingPathComponent("Fixtures/pcap/kernel") }

    static func kernel(_ name: String) throws -> Expected {
        let url = directory().appendingPathComponent("\(name).states")
        let data = try Data(contentsOf: url)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let conns = try #require(object["connections"] as? [[String: Any]], "\(name).states: no connections")
        let first = try #require(conns.first)
        var expected = Expected(clientAddress: try #require(first["client"] as? String),
                                serverAddress: try #require(first["server"] as? String), connections: [])
        for c in conns {
            expected.connections.append(Connection(client: try #require(c["client_states"] as? [String]),
                                                   server: try #require(c["server_states"] as? [String])))
        }
        return expected
    }

    /// Distinct consecutive states, leading CLOSED dropped unless it is all there is.
    static func distinct(_ states: [String]) -> [String] {
        var out: [String] = []
        for raw in states {
            let state = raw.hasSuffix("?") ? String(raw.dropLast()) : raw
            if out.last != state { out.append(state) }
        }
        if out.count > 1 && out.first == "CLOSED" { out.removeFirst() }
        return out
    }

    /// tcpwave's states per flow (in order of first packet) for the two addresses.
    static func tcpwave(_ name: String, client: String, server: String) throws -> [Connection] {
        let r = Harness.tcpwave(["--json", "-r", "Fixtures/pcap/kernel/\(name).pcap"])
        #expect(r.status == 0, "tcpwave exit \(r.status): \(r.stderr.suffix(1000))")
        var order: [Int] = []
        var paths: [Int: [String: [String]]] = [:]   // flow -> address -> states
        for line in r.stdout.split(separator: "\n") {
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  object["type"] as? String == "packet", object["tracked"] as? Bool == true,
                  let flow = object["flow"] as? Int, let src = object["src"] as? String,
                  let dst = object["dst"] as? String, let sender = object["sender"] as? String else { continue }
            guard Set([src, dst]) == Set([client, server]) else { continue }
            if paths[flow] == nil { order.append(flow); paths[flow] = [:] }
            // Which address tcpwave calls its client in this flow.
            let tcpwaveClient = sender == "client" ? src : dst
            for role in ["client", "server"] {
                let address = role == "client" ? tcpwaveClient : (tcpwaveClient == src ? dst : src)
                var states: [String] = []
                if let before = object["\(role)_before"] as? String { states.append(before) }
                if let path = object["\(role)_path"] as? [String] { states += path }
                if let after = object["\(role)_state"] as? String { states.append(after) }
                paths[flow]![address, default: []] += states
            }
        }
        return order.map { flow in
            Connection(client: distinct(paths[flow]![client] ?? []), server: distinct(paths[flow]![server] ?? []))
        }
    }

    static func compare(_ scenario: Scenario) throws {
        let expected = try kernel(scenario.name)
        let inferred = try tcpwave(scenario.name, client: expected.clientAddress, server: expected.serverAddress)
        let kernelText = expected.connections.map(\.description).joined(separator: " ; ")
        let tcpwaveText = inferred.map(\.description).joined(separator: " ; ")
        #expect(inferred == expected.connections, """
            \(scenario.name): kernel and tcpwave differ
              kernel:  \(kernelText)
              tcpwave: \(tcpwaveText)
            """)
    }

    @Test("tcpwave's state sequences equal the Linux kernel's", arguments: KernelTruthTests.scenarios)
    func matchesKernel(_ scenario: Scenario) throws {
        if let issue = scenario.knownIssue {
            // Swift Testing reports the test as failing if the known issue stops happening:
            // remove the marker then.
            withKnownIssue(Comment(rawValue: issue)) { try KernelTruthTests.compare(scenario) }
        } else {
            try KernelTruthTests.compare(scenario)
        }
    }

    @Test("every kernel-truth capture has its states file and a scenario")
    func complete() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: KernelTruthTests.directory().path)
        let captures = Set(files.filter { $0.hasSuffix(".pcap") }.map { String($0.dropLast(5)) })
        let states = Set(files.filter { $0.hasSuffix(".states") }.map { String($0.dropLast(7)) })
        #expect(captures == states)
        #expect(captures == Set(KernelTruthTests.scenarios.map(\.name)))
    }

    @Test("the comparison keeps distinct states and drops only a leading CLOSED")
    func convention() {
        #expect(KernelTruthTests.distinct(["CLOSED", "LISTEN?", "LISTEN", "SYN_RECEIVED", "SYN_RECEIVED"]) == ["LISTEN", "SYN_RECEIVED"])
        #expect(KernelTruthTests.distinct(["CLOSED", "CLOSED"]) == ["CLOSED"])
        #expect(KernelTruthTests.distinct(["ESTABLISHED", "CLOSED", "SYN_SENT"]) == ["ESTABLISHED", "CLOSED", "SYN_SENT"])
    }
}
