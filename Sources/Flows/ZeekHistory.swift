/// Zeek's connection history string (conn.log `history`), built the way Zeek builds it:
/// once-per-direction letters guarded by a bit mask, and letters repeated on a logarithmic
/// scale (1st, 10th, 100th... occurrence). Upper case for the originator, lower case for the
/// responder; `^` marks a role flip.
public struct ZeekHistory: Sendable, Equatable {
    /// The letters, ASCII.
    public private(set) var letters: [UInt8] = []
    /// Zeek's `hist_seen`: the originator's masks in the low 16 bits, the responder's above.
    /// A role flip does not swap them (a Zeek quirk kept on purpose).
    private(set) var seen: UInt32 = 0
    /// Letters dropped because the history reached `maximumLength` (hostile input only).
    public private(set) var dropped = 0

    /// Zeek keeps no limit; tcpwave stops recording beyond this many letters.
    public static let maximumLength = 256

    // The masks of Zeek's TCP_Endpoint::HIST_* constants.
    static let synMask: UInt32 = 0x1
    static let finMask: UInt32 = 0x2
    static let rstMask: UInt32 = 0x4
    static let finRstMask: UInt32 = 0x8
    static let dataMask: UInt32 = 0x10
    static let ackMask: UInt32 = 0x20
    static let multiFlagMask: UInt32 = 0x40

    public init() {}

    public var isEmpty: Bool { letters.isEmpty }
    public var text: String { String(decoding: letters, as: UTF8.self) }

    mutating func append(_ letter: UInt8) {
        if letters.count < ZeekHistory.maximumLength { letters.append(letter) } else { dropped += 1 }
    }

    /// Zeek's `Session::CheckHistory`: records `letter` the first time `mask` is seen and says
    /// false; says true when the mask had been seen before.
    mutating func check(_ mask: UInt32, _ letter: UInt8) -> Bool {
        if seen & mask != 0 { return true }
        seen |= mask
        append(letter)
        return false
    }

    /// The H-flip (Zeek PR #2191) rewrites a lone "H" as "^h".
    mutating func replace(with text: StaticString) {
        letters.removeAll(keepingCapacity: true)
        text.withUTF8Buffer { letters.append(contentsOf: $0) }
    }

    /// Exactly "H": a SYN-ACK is all this connection has shown.
    var isLoneSYNACK: Bool { letters.count == 1 && letters[0] == UInt8(ascii: "H") }

    static func lower(_ c: UInt8) -> UInt8 { c >= 65 && c <= 90 ? c | 0x20 : c }

    /// Zeek's conn_state test for RSTOS0: the whole history matches `^\^?S[^HAFGIQ]*R.*$`.
    var matchesRSTOS0Pattern: Bool {
        var i = 0
        if i < letters.count && letters[i] == UInt8(ascii: "^") { i += 1 }
        guard i < letters.count, letters[i] == UInt8(ascii: "S") else { return false }
        i += 1
        while i < letters.count {
            switch letters[i] {
            case UInt8(ascii: "R"): return true
            case UInt8(ascii: "H"), UInt8(ascii: "A"), UInt8(ascii: "F"), UInt8(ascii: "G"),
                 UInt8(ascii: "I"), UInt8(ascii: "Q"):
                return false
            default: i += 1
            }
        }
        return false
    }
}

/// Zeek's `ScaledHistoryEntry` counter: true on the 1st, 10th, 100th... event.
struct ZeekScaledCounter: Sendable, Equatable {
    var count: UInt32 = 0
    var threshold: UInt32 = 1

    mutating func hit() -> Bool {
        count &+= 1
        guard count == threshold else { return false }
        let next = threshold &* 10
        if next <= threshold { count = 0 } else { threshold = next }
        return true
    }
}
