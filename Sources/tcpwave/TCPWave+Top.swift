import ArgumentParser

/// `--top` and `--speed` (TopRun.swift).
extension TCPWave {
    /// `--speed`: capture seconds per wall second, nil for `max`.
    var topSpeed: Double? {
        guard let speed else { return 1 }
        return speed == "max" ? nil : Double(speed)
    }

    func validateTopOptions() throws {
        if let speed {
            guard top, !file.isEmpty else { throw ValidationError("--speed applies to --top with -r") }
            if speed != "max" {
                guard let v = Double(speed), v > 0, v <= 1_000_000 else {
                    throw ValidationError("--speed \(speed): give a factor above 0 (at most 1000000) or 'max'")
                }
            }
        }
        guard top else { return }
        if file.count > 1 { throw ValidationError("--top replays one file; give one -r") }
        if json || connLog != nil || noteNames || summary || timeline || diagram != nil || ladder || explain || writeFile != nil {
            throw ValidationError("--top draws its own board; leave out --json, --conn-log, --note-names, --summary, --timeline, --diagram, --ladder, --explain and -w")
        }
    }
}
