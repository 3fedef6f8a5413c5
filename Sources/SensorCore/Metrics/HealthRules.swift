/// How a sensor is doing, judged from its most recent readings.
public enum SensorHealth: String, Sendable, Hashable, CaseIterable {
    /// Recent readings are mostly normal.
    case healthy
    /// At least `degradedShare` of the recent readings are abnormal (atypical, fault or out of range).
    case degraded
    /// The latest `failedRun` readings (or all of them, if fewer) are faults: the sensor is burned.
    case failed
}

/// The one place where health and liveness are decided. Every job, store and dashboard goes through here
/// so that "degraded" means the same thing everywhere.
///
/// The rules, applied to a sensor's `RecentWindow` (its latest `RecentWindow.capacity` = 20 readings by
/// timestamp, then id — data order, not arrival order):
/// 1. **failed** when the latest `failedRun` (3) readings are all faults (null or -1); a sensor with fewer
///    readings is failed when all of them are faults. Checked first: a burned sensor is also abnormal, but
///    "failed" is the more useful word.
/// 2. **degraded** when abnormal readings — atypical (20–45), fault or out-of-range, i.e. everything that is
///    not normal (80–100) — make up at least `degradedShare` (20%) of the window, i.e. 4 of the last 20.
///    Out-of-range values count against the sensor too: they are neither of the expected shapes of data.
/// 3. **healthy** otherwise, including a sensor with no readings at all (there is nothing against it).
///
/// Liveness is separate from health: a sensor is **online** when its latest reading's timestamp is within
/// `onlineTTL` (30 s) of `now`, boundary included. A reading stamped after `now` (clock skew)
/// counts as online.
public struct HealthRules: Sendable, Equatable {
    /// How many of the latest readings must all be faults for `failed`.
    public var failedRun: Int
    /// The abnormal share of the recent window at or above which a sensor is `degraded`.
    public var degradedShare: Double
    /// How recent the last reading must be, relative to `now`, for a sensor to be online (whole milliseconds
    /// count; finer parts are ignored, as timestamps have millisecond precision).
    public var onlineTTL: Duration

    /// The documented defaults: failed after 3 faults, degraded at 20%, online within 30 s.
    public static let standard = HealthRules()

    public init(failedRun: Int = 3, degradedShare: Double = 0.2, onlineTTL: Duration = .seconds(30)) {
        precondition((1...RecentWindow.capacity).contains(failedRun), "HealthRules: failedRun outside the window")
        precondition(degradedShare > 0 && degradedShare <= 1, "HealthRules: degradedShare must be in (0, 1]")
        precondition(onlineTTL >= .zero, "HealthRules: onlineTTL must not be negative")
        self.failedRun = failedRun
        self.degradedShare = degradedShare
        self.onlineTTL = onlineTTL
    }

    /// The health that the recent readings in `window` indicate.
    public func health(of window: RecentWindow) -> SensorHealth {
        let entries = window.entries
        guard !entries.isEmpty else { return .healthy }
        if window.latest(failedRun).allSatisfy({ $0.readingClass == .fault }) { return .failed }
        let abnormal = entries.count(where: { $0.readingClass.isAbnormal })
        // A correctly rounded k/n is the double nearest the true share, as the literal 0.2 is nearest 1/5, so
        // exactly 4 of 20 compares equal (multiplying the share by n could round either way).
        if Double(abnormal) / Double(entries.count) >= degradedShare { return .degraded }
        return .healthy
    }

    /// The health of a sensor.
    public func health(of partial: SensorPartial) -> SensorHealth {
        health(of: partial.recent)
    }

    /// Whether a sensor last seen at `lastSeen` is online at `now`; never seen is offline.
    public func isOnline(lastSeen: Timestamp?, now: Timestamp) -> Bool {
        guard let lastSeen else { return false }
        return now.milliseconds - lastSeen.milliseconds <= onlineTTL.inWholeMilliseconds
    }

    /// Whether a sensor is online at `now`.
    public func isOnline(_ partial: SensorPartial, now: Timestamp) -> Bool {
        isOnline(lastSeen: partial.lastSeen, now: now)
    }
}
