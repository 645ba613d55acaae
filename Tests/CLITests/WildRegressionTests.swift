import Foundation
import Testing

/// The real-world cases of issue 13 and `../shared/corpus/wild/FINDINGS.md`, pinned line by line:
/// RSTs judged as their receiver would, retries after a refusal, stale connections, competing
/// SYN-ACKs, keepalives minutes apart, revision of a RST that did not take effect. The captures
/// are other projects' test data, read from the shared corpus (skipped when it is absent).
struct WildRegressionTests {
    static let wild = Harness.corpus.appendingPathComponent("wild/captures")
    static var present: Bool { FileManager.default.fileExists(atPath: wild.path) }

    /// (capture under wild/captures, packet number, the annotation after the line's ` | `).
    static let cases: [(String, Int, String)] = [
        ("suricata-verify/tls__tls-subjectaltname__input.pcap", 12, "#1 challenge ACK from an earlier connection the peer still holds on these ports | client SYN_SENT | server LISTEN->ESTABLISHED?"),
        ("suricata-verify/tls__tls-subjectaltname__input.pcap", 14, "#1 RST answers an ACK that does not acknowledge the SYN; sender stays in SYN_SENT | client SYN_SENT | server ESTABLISHED->CLOSED"),
        ("suricata-verify/tls__tls-subjectaltname__input.pcap", 20, "#1 handshake 1/3, retransmission 1 | client SYN_SENT | server CLOSED->LISTEN?"),
        ("suricata-verify/tls__tls-subjectaltname__input.pcap", 21, "#1 handshake 2/3, new connection, ports of an earlier connection the peer held until the RST | client SYN_SENT | server LISTEN->SYN_RECEIVED"),
        ("suricata-verify/tls__tls-subjectaltname__input.pcap", 22, "#1 handshake 3/3 | client SYN_SENT->ESTABLISHED | server SYN_RECEIVED->ESTABLISHED"),
        ("ndpi/rtsp.pcap", 293, "#5 refused: server RST answers the SYN | client SYN_SENT->CLOSED | server LISTEN->CLOSED"),
        ("ndpi/rtsp.pcap", 297, "#6 handshake 1/3, retransmission 4, new connection, retry after refusal (was #5) | client CLOSED->SYN_SENT | server CLOSED->LISTEN?"),
        ("ndpi/rtsp.pcap", 301, "#6 handshake 2/3 | client SYN_SENT | server LISTEN->SYN_RECEIVED"),
        ("ndpi/rtsp.pcap", 305, "#6 handshake 3/3 | client SYN_SENT->ESTABLISHED | server SYN_RECEIVED->ESTABLISHED"),
        ("ndpi/rtsp.pcap", 309, "#6 | client ESTABLISHED | server ESTABLISHED"),
        ("ndpi/gnutella.pcap", 209, "#13 refused: server RST answers the SYN | client SYN_SENT->CLOSED | server LISTEN->CLOSED"),
        ("ndpi/gnutella.pcap", 227, "#19 handshake 1/3, retransmission 1, new connection, retry after refusal (was #13) | client CLOSED->SYN_SENT | server CLOSED->LISTEN?"),
        ("ndpi/gnutella.pcap", 245, "#26 handshake 1/3, retransmission 2, new connection, retry after refusal (was #19) | client CLOSED->SYN_SENT | server CLOSED->LISTEN?"),
        ("arkime/tcp_handshake_synthetic.pcap", 6, "#2 handshake 3/3, acks unseen segment, ack mismatch: expected 6001, got 999999, ACK does not acknowledge the SYN-ACK; server stays in SYN_RECEIVED | client SYN_SENT->ESTABLISHED | server SYN_RECEIVED"),
        ("arkime/tcp_handshake_synthetic.pcap", 7, "#2 handshake 2/3, retransmission 1 | client ESTABLISHED | server SYN_RECEIVED"),
        ("arkime/tcp_handshake_synthetic.pcap", 8, "#2 handshake 2/3, retransmission 2 | client ESTABLISHED | server SYN_RECEIVED"),
        ("arkime/tcp_handshake_synthetic.pcap", 50, "#16 handshake 3/3 | client SYN_SENT->ESTABLISHED | server SYN_RECEIVED->ESTABLISHED"),
        ("suricata-verify/tls__tls-fin-close-data-01__debug-s13.pcap", 22, "#1 RST outside the receiver's window (a receiver drops it; injection?) | client CLOSING | server CLOSING"),
        ("suricata-verify/tls__tls-fin-close-data-01__debug-s13.pcap", 23, "#1 reset by server in CLOSING | client CLOSING->CLOSED | server CLOSING->CLOSED"),
        ("ndpi/avast.pcap", 38, "#3 keepalive | client ESTABLISHED | server ESTABLISHED"),
        ("ndpi/avast.pcap", 39, "#3 keepalive ack | client ESTABLISHED | server ESTABLISHED"),
        ("ndpi/avast.pcap", 40, "#3 keepalive | client ESTABLISHED | server ESTABLISHED"),
        ("ndpi/avast.pcap", 41, "#3 keepalive ack | client ESTABLISHED | server ESTABLISHED"),
        ("ndpi/avast.pcap", 42, "#3 keepalive | client ESTABLISHED | server ESTABLISHED"),
        ("ndpi/avast.pcap", 43, "#3 keepalive ack | client ESTABLISHED | server ESTABLISHED"),
        ("arkime/tcp-reassembly-synthetic.pcap", 100, "#10 teardown 4/4 (client ACK) | client FIN_WAIT_1->FIN_WAIT_2->TIME_WAIT | server LAST_ACK->CLOSED"),
        ("arkime/tcp-reassembly-synthetic.pcap", 101, "#10 retransmission 1, after close | client TIME_WAIT | server CLOSED"),
        ("ndpi/tls_multiple_synack_different_seq.pcapng", 3, "#1 handshake 2/3, SYN-ACK with a new ISN (a second answer to the same SYN) | client SYN_SENT? | server SYN_RECEIVED"),
        ("ndpi/tls_multiple_synack_different_seq.pcapng", 4, "#1 handshake 2/3, SYN-ACK with a new ISN (a second answer to the same SYN) | client SYN_SENT? | server SYN_RECEIVED"),
        ("ndpi/KakaoTalk_chat.pcap", 46, "#3 previous segment not captured, SYN on a synchronized connection, ignored (a challenge ACK answers it) | client ESTABLISHED | server ESTABLISHED"),
        ("suricata-verify/security-4710-02__input.pcap", 7, "#1 reset by client in ESTABLISHED | client ESTABLISHED->CLOSED | server ESTABLISHED->CLOSED"),
        ("suricata-verify/security-4710-02__input.pcap", 9, "#1 connection went on: the earlier RST did not take effect | client CLOSED->ESTABLISHED? | server CLOSED->ESTABLISHED?")
    ]

    @Test("each named real-world packet gets the annotation a receiver's rules give it",
          .enabled(if: WildRegressionTests.present, "../shared/corpus/wild is missing; wild regressions skipped"))
    func namedPackets() {
        var annotations: [String: [Int: String]] = [:]
        for file in Set(WildRegressionTests.cases.map(\.0)) {
            let path = WildRegressionTests.wild.appendingPathComponent(file).path
            var byNumber: [Int: String] = [:]
            for line in Harness.tcpwave(["-#", "-r", path]).stdout.split(separator: "\n") {
                let text = String(line)
                guard let number = Int(text.drop(while: { $0 == " " }).prefix(while: { $0.isNumber })),
                      let bar = text.range(of: " | #") else { continue }
                byNumber[number] = "#" + text[bar.upperBound...]
            }
            annotations[file] = byNumber
        }
        for (file, number, expected) in WildRegressionTests.cases {
            #expect(annotations[file]?[number] == expected, "\(file) #\(number)")
        }
    }

    @Test("a close whose last ACK never came says so in its record, and durations are never negative",
          .enabled(if: WildRegressionTests.present, "../shared/corpus/wild is missing; wild regressions skipped"))
    func records() throws {
        let lost = Harness.tcpwave(["--json", "--summary", "-r",
                                    WildRegressionTests.wild.appendingPathComponent("suricata-verify/bug-4663__input.pcap").path])
        #expect(lost.stdout.contains("\"closed\":\"client_fin\",\"closed_detail\":\"in_progress\""))
        #expect(lost.stdout.contains("\"client_state\":\"FIN_WAIT_2\",\"server_state\":\"LAST_ACK\""))
        for file in ["suricata-verify/transform-base64-7296__input.pcap", "pcapplusplus/pcapng-example.pcapng"] {
            let r = Harness.tcpwave(["--json", "--summary", "-r", WildRegressionTests.wild.appendingPathComponent(file).path])
            // The record's own duration (the `zeek` object beside it mirrors Zeek's arithmetic).
            #expect(r.stdout.range(of: #""start":[0-9.]+,"duration":-"#, options: .regularExpression) == nil, "\(file)")
            #expect(r.stdout.contains("\"type\":\"connection\""), "\(file)")
        }
    }
}
