import Flows

/// Bad checksums among the TCP packets checked for the Zeek columns, and the one warning at the
/// end of the run that Zeek gives (its find-checksum-offloading script): a capture taken on the
/// sending host carries the checksums the network card was to fill in, and every connection then
/// reads OTH with a `C` history.
struct ChecksumTally {
    /// Zeek's `ChecksumOffloading::checksum_threshold`: warn when more than this share is bad.
    static let threshold = 0.05

    private(set) var checked = 0
    private(set) var badTCP = 0
    private(set) var badIP = 0

    mutating func count(_ verdict: ChecksumVerdict) {
        switch verdict {
        case .unchecked: return
        case .valid: break
        case .badIP: badIP += 1
        case .badTCP: badTCP += 1
        }
        checked += 1
    }

    /// The warning, or nil when the share of bad checksums is at most the threshold.
    var warning: String? {
        let bad = badTCP + badIP
        guard checked > 0, Double(bad) > ChecksumTally.threshold * Double(checked) else { return nil }
        let percent = (Double(bad) * 1000 / Double(checked)).rounded() / 10
        let kinds = badIP == 0 ? "TCP" : (badTCP == 0 ? "IPv4 header" : "TCP or IPv4 header")
        return "warning: \(bad) of \(checked) TCP packets (\(percent)%) have bad \(kinds) checksums, most likely from "
            + "checksum offloading on the capturing host; the Zeek columns leave them out as Zeek does (history 'C', "
            + "conn_state often OTH). --ignore-checksums (Zeek's -C) counts them."
    }
}
