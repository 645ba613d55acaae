/// Numbers given on the command line, read with a message that says what is wrong with a bad one
/// (ArgumentParser prints it after "The value 'x' is invalid for '-c <count>': "). Whether a
/// well-formed number is in range is checked in `TCPWave.validate()`, which names the flag.
enum NumberArgument {
    struct Malformed: Error, CustomStringConvertible {
        let description: String
    }

    /// A whole number such as a packet count or a size.
    static func whole(_ text: String) throws -> Int {
        if let n = Int(text) { return n }
        let digits = text.drop { $0 == "-" || $0 == "+" }
        if !digits.isEmpty && digits.allSatisfy({ $0.isASCII && $0.isNumber }) {
            throw Malformed(description: "too large (at most \(Int.max))")
        }
        if Double(text) != nil { throw Malformed(description: "not a whole number") }
        throw Malformed(description: "not a number")
    }

    /// A number of seconds, with a fraction if wanted (0.5, 1e-3).
    static func seconds(_ text: String) throws -> Double {
        guard let s = Double(text) else { throw Malformed(description: "not a number of seconds") }
        guard s.isFinite else { throw Malformed(description: "not a finite number of seconds") }
        return s
    }
}
