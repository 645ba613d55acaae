/// Arguments as tcpdump's getopt takes them, rewritten into the spelled-out form swift-argument-parser
/// parses: an option's value attached to its letter (`-c100`, `-rFILE`, `-s0`, `-wFILE`), flag letters
/// run together with a value letter last (`-nnr FILE`, `-nnc5`), and `--conn-log` alone meaning
/// `--conn-log=tsv`. Anything it does not recognise is passed on unchanged, so ArgumentParser still
/// names an unknown option.
enum TcpdumpArgv {
    /// Letters that take no value (`-nn`, `-vvv`, `-ttt` repeat them). `-U`, `-l` and
    /// `--immediate-mode` are tcpdump's buffering options.
    static let flagLetters: Set<Character> = ["D", "p", "l", "U", "n", "S", "t", "v", "q", "#", "x", "X", "A", "e", "K", "N", "L", "J"]
    /// Letters that take a value, attached (`-c100`) or as the next argument (`-c 100`).
    static let valueLetters: Set<Character> = ["r", "i", "s", "B", "w", "Z", "c", "F", "V", "C", "G", "W", "z", "Q", "y", "j"]
    /// Long options that take a value as the next argument (`--msl 30`); that argument is never
    /// rewritten, even when it starts with `-` (`--flow -1` is then reported as a bad number).
    static let valueOptions: Set<String> = [
        "--duration", "--msl", "--idle-timeout", "--max-flows", "--syn-flood-threshold", "--syn-flood-window",
        "--likely-server-ports", "--diagram", "--flow", "--lang", "--time-stamp-precision", "--direction", "--shard", "--sensor",
    ]

    static func rewrite(_ given: [String]) -> [String] {
        var out: [String] = []
        var i = 0
        while i < given.count {
            let a = given[i]
            i += 1
            if a == "--" {
                out.append(contentsOf: given[(i - 1)...])
                break
            }
            if a == "--conn-log" {
                // `--conn-log json` chooses JSON; alone it means the tab-separated log.
                let valueFollows = i < given.count && ConnLogChoice(rawValue: given[i]) != nil
                out.append(valueFollows ? a : "--conn-log=tsv")
                continue
            }
            if valueOptions.contains(a) {
                out.append(a)
                if i < given.count {
                    out.append(given[i])
                    i += 1
                }
                continue
            }
            guard a.count > 1, a.hasPrefix("-"), !a.hasPrefix("--"), let cluster = split(a) else {
                out.append(a)
                continue
            }
            out.append(contentsOf: cluster.arguments)
            // A value letter last in the cluster with nothing attached takes the next argument as is.
            if cluster.wantsNext, i < given.count {
                out.append(given[i])
                i += 1
            }
        }
        return out
    }

    /// `-nnc100` as `-n -n -c 100`; nil when a letter is not one of tcpdump's that tcpwave takes.
    static func split(_ argument: String) -> (arguments: [String], wantsNext: Bool)? {
        var out: [String] = []
        var rest = Substring(argument.dropFirst())
        while let letter = rest.first {
            rest = rest.dropFirst()
            if flagLetters.contains(letter) {
                out.append("-\(letter)")
            } else if valueLetters.contains(letter) {
                out.append("-\(letter)")
                if rest.isEmpty { return (out, true) }
                out.append(String(rest))
                return (out, false)
            } else {
                return nil
            }
        }
        return (out, false)
    }
}
