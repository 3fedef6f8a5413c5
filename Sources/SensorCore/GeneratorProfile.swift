/// What kind of data a generator app emits.
public enum DataKind: String, CaseIterable, Sendable {
    /// Healthy sensors: values uniformly in 80–100, with a small chance of an atypical 20–45.
    case good
    /// Burned sensors (very high resistance): every value is -1 or missing (null).
    case anomaly
}

/// Everything that shapes a generated stream, except where it goes.
public struct GeneratorProfile: Sendable, Equatable {
    public static let defaultSensorTypes = ["temperature", "humidity", "pressure", "vibration"]
    public static let goodRange: ClosedRange<Double> = 80...100
    public static let atypicalRange: ClosedRange<Double> = 20...45
    /// The value a burned sensor reports when it reports anything.
    public static let burnedValue = -1.0

    public var kind: DataKind
    public var sensorCount: Int
    public var sensorTypes: [String]
    /// Chance that a good reading is atypical (20–45) instead of normal (80–100).
    public var atypicalChance: Double
    /// Share of anomaly readings whose value is null; the rest are -1.
    public var nullShare: Double
    public var app: String
    /// Fixes the sequence of sensors and values (ids and timestamps stay fresh).
    public var seed: UInt64?

    public init(
        kind: DataKind = .good, sensorCount: Int = 10, sensorTypes: [String] = defaultSensorTypes,
        atypicalChance: Double = 0.05, nullShare: Double = 0.5, app: String = "sensorctl-generate",
        seed: UInt64? = nil
    ) {
        self.kind = kind
        self.sensorCount = sensorCount
        self.sensorTypes = sensorTypes
        self.atypicalChance = atypicalChance
        self.nullShare = nullShare
        self.app = app
        self.seed = seed
    }

    /// The sensors of this profile: `sensorCount` of them, dealt round-robin over the types and numbered
    /// within each type (`temperature-001`, `humidity-001`, …, `temperature-002`, …).
    public var sensors: [(id: String, type: String)] {
        (0..<sensorCount).map { index in
            let type = sensorTypes[index % sensorTypes.count]
            let number = index / sensorTypes.count + 1
            let digits = String(number)
            return ("\(type)-\(String(repeating: "0", count: max(0, 3 - digits.count)))\(digits)", type)
        }
    }
}
