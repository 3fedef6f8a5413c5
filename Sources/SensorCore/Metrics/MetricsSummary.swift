/// What the dashboard shows: sensor and reading totals overall and per sensor type.
public struct MetricsSummary: Sendable, Equatable {
    /// Sensors by health.
    public struct HealthCounts: Sendable, Equatable {
        public internal(set) var healthy = 0
        public internal(set) var degraded = 0
        public internal(set) var failed = 0

        public init(healthy: Int = 0, degraded: Int = 0, failed: Int = 0) {
            (self.healthy, self.degraded, self.failed) = (healthy, degraded, failed)
        }

        public subscript(health: SensorHealth) -> Int {
            switch health {
            case .healthy: healthy
            case .degraded: degraded
            case .failed: failed
            }
        }

        mutating func add(_ health: SensorHealth) {
            switch health {
            case .healthy: healthy += 1
            case .degraded: degraded += 1
            case .failed: failed += 1
            }
        }
    }

    /// The figures for one group of sensors: one type, or all of them.
    public struct Group: Sendable, Equatable {
        /// The type, or nil for the overall group.
        public let sensorType: String?
        public internal(set) var sensorsTotal = 0
        /// Sensors whose last reading is within the online TTL of `now`.
        public internal(set) var sensorsOnline = 0
        public internal(set) var health = HealthCounts()
        /// Readings by class; `readings.total` is the group's reading count.
        public internal(set) var readings = ReadingCounts()
        /// Count, mean, deviation, min and max of the group's valid values.
        public internal(set) var values = ValueStats.empty
        /// Readings in the rate window divided by its length in seconds (see `MetricsSummary`).
        public internal(set) var readingsPerSecond = 0.0

        init(sensorType: String?) {
            self.sensorType = sensorType
        }
    }

    /// The wall-clock time that liveness was judged against.
    public let now: Timestamp
    /// The last whole-second bucket of the rate window (seconds since the epoch); nil when there is no data.
    public let rateWindowEndSecond: Int64?
    /// The rate window's length in whole seconds.
    public let rateWindowSeconds: Int64
    /// All sensors.
    public let overall: Group
    /// One group per sensor type, keyed by type.
    public let byType: [String: Group]
}

extension MetricsState {
    /// The default rate window: the whole horizon the activity counters keep.
    public static let defaultRateWindow: Duration = .seconds(ActivityCounts.horizonSeconds)

    /// Totals overall and per type.
    ///
    /// Liveness is judged against `now` with `rules.onlineTTL`; health follows `rules` (see `HealthRules`).
    ///
    /// **Readings per second** is defined on data time, not wall-clock time, so that replaying old data (the
    /// HDFS job) gives meaningful rates: it is the number of readings whose timestamp falls in the
    /// `rateWindow` whole seconds ending with the second of `rateEnd` (default: the latest reading in the
    /// state), divided by the window's length in seconds. The window is whole one-second buckets
    /// [end − N + 1, end], N = `rateWindow` rounded down to seconds and clamped to 1…60 (the horizon the
    /// counters keep); the newest second may still be filling, so a live rate can read slightly low. A
    /// stalled stream keeps its last rate; `sensorsOnline` is the liveness signal.
    public func summary(
        now: Timestamp, rules: HealthRules = .standard, rateWindow: Duration = defaultRateWindow,
        rateEnd: Timestamp? = nil
    ) -> MetricsSummary {
        let windowSeconds = min(max(rateWindow.inWholeMilliseconds / 1000, 1), ActivityCounts.horizonSeconds)
        let endSecond = (rateEnd ?? latestTimestamp).map(ActivityCounts.second(of:))
        var overall = MetricsSummary.Group(sensorType: nil)
        var byType: [String: MetricsSummary.Group] = [:]
        for partial in sensors.values {
            let health = rules.health(of: partial)
            let online = rules.isOnline(partial, now: now)
            let recent = endSecond.map { partial.activity.count(endingAt: $0, length: windowSeconds) } ?? 0
            func fold(into group: inout MetricsSummary.Group) {
                group.sensorsTotal += 1
                if online { group.sensorsOnline += 1 }
                group.health.add(health)
                group.readings.merge(partial.counts)
                group.values.merge(partial.values)
                // Summing counts and dividing once keeps the per-type rates adding up to the overall rate.
                group.readingsPerSecond += Double(recent)
            }
            fold(into: &overall)
            fold(into: &byType[partial.sensorType, default: .init(sensorType: partial.sensorType)])
        }
        overall.readingsPerSecond /= Double(windowSeconds)
        for type in byType.keys { byType[type]!.readingsPerSecond /= Double(windowSeconds) }
        return MetricsSummary(
            now: now, rateWindowEndSecond: endSecond, rateWindowSeconds: windowSeconds, overall: overall,
            byType: byType)
    }
}
