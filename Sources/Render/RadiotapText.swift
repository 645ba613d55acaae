import Wire

/// The radio information tcpdump 4.99 prints at the start of every radiotap line, with or without
/// `-e` (`677964584us tsft 11.0 Mb/s 2462 MHz 11b -70dBm signal antenna 0 `): each field it
/// knows in the order of the presence bits, each followed by a space.
enum RadiotapText {
    static func write(_ p: UnsafeRawBufferPointer, length: Int, into out: inout OutputBuffer) {
        var ended = false
        Radiotap.walk(p, at: 0, length: length) { item in
            switch item {
            case let .field(bit, at, presence):
                writeField(bit, p, at, presence, &out)
            case let .unknown(bit):
                out.append("[bit ")
                out.append(decimal: UInt64(bit))
                out.append("] ")
                ended = true
            case .truncated:
                out.append(" [|802.11_radio]")
                ended = true
            }
            return !ended
        }
    }

    private static func le16(_ p: UnsafeRawBufferPointer, _ at: Int) -> UInt16 {
        UInt16(p.u8(at)) | UInt16(p.u8(at + 1)) << 8
    }

    private static func writeField(_ bit: Int, _ p: UnsafeRawBufferPointer, _ at: Int, _ presence: UInt32, _ out: inout OutputBuffer) {
        switch bit {
        case Radiotap.tsft:
            out.append(decimal: UInt64(p.le32(at)) | UInt64(p.le32(at + 4)) << 32)
            out.append("us tsft ")
        case Radiotap.flags:
            let flags = p.u8(at)
            if flags & 0x01 != 0 { out.append("cfp ") }
            if flags & 0x02 != 0 { out.append("short preamble ") }
            if flags & 0x04 != 0 { out.append("wep ") }
            if flags & 0x08 != 0 { out.append("fragmented ") }
            if flags & 0x40 != 0 { out.append("bad-fcs ") }
        case Radiotap.rate:
            let rate = p.u8(at)
            if rate >= 0x80 && rate <= 0x8f {
                out.append("MCS ")
                out.append(decimal: UInt64(rate & 0x7f))
                out.append(32)
            } else {
                // printf("%2.1f", .5 * rate): halves are exact.
                out.append(decimal: UInt64(rate / 2))
                out.append(rate & 1 == 1 ? ".5" : ".0")
                out.append(" Mb/s ")
            }
        case Radiotap.channel:
            // XChannel, when present, says it better; tcpdump prints only that one.
            if presence & (1 << UInt32(Radiotap.extendedChannel)) != 0 { return }
            writeChannel(frequency: le16(p, at), flags: UInt32(le16(p, at + 2)), presence: presence, &out)
        case Radiotap.fhss:
            out.append("fhset ")
            out.append(decimal: UInt64(p.u8(at)))
            out.append(" fhpat ")
            out.append(decimal: UInt64(p.u8(at + 1)))
            out.append(32)
        case Radiotap.dbmAntennaSignal:
            out.append(decimal: Int(Int8(bitPattern: p.u8(at))))
            out.append("dBm signal ")
        case Radiotap.dbmAntennaNoise:
            out.append(decimal: Int(Int8(bitPattern: p.u8(at))))
            out.append("dBm noise ")
        case Radiotap.lockQuality:
            out.append(decimal: UInt64(le16(p, at)))
            out.append(" sq ")
        case Radiotap.txAttenuation:
            out.append(decimal: -Int(le16(p, at)))
            out.append(" tx power ")
        case Radiotap.dbTxAttenuation:
            out.append(decimal: -Int(le16(p, at)))
            out.append("dB tx attenuation ")
        case Radiotap.dbmTxPower:
            out.append(decimal: Int(Int8(bitPattern: p.u8(at))))
            out.append("dBm tx power ")
        case Radiotap.antenna:
            out.append("antenna ")
            out.append(decimal: UInt64(p.u8(at)))
            out.append(32)
        case Radiotap.dbAntennaSignal:
            out.append(decimal: UInt64(p.u8(at)))
            out.append("dB signal ")
        case Radiotap.dbAntennaNoise:
            out.append(decimal: UInt64(p.u8(at)))
            out.append("dB noise ")
        case Radiotap.rtsRetries:
            out.append(decimal: UInt64(p.u8(at)))
            out.append(" rts retries ")
        case Radiotap.dataRetries:
            out.append(decimal: UInt64(p.u8(at)))
            out.append(" data retries ")
        case Radiotap.extendedChannel:
            writeChannel(frequency: le16(p, at + 4), flags: p.le32(at), presence: presence, &out)
        case Radiotap.mcs:
            writeMCS(known: p.u8(at), flags: p.u8(at + 1), index: p.u8(at + 2), &out)
        default:
            // RX and TX flags, A-MPDU status and VHT: tcpdump 4.99 reads them and prints nothing
            // (VHT's details are left out here too).
            break
        }
    }

    private static func writeChannel(frequency: UInt16, flags: UInt32, presence: UInt32, _ out: inout OutputBuffer) {
        out.append(decimal: UInt64(frequency))
        out.append(" MHz")
        let turbo: UInt32 = 0x10, cck: UInt32 = 0x20, ofdm: UInt32 = 0x40, ghz2: UInt32 = 0x80, ghz5: UInt32 = 0x100
        let dynamic: UInt32 = 0x400, gfsk: UInt32 = 0x800, half: UInt32 = 0x4000, quarter: UInt32 = 0x8000
        if presence & (1 << UInt32(Radiotap.mcs)) != 0 {
            out.append(" 11n")
        } else if presence & (1 << UInt32(Radiotap.vht)) != 0 {
            out.append(" 11ac")
        } else {
            func all(_ bits: UInt32) -> Bool { flags & bits == bits }
            if all(ghz2 | gfsk) { out.append(" FHSS") }
            if all(ghz5 | ofdm) {
                if flags & half != 0 { out.append(" 11a/10Mhz") } else if flags & quarter != 0 { out.append(" 11a/5Mhz") } else { out.append(" 11a") }
            }
            if all(ghz2 | ofdm) || all(ghz2 | dynamic) {
                if flags & half != 0 { out.append(" 11g/10Mhz") } else if flags & quarter != 0 { out.append(" 11g/5Mhz") } else { out.append(" 11g") }
            } else if all(ghz2 | cck) {
                out.append(" 11b")
            }
            if flags & turbo != 0 { out.append(" Turbo") }
        }
        if flags & 0x10000 != 0 { out.append(" ht/20") } else if flags & 0x40000 != 0 { out.append(" ht/40-") } else if flags & 0x20000 != 0 { out.append(" ht/40+") }
        out.append(32)
    }

    /// 802.11n data rates per spatial stream for MCS 0-7, in tenths of Mb/s at 20 and 40 MHz
    /// with the long guard interval (IEEE 802.11-2020 tables 19-27 to 19-34).
    private static let htRatesLongGI: [(twenty: Double, forty: Double)] = [
        (6.5, 13.5), (13, 27), (19.5, 40.5), (26, 54), (39, 81), (52, 108), (58.5, 121.5), (65, 135),
    ]

    private static func writeMCS(known: UInt8, flags: UInt8, index: UInt8, _ out: inout OutputBuffer) {
        if known & 0x02 != 0 {
            var rate = 0.0
            if known & (0x01 | 0x04) != 0 && index <= 32 {
                let forty = flags & 0x03 == 1
                if index == 32 {
                    rate = forty ? 6.0 : 0
                } else {
                    let base = htRatesLongGI[Int(index % 8)]
                    rate = (forty ? base.forty : base.twenty) * Double(index / 8 + 1)
                }
                if flags & 0x04 != 0 { rate = rate * 10 / 9 }
            }
            if rate != 0 {
                let tenths = Int((rate * 10).rounded())
                out.append(decimal: UInt64(tenths / 10))
                out.append(UInt8(ascii: "."))
                out.append(decimal: UInt64(tenths % 10))
                out.append(" Mb/s ")
            }
            out.append("MCS ")
            out.append(decimal: UInt64(index))
            out.append(32)
        }
        if known & 0x01 != 0 {
            switch flags & 0x03 {
            case 0: out.append("20 MHz ")
            case 1: out.append("40 MHz ")
            case 2: out.append("20 MHz (L) ")
            default: out.append("20 MHz (U) ")
            }
        }
        if known & 0x04 != 0 { out.append(flags & 0x04 != 0 ? "short GI " : "long GI ") }
        if known & 0x08 != 0 { out.append(flags & 0x08 != 0 ? "greenfield " : "mixed ") }
        if known & 0x10 != 0 { out.append(flags & 0x10 != 0 ? "LDPC FEC " : "BCC FEC ") }
        if known & 0x20 != 0 {
            out.append("RX-STBC")
            out.append(decimal: UInt64((flags & 0x60) >> 5))
            out.append(32)
        }
    }
}
