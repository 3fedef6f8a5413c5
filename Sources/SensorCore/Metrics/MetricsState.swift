/// The cumulative state of a metrics job: one partial per sensor plus the per-type time series.
///
/// `apply(batch:)` is "compute the batch's partials, then merge them", and every other way in — partials
/// from a remote engine, another consumer's state, a state restored from storage — uses the same merges,
/// so the state after any sequence of batches equals the state of one pass over all their readings.
public struct MetricsState: Sendable, Equatable {
    /// The EWMA time constant every partial in this state uses, in seconds.
    public let tauSeconds: Double
    /// One partial per sensor, keyed by sensor id.
    public private(set) var sensors: [String: SensorPartial]
    /// Mean of valid values per sensor type and time bucket.
    public private(set) var series: TypeSeries

    /// An empty state.
    public init(tau: Duration = Aggregator.defaultTau, bucket: Duration = Aggregator.defaultBucket) {
        let series = TypeSeries(bucketMilliseconds: bucket.inWholeMilliseconds)
        self.init(tauSeconds: tau.inSeconds, sensors: [:], series: series)
    }

    /// Restores persisted state.
    public init(tauSeconds: Double, sensors: [String: SensorPartial], series: TypeSeries) {
        precondition(tauSeconds > 0 && tauSeconds.isFinite, "MetricsState: tau must be positive and finite")
        precondition(sensors.allSatisfy { $0.key == $0.value.sensorID }, "MetricsState: sensors keyed wrongly")
        self.tauSeconds = tauSeconds
        self.sensors = sensors
        self.series = series
    }

    /// Folds in one batch: its partials and its time series are computed by the pure `Aggregator`
    /// functions, then merged.
    public mutating func apply(batch: [Reading]) {
        merge(partials: Aggregator.partials(of: batch, tauSeconds: tauSeconds))
        merge(series: Aggregator.series(of: batch, bucketMilliseconds: series.bucketMilliseconds))
    }

    /// Merges per-sensor partials computed elsewhere (keyed by sensor id, with this state's tau).
    public mutating func merge(partials: [String: SensorPartial]) {
        for (sensorID, partial) in partials {
            precondition(sensorID == partial.sensorID, "MetricsState: partial of \(partial.sensorID) under \(sensorID)")
            if sensors[sensorID] != nil {
                sensors[sensorID]!.merge(partial)  // in place: no copy of the partial's window and buckets
            } else {
                sensors[sensorID] = partial
            }
        }
    }

    /// Merges a time series computed elsewhere (with this state's bucket width).
    public mutating func merge(series other: TypeSeries) {
        series.merge(other)
    }

    /// Merges another whole state, e.g. another consumer's.
    public mutating func merge(_ other: MetricsState) {
        merge(partials: other.sensors)
        merge(series: other.series)
    }

    /// All readings folded in so far.
    public var readingsTotal: Int64 {
        sensors.values.reduce(0) { $0 + $1.counts.total }
    }

    /// The latest reading timestamp of any sensor: the state's notion of "now" in data time.
    public var latestTimestamp: Timestamp? {
        sensors.values.compactMap(\.lastSeen).max()
    }
}
