import SensorCore

/// Checks PostgreSQL with a real login and a catalog query, and creates the readings schema.
public struct PostgresProbe: ServiceProbe {
    public let service = ServiceKind.postgres
    private let url: String

    public init(config: SensorConfig) {
        url = config.postgresURL
    }

    public var endpoint: String { Redact.endpoint(url) }

    public func check() throws(SensorError) -> String {
        let connection = try PostgresConnection(url: url)
        let missing = try missingObjects(connection)
        guard missing.isEmpty else {
            return "reachable; missing \(missing.joined(separator: ", ")): run sensorctl setup"
        }
        return "table \(PostgresSchema.readingsTable) present"
    }

    public func setup() throws(SensorError) -> [SetupStep] {
        let connection = try PostgresConnection(url: url)
        var steps: [SetupStep] = []
        for object in PostgresSchema.objects {
            if try exists(object, connection) {
                steps.append(SetupStep(object.label, .present))
            } else {
                try connection.query(object.ddl)
                steps.append(SetupStep(object.label, .created))
            }
        }
        return steps
    }

    /// Labels (`table sensor_readings`) of the schema objects that do not exist yet.
    private func missingObjects(_ connection: PostgresConnection) throws(SensorError) -> [String] {
        var missing: [String] = []
        for object in PostgresSchema.objects where !(try exists(object, connection)) {
            missing.append(object.label)
        }
        return missing
    }

    private func exists(_ object: PostgresSchema.Object, _ connection: PostgresConnection) throws(SensorError) -> Bool {
        try connection.query(object.exists).first?.first == "t"
    }
}
