import SensorCore

/// The text form of `sensorctl metrics`: a summary block, then one aligned line per sensor type and per sensor.
enum MetricsTable {
    static func text(_ rows: [SensorMetricsRow], summary: MetricsSummary, rules: HealthRules, store: String) -> String {
        let overall = summary.overall
        let lastUpdate = rows.map(\.updatedAt).max().map(\.description) ?? "never"
        var text = """
            Metrics in \(store) (last update \(lastUpdate), online = seen within \(Int(rules.onlineTTL.components.seconds)) s)
            Sensors: \(overall.sensorsTotal) total, \(overall.sensorsOnline) online; healthy \(overall.health.healthy), \
            degraded \(overall.health.degraded), failed \(overall.health.failed)
            Readings: \(overall.readings.total) (\(overall.readings.fault) fault, \(overall.readings.atypical) atypical, \
            \(overall.readings.outOfRange) out of range); \(number(overall.readingsPerSecond, 1))/s over the latest \
            \(summary.rateWindowSeconds) s of data


            """
        var types = [["TYPE", "SENSORS", "ONLINE", "HEALTHY", "DEGRADED", "FAILED", "READINGS", "MEAN ± SD", "READINGS/S"]]
        for type in summary.byType.keys.sorted() {
            let group = summary.byType[type]!
            types.append([
                type, "\(group.sensorsTotal)", "\(group.sensorsOnline)", "\(group.health.healthy)",
                "\(group.health.degraded)", "\(group.health.failed)", "\(group.readings.total)",
                meanAndDeviation(group.values), number(group.readingsPerSecond, 1),
            ])
        }
        text += aligned(types) + "\n"
        var sensors = [
            ["SENSOR", "TYPE", "HEALTH", "ONLINE", "READINGS", "SMOOTHED", "MEAN ± SD", "MIN", "MAX", "FAULT%", "ATYPICAL%", "LAST SEEN"]
        ]
        for row in rows {
            let partial = row.partial
            sensors.append([
                row.sensorID, row.sensorType, row.health.rawValue, rules.isOnline(partial, now: summary.now) ? "yes" : "no",
                "\(partial.counts.total)", partial.smoothed.value.map { number($0, 2) } ?? "-",
                meanAndDeviation(partial.values), partial.values.min.map { number($0, 2) } ?? "-",
                partial.values.max.map { number($0, 2) } ?? "-", number(row.percent(.fault), 1),
                number(row.percent(.atypical), 1), partial.lastSeen?.description ?? "-",
            ])
        }
        return text + aligned(sensors)
    }

    private static func meanAndDeviation(_ values: ValueStats) -> String {
        guard values.count > 0 else { return "-" }
        return number(values.mean, 2) + " ± " + number(values.standardDeviation ?? 0, 2)
    }

    /// A number with `decimals` digits after the point (rounded half away from zero).
    static func number(_ value: Double, _ decimals: Int) -> String {
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        guard scaled < 1e15 else { return "\(value)" }
        let whole = Int64(scaled)
        var digits = String(whole)
        if decimals > 0 {
            if digits.count <= decimals { digits = String(repeating: "0", count: decimals - digits.count + 1) + digits }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -decimals))
        }
        return (value < 0 && whole != 0 ? "-" : "") + digits
    }

    /// Columns padded to their widest cell, two spaces apart.
    private static func aligned(_ table: [[String]]) -> String {
        guard let columns = table.first?.count else { return "" }
        let widths = (0..<columns).map { column in table.map { $0[column].count }.max() ?? 0 }
        return table.map { row in
            row.enumerated().map { index, cell in
                index == columns - 1 ? cell : cell + String(repeating: " ", count: widths[index] - cell.count)
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }
}
