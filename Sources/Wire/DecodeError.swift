/// The protocol layer a decoding problem belongs to, named as users know it.
public enum Layer: String, Sendable {
    case link, ethernet, vlan, sll, sll2, loopback, ipv4, ipv6, ipv6Extension = "ipv6 extension header", tcp
    case ppp, ciscoHDLC = "cisco hdlc", ieee80211 = "802.11", radiotap, ppi, arcnet, juniper, ipoib, llc
}

/// Why a frame could not be decoded; each message names the layer and the numbers.
public enum DecodeError: Error, Equatable, Sendable, CustomStringConvertible {
    case truncated(layer: Layer, need: Int, have: Int)
    case badVersion(layer: Layer, version: UInt8)
    case badHeaderLength(layer: Layer, length: Int, minimum: Int)
    case badTotalLength(layer: Layer, length: Int, headerLength: Int)
    case extensionChain(reason: String)
    case tooManyVLANTags(Int)
    /// More nested encapsulation headers than Encapsulation.maximumDepth.
    case encapsulationTooDeep(Int)
    case tooManyLabels(Int)
    case unsupportedLinkType(LinkType)
    case badLinkHeader(layer: Layer, reason: String)

    public var description: String {
        switch self {
        case let .truncated(layer, need, have):
            return "\(layer.rawValue): truncated header (need \(need) bytes, have \(have))"
        case let .badVersion(layer, version):
            return "\(layer.rawValue): bad version \(version)"
        case let .badHeaderLength(layer, length, minimum):
            return "\(layer.rawValue): bad header length \(length) (minimum \(minimum))"
        case let .badTotalLength(layer, length, headerLength):
            return "\(layer.rawValue): total length \(length) is shorter than the header (\(headerLength) bytes)"
        case let .extensionChain(reason):
            return "ipv6: bad extension-header chain: \(reason)"
        case let .tooManyVLANTags(n):
            return "vlan: more than \(n) stacked tags"
        case let .encapsulationTooDeep(n):
            return "tunnel: more than \(n) nested encapsulation headers"
        case let .tooManyLabels(n):
            return "mpls: more than \(n) labels in one stack"
        case let .badLinkHeader(layer, reason):
            return "\(layer.rawValue): \(reason)"
        case let .unsupportedLinkType(type):
            return "link type \(type.name) (\(type.rawValue)) is not decoded; supported: \(LinkType.supportedNames)"
        }
    }
}
