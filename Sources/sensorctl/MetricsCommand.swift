import Foundation
import SensorAdapters
import SensorCLI
import SensorCore

/// `sensorctl metrics`: the current metrics from one store, as a table or JSON. The summary is recomputed
/// from the sensors' stored state at the moment of the call, so "online" is judged now, not when the job
/// last wrote.
struct MetricsCommand {
    let command: ParsedCommand
    let config: SensorConfig

    func run() throws(SensorError) -> Int32 {
        let kind = SourceKind(rawValue: command.string("store")!)!
        let store = try Adapters.metricStore(kind, config: config)
        var rows = try store.sensors()
        if let type = command.string("type") { rows = rows.filter { $0.sensorType == type } }
        let rules = HealthRules(onlineTTL: .milliseconds(Int64(command.double("online-ttl")! * 1000)))
        let now = Timestamp.now()
        let state = MetricsState(
            tauSeconds: rows.first?.partial.smoothed.tauSeconds ?? 60,
            sensors: Dictionary(rows.map { ($0.sensorID, $0.partial) }, uniquingKeysWith: { first, _ in first }),
            series: TypeSeries())
        let summary = state.summary(now: now, rules: rules)
        if command.has("json") {
            JSONOutput.print(json(rows, summary: summary, rules: rules, store: store.service))
        } else if rows.isEmpty {
            Console.out(
                "No metrics in \(store.service) yet: run 'sensorctl job metrics' (from Kafka) or 'sensorctl job hdfs' "
                    + "(from HDFS files) first.\n")
        } else {
            Console.out(MetricsTable.text(rows, summary: summary, rules: rules, store: store.service))
        }
        return ExitCode.success
    }

    private func json(_ rows: [SensorMetricsRow], summary: MetricsSummary, rules: HealthRules, store: String) -> [String: Any] {
        func group(_ group: MetricsSummary.Group) -> [String: Any] {
            [
                "sensors": group.sensorsTotal, "online": group.sensorsOnline, "healthy": group.health.healthy,
                "degraded": group.health.degraded, "failed": group.health.failed, "readings": group.readings.total,
                "fault": group.readings.fault, "atypical": group.readings.atypical,
                "readings_per_second": group.readingsPerSecond, "mean": group.values.count > 0 ? group.values.mean : NSNull(),
                "stddev": group.values.standardDeviation ?? NSNull(),
            ]
        }
        let sensors: [[String: Any]] = rows.map { row in
            let partial = row.partial
            return [
                "sensor_id": row.sensorID, "sensor_type": row.sensorType, "health": row.health.rawValue,
                "online": rules.isOnline(partial, now: summary.now), "readings": partial.counts.total,
                "normal": partial.counts.normal, "atypical": partial.counts.atypical, "fault": partial.counts.fault,
                "out_of_range": partial.counts.outOfRange, "smoothed": partial.smoothed.value ?? NSNull(),
                "mean": partial.values.count > 0 ? partial.values.mean : NSNull(),
                "stddev": partial.values.standardDeviation ?? NSNull(), "min": partial.values.min ?? NSNull(),
                "max": partial.values.max ?? NSNull(), "last_value": partial.last?.value ?? NSNull(),
                "first_seen": partial.firstSeen?.description ?? NSNull(),
                "last_seen": partial.lastSeen?.description ?? NSNull(), "version": row.version,
            ]
        }
        return [
            "store": store, "now": summary.now.description, "overall": group(summary.overall),
            "by_type": summary.byType.mapValues(group), "sensors": sensors,
        ]
    }
}
