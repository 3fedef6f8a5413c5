import Foundation
import Testing

/// What one metrics-job test owns: PostgreSQL and MongoDB databases of its own (set up by `sensorctl setup`),
/// a topic of its own, and a configuration file that shortens the consumer-group session so a member that
/// was SIGKILLed hands its partitions on within seconds (the mock holds them for session.timeout.ms − 1 s).
final class MetricsJobFixture {
    let stores: MigrateFixture
    let topic: String
    let configFile: URL

    init(_ label: String, topic: String? = nil) throws {
        stores = try MigrateFixture("met_\(label)")
        self.topic = topic ?? stores.postgres.topic
        configFile = FileManager.default.temporaryDirectory.appendingPathComponent("sensorctl-\(stores.postgres.database).json")
        let config = #"{"version": 1, "kafka": {"properties": {"session.timeout.ms": "6000"}}}"#
        try Data(config.utf8).write(to: configFile)
    }

    deinit { try? FileManager.default.removeItem(at: configFile) }

    var endpoints: [String] { stores.endpoints + ["--topic", topic, "--config", configFile.path] }

    /// `generate` into `sinks` (the same readings into each); must succeed.
    func generate(_ count: Int, sinks: String = "kafka", _ extra: [String] = []) throws {
        let run = try Binary.run(["generate", "--sink", sinks, "-n", String(count), "--quiet"] + extra + endpoints)
        try #require(run.status == 0, "generate failed (\(run.status)): \(run.stderr)")
    }

    /// The arguments of a `job metrics` run against this fixture.
    func jobArguments(group: String, _ extra: [String] = []) -> [String] {
        ["job", "metrics", "--group", group, "--json"] + extra + endpoints
    }

    /// `job metrics --until-idle --json`, which must exit 0; returns its summary.
    @discardableResult
    func runUntilIdle(group: String, _ extra: [String] = [], sourceLocation: SourceLocation = #_sourceLocation) throws
        -> [String: Any]
    {
        let run = try Binary.run(jobArguments(group: group, ["--until-idle"] + extra))
        try #require(run.status == 0, "job metrics exited \(run.status): \(run.stderr)", sourceLocation: sourceLocation)
        return try Binary.json(run.stdout)
    }

    /// The sensor rows in PostgreSQL, by sensor id.
    func storedSensors() throws -> [String: SensorFigures] {
        let rows = try stores.postgres.session().query(
            """
            SELECT sensor_id, sensor_type, health, readings_total, readings_normal, readings_atypical, readings_fault,
                   readings_out_of_range, value_count, value_mean, value_stddev, value_min, value_max, smoothed,
                   (extract(epoch FROM first_seen) * 1000)::bigint, (extract(epoch FROM last_seen) * 1000)::bigint
            FROM sensor_metrics
            """)
        return Dictionary(uniqueKeysWithValues: rows.map { ($0[0] ?? "", SensorFigures($0)) })
    }

    /// The same figures computed independently by SQL over `sensor_readings` (the readings generated into
    /// PostgreSQL next to Kafka), with the EWMA as Σ w·x / Σ w, w = exp(−(t_latest − t)/τ).
    func expectedSensors(tauSeconds: Double = 60) throws -> [String: SensorFigures] {
        try expectedSensors(over: "SELECT * FROM sensor_readings", tauSeconds: tauSeconds)
    }

    /// The same computation over any relation with the columns of `sensor_readings` (e.g. the
    /// readings twice, when each is in two files) instead of the table itself.
    func expectedSensors(over relation: String, tauSeconds: Double = 60) throws -> [String:
        SensorFigures]
    {
        let valid = "value IS NOT NULL AND value <> -1"
        let rows = try stores.postgres.session().query(
            """
            WITH readings AS (\(relation)),
            smoothed AS (
                SELECT sensor_id,
                       sum(value * exp(-(latest - t) / $1::float8)) / sum(exp(-(latest - t) / $1::float8)) AS s
                FROM (SELECT sensor_id, value, extract(epoch FROM ts)::float8 AS t,
                             max(extract(epoch FROM ts)::float8) OVER (PARTITION BY sensor_id) AS latest
                      FROM readings WHERE \(valid)) v
                GROUP BY sensor_id)
            SELECT r.sensor_id, min(sensor_type), '', count(*), count(*) FILTER (WHERE value BETWEEN 80 AND 100),
                   count(*) FILTER (WHERE value BETWEEN 20 AND 45), count(*) FILTER (WHERE NOT (\(valid))),
                   count(*) FILTER (WHERE \(valid) AND NOT value BETWEEN 80 AND 100 AND NOT value BETWEEN 20 AND 45),
                   count(*) FILTER (WHERE \(valid)), avg(value) FILTER (WHERE \(valid)),
                   stddev_samp(value) FILTER (WHERE \(valid)), min(value) FILTER (WHERE \(valid)),
                   max(value) FILTER (WHERE \(valid)), min(smoothed.s),
                   (extract(epoch FROM min(ts)) * 1000)::bigint, (extract(epoch FROM max(ts)) * 1000)::bigint
            FROM readings r LEFT JOIN smoothed USING (sensor_id)
            GROUP BY r.sensor_id
            """, [String(tauSeconds)])
        return Dictionary(uniqueKeysWithValues: rows.map { ($0[0] ?? "", SensorFigures($0)) })
    }
}

/// One sensor's figures, from the metrics tables or from an independent computation.
struct SensorFigures {
    let type: String
    let health: String
    /// total, normal, atypical, fault, out of range, valid.
    let counts: [Int64]
    /// mean, stddev, min, max, smoothed (nil when absent).
    let values: [Double?]
    let firstSeen: Int64?
    let lastSeen: Int64?

    init(_ row: [String?]) {
        type = row[1] ?? ""
        health = row[2] ?? ""
        counts = (3...8).map { Int64(row[$0] ?? "") ?? -1 }
        values = (9...13).map { row[$0].flatMap(Double.init) }
        firstSeen = row[14].flatMap { Int64($0) }
        lastSeen = row[15].flatMap { Int64($0) }
    }

    /// Equal counts and times, values within `tolerance` relative; the health is not compared.
    func matches(_ other: SensorFigures, tolerance: Double = 1e-9) -> Bool {
        guard type == other.type, counts == other.counts, firstSeen == other.firstSeen, lastSeen == other.lastSeen
        else { return false }
        return zip(values, other.values).allSatisfy { mine, theirs in
            switch (mine, theirs) {
            case (nil, nil): true
            case (let a?, let b?): abs(a - b) <= tolerance * max(1, abs(a), abs(b))
            default: false
            }
        }
    }
}
