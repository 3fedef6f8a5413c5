/// The pure per-batch half of the metrics jobs: readings in, mergeable partials out.
///
/// These functions hold no state and depend on nothing but their arguments, so any engine can compute
/// them — locally, on another consumer, or remotely — and `MetricsState` merges the results. Partials
/// of disjoint batches merge to the partials of their union, in any split and any order.
public enum Aggregator {
    /// The default EWMA time constant: a reading's weight halves in about 42 s and is 5% after 3 minutes,
    /// smooth enough to hide single atypical values while still following a sensor that drifts.
    public static let defaultTau: Duration = .seconds(60)

    /// The default time-series bucket width.
    public static let defaultBucket: Duration = .seconds(10)

    /// Per-sensor partials of `readings`, keyed by sensor id. `tau` is the EWMA time constant (> 0).
    public static func partials(of readings: [Reading], tau: Duration = defaultTau) -> [String: SensorPartial] {
        partials(of: readings, tauSeconds: tau.inSeconds)
    }

    /// The same, with τ in seconds as partials store it.
    public static func partials(of readings: [Reading], tauSeconds: Double) -> [String: SensorPartial] {
        var partials: [String: SensorPartial] = [:]
        for reading in readings {
            // `default:` is an autoclosure: the empty partial is only built for a sensor's first reading.
            let (sensorID, sensorType) = (reading.sensorID, reading.sensorType)
            partials[sensorID, default: .init(sensorID: sensorID, sensorType: sensorType, tauSeconds: tauSeconds)]
                .add(reading)
        }
        return partials
    }

    /// The per-type time series of `readings`, in buckets `bucket` wide (a whole number of milliseconds > 0).
    public static func series(of readings: [Reading], bucket: Duration = defaultBucket) -> TypeSeries {
        series(of: readings, bucketMilliseconds: bucket.inWholeMilliseconds)
    }

    /// The same, with the width in milliseconds as series store it.
    public static func series(of readings: [Reading], bucketMilliseconds: Int64) -> TypeSeries {
        var series = TypeSeries(bucketMilliseconds: bucketMilliseconds)
        for reading in readings { series.add(reading) }
        return series
    }
}

extension Duration {
    /// The duration in seconds, as a Double (attosecond precision is far beyond what metrics need).
    public var inSeconds: Double {
        let (whole, fraction) = components
        return Double(whole) + Double(fraction) * 1e-18
    }

    /// The duration in whole milliseconds, truncated toward zero.
    var inWholeMilliseconds: Int64 {
        let (whole, fraction) = components
        return whole * 1000 + fraction / 1_000_000_000_000_000
    }
}
