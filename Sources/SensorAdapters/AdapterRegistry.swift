import SensorCore

/// The one place that maps sink and service names to adapters: adding an adapter is one file plus one line here.
public enum Adapters {
    /// Opens (connects) the sink; an unreachable service fails here with `.unavailable`.
    public static func sink(_ kind: SinkKind, config: SensorConfig, options: SinkOptions) throws(SensorError) -> any Sink {
        switch kind {
        case .postgres: try PostgresSink(config: config, options: options)
        case .mongo: try MongoSink(config: config, options: options)
        case .hdfsCSV: try HDFSFileSink(format: .csv, config: config, options: options)
        case .hdfsJSON: try HDFSFileSink(format: .jsonLines, config: config, options: options)
        case .kafka: try KafkaSink(config: config, options: options)
        }
    }

    /// Opens (connects) the source; an unreachable database fails here with `.unavailable`.
    public static func source(_ kind: SourceKind, config: SensorConfig) throws(SensorError) -> any Source {
        switch kind {
        case .postgres: try PostgresSource(config: config)
        case .mongo: try MongoSource(config: config)
        }
    }

    public static func probe(_ service: ServiceKind, config: SensorConfig) -> any ServiceProbe {
        switch service {
        case .postgres: PostgresProbe(config: config)
        case .mongo: MongoProbe(config: config)
        case .kafka: KafkaProbe(config: config)
        case .hdfs: HDFSProbe(config: config)
        }
    }
}

extension Adapters {
    /// The store that commits each metrics batch with its source positions: PostgreSQL.
    public static func metricLedger(config: SensorConfig) throws(SensorError) -> any MetricLedger {
        try PostgresMetricStore(config: config)
    }

    /// The other stores every metrics job also writes: MongoDB.
    public static func metricMirrors(config: SensorConfig) throws(SensorError) -> [any MetricStore] {
        [try MongoMetricStore(config: config)]
    }

    /// One store, for readers (`sensorctl metrics --store`).
    public static func metricStore(_ kind: SourceKind, config: SensorConfig) throws(SensorError) -> any MetricStore {
        switch kind {
        case .postgres: try PostgresMetricStore(config: config)
        case .mongo: try MongoMetricStore(config: config)
        }
    }

    /// The readings topic read by a consumer group, for `job metrics`.
    public static func kafkaMetricsInput(
        config: SensorConfig, group: String, job: String, log: @escaping (String) -> Void
    ) throws(SensorError) -> any MetricsInput {
        try KafkaMetricsInput(config: config, group: group, job: job, log: log)
    }
}

extension Adapters {
    /// The files under `root` (nil: the configured HDFS root), for `job hdfs`.
    public static func hdfsMetricsInput(config: SensorConfig, root: String?, job: String) throws(SensorError)
        -> HDFSMetricsInput
    {
        try HDFSMetricsInput(config: config, root: root ?? config.hdfsRoot, job: job)
    }
}
