import Flows
import Wire

/// The annotation of an IP fragment's line: what reassembly did with it, and, for the fragment
/// that completed a datagram, the reassembled segment's own annotation.
public enum FragmentText {
    public static func write(_ outcome: FragmentOutcome, event: PacketEvent?, into out: inout OutputBuffer) {
        if let event { Annotation.write(event, into: &out) }
        out.append(" | ")
        switch outcome.result {
        case .reassembled:
            out.append("reassembled from ")
            out.append(decimal: outcome.fragments)
            out.append(" fragments")
            if outcome.truncated { out.append(" (not all captured)") }
        case .held:
            out.append("fragment ")
            out.append(decimal: outcome.fragments)
            out.append(" held")
        case .ignored, .dropped:
            break
        }
        if let anomaly = outcome.anomaly {
            if outcome.result == .held || outcome.result == .reassembled { out.append(", ") }
            out.append(string: anomaly.text)
        } else if outcome.result == .dropped {
            out.append("fragment dropped: reassembly memory full")
        }
    }

    /// The end-of-run summary of reassembly, when the capture held fragments.
    public static func summary(_ s: FragmentStatistics) -> String {
        var line = "\(s.fragments) IP fragment\(s.fragments == 1 ? "" : "s") of TCP: \(s.reassembled) datagram\(s.reassembled == 1 ? "" : "s") reassembled"
        var parts: [String] = []
        for anomaly in FragmentAnomaly.allCases where s.count(anomaly) > 0 {
            let n = s.count(anomaly)
            switch anomaly {
            case .duplicate: parts.append("\(n) duplicate")
            case .overlap: parts.append("\(n) dropped for overlaps")
            case .inconsistentEnd: parts.append("\(n) dropped for data past the end")
            case .oversize: parts.append("\(n) dropped as over 65535 bytes")
            case .tooManyFragments: parts.append("\(n) dropped for too many fragments")
            case .empty: parts.append("\(n) empty")
            case .tinyFirstFragment: parts.append("\(n) tiny first fragment\(n == 1 ? "" : "s")")
            }
        }
        if s.timedOut > 0 { parts.append("\(s.timedOut) timed out incomplete") }
        if s.evicted > 0 { parts.append("\(s.evicted) evicted (reassembly memory full)") }
        if s.incompleteAtEnd > 0 { parts.append("\(s.incompleteAtEnd) incomplete at end") }
        if !parts.isEmpty { line += ", " + parts.joined(separator: ", ") }
        return line
    }
}
