/// The radiotap header that precedes 802.11 frames captured in monitor mode (DLT 127,
/// https://www.radiotap.org): a length, presence bitmaps, then aligned fields. Walked as tcpdump
/// 4.99 walks it, so that the fields it prints and the frame flags it obeys (FCS at the end,
/// padding after the 802.11 header) are the same.
public enum Radiotap {
    public static let tsft = 0, flags = 1, rate = 2, channel = 3, fhss = 4, dbmAntennaSignal = 5,
        dbmAntennaNoise = 6, lockQuality = 7, txAttenuation = 8, dbTxAttenuation = 9, dbmTxPower = 10,
        antenna = 11, dbAntennaSignal = 12, dbAntennaNoise = 13, rxFlags = 14, txFlags = 15,
        rtsRetries = 16, dataRetries = 17, extendedChannel = 18, mcs = 19, ampduStatus = 20, vht = 21
    /// Flags field bits.
    public static let flagFCS: UInt8 = 0x10
    public static let flagDataPad: UInt8 = 0x20
    /// Presence-bitmap bits with the same meaning in every word.
    static let radiotapNamespaceBit: UInt32 = 1 << 29
    static let vendorNamespaceBit: UInt32 = 1 << 30
    static let extensionBit: UInt32 = 1 << 31

    /// Alignment and size of the fields tcpdump knows; nil for the others, which stop the walk
    /// (their size is unknown).
    @inlinable
    public static func layout(_ bit: Int) -> (alignment: Int, size: Int)? {
        switch bit {
        case tsft: return (8, 8)
        case flags, rate, dbmAntennaSignal, dbmAntennaNoise, dbmTxPower, antenna, dbAntennaSignal,
             dbAntennaNoise, rtsRetries, dataRetries:
            return (1, 1)
        case channel: return (2, 4)
        case fhss: return (1, 2)
        case lockQuality, txAttenuation, dbTxAttenuation, rxFlags, txFlags: return (2, 2)
        case extendedChannel: return (4, 8)
        case mcs: return (1, 3)
        case ampduStatus: return (4, 8)
        case vht: return (2, 12)
        default: return nil
        }
    }

    /// One step of the walk.
    public enum Item {
        /// A field in the radiotap namespace: its bit number and where its bytes start.
        case field(bit: Int, offset: Int, presence: UInt32)
        /// A field whose size is unknown: tcpdump prints `[bit N]` and reads no further.
        case unknown(bit: Int)
        /// The fields ran past the header's length: tcpdump's truncation mark.
        case truncated
    }

    /// The header's declared length, when the frame holds at least the 8-byte fixed part and the
    /// length is sane; nil otherwise.
    @inlinable
    public static func headerLength(_ p: UnsafeRawBufferPointer, at offset: Int) -> Int? {
        guard p.has(offset, 8) else { return nil }
        let length = Int(p.u8(offset + 2)) | Int(p.u8(offset + 3)) << 8
        guard length >= 8, p.has(offset, length) else { return nil }
        return length
    }

    /// Walks the fields of the header at `offset` (of `length` bytes) in order, calling `visit`
    /// for each; `visit` returns false to stop.
    public static func walk(_ p: UnsafeRawBufferPointer, at offset: Int, length: Int, _ visit: (Item) -> Bool) {
        let end = offset + length
        // The presence words: the first, and one more for each extension bit.
        var lastWord = offset + 4
        while lastWord + 4 <= end && p.le32(lastWord) & extensionBit != 0 { lastWord += 4 }
        guard lastWord + 4 <= end else { _ = visit(.truncated); return }
        var cursor = lastWord + 4
        var bit0 = 0
        var vendor = false
        var skip = 0
        var word = offset + 4
        while word <= lastWord {
            let presence = p.le32(word)
            if vendor {
                cursor += skip
                skip = 0
                if cursor > end { return }
            } else {
                var present = presence
                while present != 0 {
                    let next = present & (present - 1)
                    let bitNumber = (present ^ next).trailingZeroBitCount
                    present = next
                    if bitNumber >= 29 { break }
                    let bit = bit0 + bitNumber
                    guard let layout = layout(bit) else { _ = visit(.unknown(bit: bit)); return }
                    // Fields align against the start of the header.
                    let misalignment = (cursor - offset) % layout.alignment
                    if misalignment != 0 { cursor += layout.alignment - misalignment }
                    guard cursor + layout.size <= end else { _ = visit(.truncated); return }
                    if !visit(.field(bit: bit, offset: cursor, presence: presence)) { return }
                    cursor += layout.size
                }
            }
            switch presence & (radiotapNamespaceBit | vendorNamespaceBit) {
            case 0:
                bit0 += 32
            case radiotapNamespaceBit:
                bit0 = 0
                vendor = false
            case vendorNamespaceBit:
                bit0 = 0
                vendor = true
                let misalignment = (cursor - offset) % 2
                if misalignment != 0 { cursor += 1 }
                guard cursor + 6 <= end else { _ = visit(.truncated); return }
                skip = Int(p.u8(cursor + 4)) | Int(p.u8(cursor + 5)) << 8
                cursor += 6
            default:
                break
            }
            word += 4
        }
    }

    /// The Flags field's bits (FCS present, data padding), from every radiotap namespace.
    public static func frameFlags(_ p: UnsafeRawBufferPointer, at offset: Int, length: Int) -> UInt8 {
        var flagBits: UInt8 = 0
        walk(p, at: offset, length: length) { item in
            if case let .field(bit, at, _) = item, bit == flags { flagBits = p.u8(at) }
            return true
        }
        return flagBits
    }
}
