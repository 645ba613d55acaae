/// Why a capture could not be opened, filtered or read. Messages name the file or interface
/// and keep libpcap's own words.
public enum CaptureError: Error, Sendable, CustomStringConvertible {
    case openFile(path: String, message: String)
    case openInterface(name: String, message: String, hint: String?)
    case filter(expression: String, message: String)
    case read(source: String, packet: Int, message: String)
    case write(path: String, message: String)
    case listInterfaces(message: String)

    public var description: String {
        switch self {
        case let .openFile(path, message):
            return "\(displayName(path)): \(message)"
        case let .openInterface(name, message, hint):
            return "\(name): \(message)" + (hint.map { " (\($0))" } ?? "")
        case let .filter(expression, message):
            return "bad filter expression '\(expression)': \(message)"
        case let .read(source, packet, message):
            return "\(displayName(source)): packet \(packet): \(message)"
        case let .write(path, message):
            // libpcap's message often names the path itself; name it once.
            let reason = message.hasPrefix("\(path): ") ? String(message.dropFirst(path.utf8.count + 2)) : message
            return "\(path): cannot write capture: \(reason)"
        case let .listInterfaces(message):
            return "cannot list interfaces: \(message)"
        }
    }

    private func displayName(_ path: String) -> String { path == "-" ? "<stdin>" : path }
}
