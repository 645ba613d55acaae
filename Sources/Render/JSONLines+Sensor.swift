/// `--sensor NAME`: every JSON record says where it came from. The name is added to a record
/// after it is written, by replacing its closing `}\n`, so every record type (those of other
/// files too) carries it without each writer knowing about sensors.
extension JSONLines {
    /// What ends each record with a sensor: `,"sensor":"NAME"}` and the newline.
    public static func sensorEnding(_ name: String) -> [UInt8] {
        var out = OutputBuffer.memory()
        out.append(",\"sensor\":")
        appendString(name, &out)
        out.append("}\n")
        return out.bytes
    }

    /// Adds the sensor to the record just written into `out` (which ends with its `}\n`).
    public static func tagRecord(_ ending: [UInt8], _ out: inout OutputBuffer) {
        precondition(out.hasSuffix("}\n"), "a JSON record ends with }\\n")
        out.removeLast(2)
        ending.withUnsafeBytes { out.append(bytes: $0) }
    }

}
