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
        let missing = Set(try missingObjects(connection))
        var steps: [SetupStep] = []
        for object in PostgresSchema.objects {
            let label = "\(object.kind) \(object.name)"
            if missing.contains(label) {
                try connection.query(object.ddl)
                steps.append(SetupStep(label, .created))
            } else {
                steps.append(SetupStep(label, .present))
            }
        }
        return steps
    }

    /// Labels (`table sensor_readings`) of the schema objects that do not exist yet.
    private func missingObjects(_ connection: PostgresConnection) throws(SensorError) -> [String] {
        var missing: [String] = []
        for object in PostgresSchema.objects {
            let rows = try connection.query("SELECT to_regclass($1) IS NULL", [object.name])
            if rows.first?.first == "t" { missing.append("\(object.kind) \(object.name)") }
        }
        return missing
    }
}
