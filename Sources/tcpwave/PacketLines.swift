import Capture
import Flows
import Render
import Wire

/// The text output of packets: tcpdump's line for each TCP packet, then its annotation
/// (`| #1 handshake 1/3 | ...`), `-x`/`-X`'s dump of its bytes and `--explain`'s sentences.
/// A consumer of the packet events; chosen by Outputs when packet lines are printed.
struct PacketLines {
    /// tcpdump's part of the line; on the pipelined path the reader thread has its own.
    private var printer: TcpdumpPrinter
    private let annotate: Bool
    private let payloadDump: PayloadDump?
    private let explainer: Explainer?

    init(settings: RunSettings, linkType: LinkType) {
        printer = TcpdumpPrinter(style: settings.style, linkType: linkType)
        annotate = settings.annotate
        payloadDump = settings.style.payloadDump
        explainer = settings.explain.map { Explainer(language: $0, msl: settings.tracker.msl) }
    }

    /// Whether the lines read a packet's bytes beyond what the reader thread's text carries.
    var needsPacketBytes: Bool { explainer != nil || payloadDump != nil }

    mutating func switchLinkType(_ type: LinkType) { printer.switchLinkType(type) }

    /// A packet without a line still moves the clock `-ttt` and `-ttttt` print from.
    mutating func skip(_ record: PacketRecord) { printer.skip(seconds: record.seconds, fraction: record.fraction) }

    /// A TCP packet (not a fragment) and what the tracker made of it (nil: header not tracked).
    mutating func tcp(_ view: TCPSegmentView, _ record: PacketRecord, number: Int, event: PacketEvent?, decoder: FrameDecoder,
                      into out: inout OutputBuffer) {
        printer.writePrefix(packetNumber: number, seconds: record.seconds, fraction: record.fraction, into: &out)
        printer.writeTCP(view, record.bytes, wireLength: record.wireLength, into: &out)
        if annotate, let event { Annotation.write(event, into: &out) }
        if let payloadDump {
            // tcpdump dumps from the outermost network header, a tunnel's included.
            let network = view.tunnel == 0 ? view.network.offset
                : decoder.encapsulationLayers(record.bytes, wireLength: record.wireLength).first?.offset ?? view.network.offset
            let linkHeader = decoder.tcpdumpLinkHeaderLength(record.bytes, networkOffset: network)
            payloadDump.write(record.bytes, linkHeaderLength: printer.readPastCapture ? 0 : linkHeader, into: &out)
        }
        out.append(UInt8(ascii: "\n"))
        if let explainer, let event {
            explainer.write(event, payloadLength: Swift.max(0, view.payloadLength), flags: view.tcp.flags, into: &out)
        }
        out.endLine()
    }

    /// TCP with fewer than 20 header bytes captured.
    mutating func truncatedTCP(network: NetworkHeader, offset: Int, length: Int, _ record: PacketRecord, number: Int,
                               decoder: FrameDecoder, into out: inout OutputBuffer) {
        printer.writePrefix(packetNumber: number, seconds: record.seconds, fraction: record.fraction, into: &out)
        printer.writeTruncatedTCP(network: network, transportOffset: offset, transportLength: length, record.bytes,
                                  wireLength: record.wireLength, into: &out)
        payloadDump?.write(record.bytes, linkHeaderLength: decoder.tcpdumpLinkHeaderLength(record.bytes, networkOffset: network.offset),
                           into: &out)
        out.append(UInt8(ascii: "\n"))
        out.endLine()
    }

    /// An IP fragment of TCP: tcpdump's line for the fragment itself, then what reassembly did
    /// (and the tracker, when it completed a datagram).
    mutating func fragment(_ frame: DecodedFrame, _ record: PacketRecord, number: Int, network: NetworkHeader,
                           outcome: FragmentOutcome, event: PacketEvent?, into out: inout OutputBuffer) {
        printer.writePrefix(packetNumber: number, seconds: record.seconds, fraction: record.fraction, into: &out)
        switch frame {
        case .tcp(let view): printer.writeTCP(view, record.bytes, wireLength: record.wireLength, into: &out)
        case let .truncatedTCP(n, offset, length):
            printer.writeTruncatedTCP(network: n, transportOffset: offset, transportLength: length, record.bytes,
                                      wireLength: record.wireLength, into: &out)
        case .laterFragment(let fragment): printer.writeLaterFragment(fragment, record.bytes, into: &out)
        case .other, .malformed: break
        }
        if annotate { FragmentText.write(outcome, event: event, into: &out) }
        payloadDump?.write(record.bytes, linkHeaderLength: network.offset, into: &out)
        out.append(UInt8(ascii: "\n"))
        out.endLine()
    }

    /// The same for a tracked segment (no optional to copy the event into).
    func completeLine(_ text: UnsafeRawBufferPointer, event: PacketEvent, into out: inout OutputBuffer) {
        out.append(bytes: text)
        if annotate { Annotation.write(event, into: &out) }
        out.append(UInt8(ascii: "\n"))
        out.endLine()
    }

    /// A line whose tcpdump part the reader thread wrote (the pipelined path): that part, then
    /// the annotation.
    func completeLine(_ text: UnsafeRawBufferPointer, event: PacketEvent?, fragment: FragmentOutcome?, into out: inout OutputBuffer) {
        out.append(bytes: text)
        if annotate {
            if let fragment { FragmentText.write(fragment, event: event, into: &out) } else if let event { Annotation.write(event, into: &out) }
        }
        out.append(UInt8(ascii: "\n"))
        out.endLine()
    }
}

/// `--note-names`: `packet<TAB>flow<TAB>name,name` (`-` when none) for each tracked TCP packet,
/// for scripts and tests.
enum NoteNamesLine {
    static func write(_ number: Int, _ event: PacketEvent, into out: inout OutputBuffer) {
        out.append(decimal: number)
        out.append(9)
        out.append(decimal: event.flow)
        out.append(9)
        var first = true
        for (note, name) in PacketNotes.names where event.notes.contains(note) {
            if !first { out.append(UInt8(ascii: ",")) }
            out.append(string: name)
            first = false
        }
        if first { out.append(UInt8(ascii: "-")) }
        out.append(UInt8(ascii: "\n"))
        out.endLine()
    }
}
