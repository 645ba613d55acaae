import ArgumentParser
import Flows

/// `--shard` and `--sensor`: what lets many machines share the work and their records meet in
/// one place (docs/sharding.md, docs/clickhouse.md).
struct ClusterOptions: ParsableArguments {
    @Option(name: .customLong("shard"), parsing: .unconditional, help: ArgumentHelp("Track and print only the connections in shard K of N (1 <= K <= N), chosen by a fixed hash of the 4-tuple that is the same in both directions and on every machine, so N machines reading the same files split the work without splitting a connection. Packets of other shards print nothing; packet numbers stay the capture's; connection numbers go K, K+N, K+2N...", valueName: "K/N"))
    var shard: String?

    @Option(name: .customLong("sensor"), parsing: .unconditional, help: ArgumentHelp("With --json or --conn-log, name where the records came from: a 'sensor' field in every JSON record, a trailing 'sensor' column in conn.log. Letters, digits and . _ : @ / - (at most 128).", valueName: "name"))
    var sensor: String?

    static let sensorLimit = 128

    /// Whether `name` needs no escaping in JSON, a Zeek log or a shell, and cannot be read as
    /// Zeek's unset (`-`) or empty (`(empty)`) field.
    static func isValidSensor(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= sensorLimit, name != "-" else { return false }
        return name.utf8.allSatisfy { b in
            (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
                || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || Array("._:@/-".utf8).contains(b)
        }
    }

    func validate(machineOutput: Bool) throws {
        if let shard, FlowShard(shard) == nil {
            throw ValidationError("--shard \(shard): give K/N with whole numbers 1 <= K <= N, as --shard 2/4")
        }
        if let sensor {
            if !ClusterOptions.isValidSensor(sensor) {
                throw ValidationError("--sensor '\(sensor)': use at most \(ClusterOptions.sensorLimit) letters, digits and . _ : @ / - (and not '-' alone)")
            }
            if !machineOutput { throw ValidationError("--sensor names the records of --json and --conn-log; add one of them") }
        }
    }

    func configure(_ settings: inout RunSettings) {
        settings.sensor = sensor
        if let shard = shard.flatMap(FlowShard.init), shard.count > 1 {
            settings.shard = shard
            settings.tracker.firstNumber = shard.index
            settings.tracker.numberStep = shard.count
        }
    }
}
