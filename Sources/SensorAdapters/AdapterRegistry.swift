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
