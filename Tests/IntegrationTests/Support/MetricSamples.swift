import SensorCore

/// Deterministic metric rows for the metric store tests, built from real readings through `Aggregator`, so
/// every part of a partial is filled the way a job fills it: all four reading classes, values that are not
/// short decimals, a full recency window, activity over more than one bucket (beyond the 60 s horizon for
/// long samples), out-of-order readings, a sensor with only faults (every nullable column NULL) and one with
/// a single reading (no standard deviation).
enum MetricSamples {
    static let sensorCount = 4
    static let tauSeconds = 60.0
    static let start = Timestamp(milliseconds: 1_700_000_000_000)

    /// The readings of sensors `<type>-0` … `<type>-3`; the same values and times for every `type`.
    static func readings(type: String, perSensor: Int, from first: Int = 0) -> [Reading] {
        (0..<sensorCount).flatMap { sensor in
            (first..<first + perSensor).compactMap { index -> Reading? in
                if sensor == 3 && index > 0 { return nil }  // a single reading
                let values: [Double?] = [91.25, 88.5, 33.75, nil, -1, 120.125, 85 + Double(index) / 7, 97.3]
                var value = values[index % values.count]
                if sensor == 2 { value = index % 2 == 0 ? nil : -1 }  // only faults
                // Every fifth reading arrives late, two seconds out of order.
                let late: Int64 = index % 5 == 4 ? 2_000 : 0
                let milliseconds = start.milliseconds + Int64(index) * 900 + Int64(sensor) * 7 - late
                return Reading(
                    id: ReadingID(high: 0x0123_4567_89ab_7def, low: UInt64(sensor) << 32 | UInt64(index)),
                    sensorID: "\(type)-\(sensor)", sensorType: type, value: value,
                    timestamp: Timestamp(milliseconds: milliseconds), app: "metric-samples")
            }
        }
    }

    /// The rows of `readings(type:perSensor:)`, by sensor id.
    static func sensorRows(type: String, version: Int64, readingsPerSensor: Int = 30) -> [SensorMetricsRow] {
        Aggregator.partials(of: readings(type: type, perSensor: readingsPerSensor), tauSeconds: tauSeconds)
            .values.sorted { $0.sensorID < $1.sensorID }
            .map { partial in
                SensorMetricsRow(
                    partial, rules: .standard, version: version,
                    updatedAt: Timestamp(milliseconds: start.milliseconds + 500_000 + version))
            }
    }

    /// Four 10 s buckets of `type`, by time; `scale` changes every count and sum.
    static func seriesRows(type: String, version: Int64, scale: Int64) -> [SeriesRow] {
        (0..<4).map { bucket in
            SeriesRow(
                sensorType: type, bucketMilliseconds: 10_000,
                bucketStart: Timestamp(milliseconds: start.milliseconds + Int64(bucket) * 10_000),
                readings: 3 * scale + Int64(bucket), valueSum: (271.125 + Double(bucket) / 3) * Double(scale),
                version: version)
        }
    }

    /// The overall row, then one per type (the first with values, the others with none).
    static func summaryRows(
        types: [String], computedAt: Timestamp = .now()
    ) -> [SummaryRow] {
        var values = ValueStats.empty
        for value in [91.25, 33.75, 120.125, 85 + 1.0 / 7] { values.add(value) }
        let group = { (type: String?, values: ValueStats) in
            SummaryRow(
                sensorType: type, sensorsTotal: 5, sensorsOnline: 3, health: .init(healthy: 3, degraded: 1, failed: 1),
                readings: ReadingCounts(normal: 80, atypical: 10, fault: 7, outOfRange: 3), values: values,
                readingsPerSecond: 12.345_678_9, computedAt: computedAt)
        }
        return [group(nil, values)] + types.sorted().enumerated().map { group($1, $0 == 0 ? values : .empty) }
    }
}
