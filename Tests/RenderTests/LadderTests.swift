import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Flows
import Render
import Testing
import Wire

/// The ladder recorder and renderers on connections built segment by segment: bounded memory
/// on long and hostile connections, nothing trapping on odd ones, well-formed output, and the
/// explanation tables complete in every language.
struct LadderTests {
    static let client = Endpoint(address: IPAddress("10.0.0.1")!, port: 40000)
    static let server = Endpoint(address: IPAddress("10.0.0.2")!, port: 80)

    /// Feeds segments through a tracker into a recorder, as Session does.
    struct Feed {
        var tracker = FlowTracker()
        var recorder: LadderRecorder
        var number = 0
        var time: Nanoseconds = 1_764_320_400_000_000_000

        init(recorder: LadderRecorder = LadderRecorder(collectsReport: true)) { self.recorder = recorder }

        mutating func send(from a: Endpoint, to b: Endpoint, seq: UInt32, ack: UInt32, _ flags: TCPFlags, length: Int = 0) {
            number += 1
            time += 1_000_000
            let s = Segment(source: a, destination: b, sequence: seq, acknowledgment: ack, flags: flags,
                            payloadLength: length, time: time, packetNumber: number)
            recorder.stateSeries?.sample(upTo: time, &tracker)
            let e = tracker.process(s)
            recorder.record(s, e)
            recorder.ended(tracker.takeEnded())
        }

        mutating func finish() {
            recorder.stateSeries?.finish(tracker)
            tracker.finish()
            recorder.ended(tracker.takeEnded())
        }
    }

    static func handshake(_ f: inout Feed) {
        f.send(from: client, to: server, seq: 100, ack: 0, .syn)
        f.send(from: server, to: client, seq: 500, ack: 101, [.syn, .ack])
        f.send(from: client, to: server, seq: 101, ack: 501, .ack)
    }

    static func xmlIsWellFormed(_ text: String) -> Bool { XMLParser(data: Data(text.utf8)).parse() }

    static func packetCount(_ flow: LadderFlow) -> Int {
        flow.allItems.reduce(0) { n, item in
            switch item {
            case .arrow: return n + 1
            case .band(let b): return n + b.packets
            }
        }
    }

    @Test("a long data phase becomes one band between its first and last packets; the teardown stays")
    func longTransfer() throws {
        var f = Feed()
        LadderTests.handshake(&f)
        var seq: UInt32 = 101
        for _ in 0..<5000 {
            f.send(from: LadderTests.client, to: LadderTests.server, seq: seq, ack: 501, [.psh, .ack], length: 1000)
            seq &+= 1000
            f.send(from: LadderTests.server, to: LadderTests.client, seq: 501, ack: seq, .ack)
        }
        f.send(from: LadderTests.client, to: LadderTests.server, seq: seq, ack: 501, [.fin, .ack])
        f.send(from: LadderTests.server, to: LadderTests.client, seq: 501, ack: seq + 1, [.fin, .ack])
        f.send(from: LadderTests.client, to: LadderTests.server, seq: seq + 1, ack: 502, .ack)
        f.finish()
        let flow = try #require(f.recorder.flows.first)
        let items = flow.allItems
        #expect(items.count < 20)
        #expect(LadderTests.packetCount(flow) == 10_006)
        let bands = items.compactMap { item -> LadderBand? in if case .band(let b) = item { return b } else { return nil } }
        #expect(bands.count == 1)
        #expect(bands.first?.clientBytes ?? 0 > 4_000_000)
        #expect(LadderText.bandText(bands[0]).hasPrefix("\u{2026} 9,992 segments (4,996 with data), 5.0 MB \u{2192}, 0 B \u{2190}"))
        if case .arrow(let last) = items.last {
            #expect(last.event.step == .teardown(step: 4, through: 4))
        } else {
            Issue.record("the last item is not the final ACK")
        }
        let svg = LadderSVG.document(f.recorder.flows, msl: 60_000_000_000)
        #expect(LadderTests.xmlIsWellFormed(svg))
        #expect(svg.contains("9,992 segments"))
    }

    @Test("hostile connections stay bounded: thousands of resent SYNs, of duplicate ACKs, of packets after close")
    func hostile() throws {
        var f = Feed()
        for _ in 0..<3000 { f.send(from: LadderTests.client, to: LadderTests.server, seq: 100, ack: 0, .syn) }
        f.send(from: LadderTests.server, to: LadderTests.client, seq: 500, ack: 101, [.syn, .ack])
        f.send(from: LadderTests.client, to: LadderTests.server, seq: 101, ack: 501, .ack)
        for _ in 0..<3000 { f.send(from: LadderTests.server, to: LadderTests.client, seq: 501, ack: 101, .ack) }
        f.send(from: LadderTests.client, to: LadderTests.server, seq: 101, ack: 501, [.rst, .ack])
        for _ in 0..<3000 { f.send(from: LadderTests.client, to: LadderTests.server, seq: 101, ack: 501, [.fin, .ack]) }
        f.finish()
        let flow = try #require(f.recorder.flows.first)
        #expect(flow.allItems.count <= LadderRecorder.defaultArrowBudget + 2 * 8)
        #expect(LadderTests.packetCount(flow) == flow.packets)
        #expect(LadderTests.xmlIsWellFormed(LadderSVG.document(f.recorder.flows, msl: 1)))
        #expect(LadderTests.xmlIsWellFormed(LadderHTML.document(f.recorder, msl: 1, source: "<hostile & \"odd\">")))
    }

    @Test("one-packet, midstream and empty recordings draw without trapping")
    func oddConnections() {
        var one = Feed()
        one.send(from: LadderTests.client, to: LadderTests.server, seq: 7, ack: 0, .syn)
        one.finish()
        var mid = Feed()
        mid.send(from: LadderTests.server, to: LadderTests.client, seq: 9, ack: 3, [.psh, .ack], length: 10)
        mid.send(from: LadderTests.client, to: LadderTests.server, seq: 3, ack: 19, .ack)
        var odd = Feed()
        odd.send(from: LadderTests.client, to: LadderTests.server, seq: 1, ack: 0, [])
        odd.send(from: LadderTests.client, to: LadderTests.server, seq: 1, ack: 0, [.syn, .fin, .rst, .psh, .urg, .ece, .cwr])
        for feed in [one, mid, odd] {
            let flows = feed.recorder.flows
            #expect(flows.count == 1)
            #expect(LadderTests.xmlIsWellFormed(LadderSVG.document(flows, msl: 60_000_000_000)))
            #expect(LadderTests.xmlIsWellFormed(LadderHTML.document(feed.recorder, msl: 60_000_000_000, source: "x")))
            for width in [0, 70, 100, 500] {
                let lines = LadderTerminal.lines(flows[0], width: width, msl: 60_000_000_000)
                #expect(lines.allSatisfy { $0.count <= Swift.max(width, LadderTerminal.minimumWidth) })
            }
        }
        #expect(mid.recorder.flows.first?.startedMidstream == true)
        #expect(LadderText.verdict(mid.recorder.flows[0]) == "still open")
        #expect(LadderTests.xmlIsWellFormed(LadderSVG.document([], msl: 1)))
        #expect(LadderTests.xmlIsWellFormed(LadderHTML.document(LadderRecorder(collectsReport: true), msl: 1, source: "")))
    }

    @Test("in the HTML ladder a run of the same anomaly is one band over its hidden rows; the SVG file keeps every arrow")
    func anomalyRuns() throws {
        var f = Feed()
        LadderTests.handshake(&f)
        f.send(from: LadderTests.client, to: LadderTests.server, seq: 101, ack: 501, [.psh, .ack], length: 10)
        f.send(from: LadderTests.server, to: LadderTests.client, seq: 501, ack: 111, .ack)
        for _ in 0..<12 { f.send(from: LadderTests.server, to: LadderTests.client, seq: 501, ack: 111, .ack) }
        f.send(from: LadderTests.client, to: LadderTests.server, seq: 111, ack: 501, [.fin, .ack])
        f.finish()
        let flow = try #require(f.recorder.flows.first)
        let html = LadderSVG.htmlElement(flow, msl: 60_000_000_000)
        #expect(html.components(separatedBy: "<div class=\"tw-run\">").count - 1 == 1)
        #expect(html.contains(">\u{25B8} 12 duplicate ack packets</text>"))
        #expect(html.contains("<div class=\"tw-run-rows\" hidden=\"hidden\">"))
        // The hidden rows hold the 12 arrows; the strips hold all 18 packets.
        let rows = try #require(html.components(separatedBy: "<div class=\"tw-run-rows\" hidden=\"hidden\">").last?.components(separatedBy: "</div>").first)
        #expect(rows.components(separatedBy: "<g class=\"tw-packet\">").count - 1 == 12)
        #expect(html.components(separatedBy: "<g class=\"tw-packet\">").count - 1 == 18)
        #expect(LadderTests.xmlIsWellFormed("<div>" + html + "</div>"))
        let svg = LadderSVG.document([flow], msl: 60_000_000_000)
        #expect(!svg.contains("tw-run") && svg.components(separatedBy: "<g class=\"tw-packet\">").count - 1 == 18)
    }

    @Test("--flow records one connection; the flow limit counts the rest")
    func selection() {
        var f = Feed(recorder: LadderRecorder(selected: 2))
        var g = Feed(recorder: LadderRecorder(flowLimit: 3))
        for port in UInt16(1000)..<1010 {
            let c = Endpoint(address: IPAddress("10.0.0.1")!, port: port)
            f.send(from: c, to: LadderTests.server, seq: 1, ack: 0, .syn)
            g.send(from: c, to: LadderTests.server, seq: 1, ack: 0, .syn)
        }
        #expect(f.recorder.flows.map(\.number) == [2])
        #expect(f.recorder.omitted == 0)
        #expect(g.recorder.flows.map(\.number) == [1, 2, 3])
        #expect(g.recorder.omitted == 7)
        #expect(LadderSVG.document(g.recorder.flows, msl: 1, omitted: 7).contains("7 more connections not drawn"))
    }

    @Test("relative sequence numbers start at 0 for each side's SYN, as the textbook ladder writes them")
    func relativeNumbers() throws {
        var f = Feed()
        LadderTests.handshake(&f)
        f.send(from: LadderTests.client, to: LadderTests.server, seq: 101, ack: 501, [.psh, .ack], length: 48)
        let labels = try #require(f.recorder.flows.first).allItems.compactMap { item -> String? in
            if case .arrow(let a) = item { return LadderText.label(a) } else { return nil }
        }
        #expect(labels == ["SYN seq=0", "SYN+ACK seq=0 ack=1", "ACK ack=1", "PSH+ACK seq=1 ack=1 len=48"])
    }

    @Test("text put into markup is escaped; XML-forbidden characters are replaced")
    func escaping() {
        #expect(MarkupText.escape("a<b>&\"c\"'d'") == "a&lt;b&gt;&amp;&quot;c&quot;&#39;d&#39;")
        #expect(MarkupText.escape("x\u{0}y\u{1B}z\tw") == "x\u{FFFD}y\u{FFFD}z\tw")
        #expect(LadderTests.xmlIsWellFormed("<a>\(MarkupText.escape("]]> <!-- & \u{7} -->"))</a>"))
    }

    @Test("numbers and sizes read as people write them")
    func numbers() {
        #expect(LadderText.grouped(0) == "0")
        #expect(LadderText.grouped(1204) == "1,204")
        #expect(LadderText.grouped(-1234567) == "-1,234,567")
        #expect(LadderText.bytes(480) == "480 B")
        #expect(LadderText.bytes(12_345) == "12 KB")
        #expect(LadderText.bytes(1_600_000) == "1.6 MB")
        #expect(LadderText.bytes(999_999) == "1.0 MB")
        #expect(LadderText.bytes(UInt64.max) == "18 EB")
        #expect(LadderText.compactSeconds(120_000_000_000) == "120")
        #expect(LadderText.compactSeconds(500_000_000) == "0.5")
        #expect(LadderText.compactSeconds(1_000_001) == "0.001000001")
        #expect(LadderText.wrap("a bb ccc", width: 8) == ["a bb ccc"])
        #expect(LadderText.wrap(String(repeating: "x", count: 20), width: 8) == ["xxxxxxxx", "xxxxxxxx", "xxxx"])
    }

    @Test("every explanation key has a text in every language, with only known placeholders", arguments: ExplainLanguage.allCases)
    func explanationTables(_ language: ExplainLanguage) {
        let table = Explanations.table(language)
        let known: Set<String> = ["sender", "receiver", "role", "state", "len", "count", "expected", "got", "previous", "twomsl"]
        for key in ExplanationKey.allCases {
            guard let text = table[key] else {
                Issue.record("\(language): no text for \(key.rawValue)")
                continue
            }
            #expect(!text.isEmpty)
            var rest = Substring(text)
            while let open = rest.firstIndex(of: "{") {
                let close = rest[open...].firstIndex(of: "}") ?? rest.endIndex
                let name = String(rest[rest.index(after: open)..<close])
                #expect(known.contains(name), "\(language) \(key.rawValue): unknown placeholder {\(name)}")
                rest = close < rest.endIndex ? rest[rest.index(after: close)...] : ""
            }
        }
        #expect(table.count == ExplanationKey.allCases.count)
    }

    @Test("explanations fill their placeholders and say why, in both languages")
    func explainer() throws {
        var f = Feed()
        LadderTests.handshake(&f)
        let flow = try #require(f.recorder.flows.first)
        guard case .arrow(let third) = flow.allItems[2] else { Issue.record("no third arrow"); return }
        let en = Explainer(language: .en, msl: 30_000_000_000)
        let sentences = en.sentences(third.event, payloadLength: 0, flags: .ack)
        #expect(sentences.count == 1)
        #expect(sentences[0].contains("third segment is needed"))
        let zh = Explainer(language: .zh, msl: 30_000_000_000)
        #expect(zh.sentences(third.event, payloadLength: 0, flags: .ack)[0].contains("第三次握手"))
        // Every step and every note, alone, in both languages: placeholders all filled.
        var e = third.event
        let steps: [Step] = [.none, .handshake(1), .handshake(2), .simultaneousOpen(2), .simultaneousOpen(3),
                             .teardown(step: 1, through: 1), .teardown(step: 2, through: 2), .teardown(step: 3, through: 3),
                             .teardown(step: 4, through: 4), .teardown(step: 2, through: 3), .simultaneousClose(1),
                             .simultaneousClose(3), .simultaneousClose(4), .reset, .refused]
        for explainer in [en, zh] {
            for step in steps {
                e.step = step
                e.notes = []
                let text = explainer.sentences(e, payloadLength: 5, flags: [.psh, .ack])
                #expect(!text.isEmpty && !text.contains { $0.contains("{") }, "\(step)")
            }
            e.step = .none
            for (note, name) in PacketNotes.names {
                e.notes = note
                let text = explainer.sentences(e, payloadLength: 0, flags: .ack)
                #expect(!text.isEmpty && !text.contains { $0.contains("{") }, "\(name)")
            }
        }
        #expect(en.sentences(e, payloadLength: 0, flags: .ack).first?.contains("TIME_WAIT") == false)
        var out = OutputBuffer.memory()
        en.write(third.event, payloadLength: 0, flags: .ack, into: &out)
        #expect(out.takeString().hasPrefix("    # Handshake 3/3:"))
    }
}
