import CLibPQ
import SensorAdapters
import SensorCore
import Testing

/// PostgresSink against the real PostgreSQL of the local stack, read back with plain libpq.
@Suite(.serialized) struct PostgresSinkTests {
    /// Runs one query with a text parameter over a fresh libpq connection and returns the rows as text.
    static func rows(_ sql: String, _ parameter: String) throws -> [[String?]] {
        let url = try TestStack.config().postgresURL
        let connection = PQconnectdb(url)
        defer { PQfinish(connection) }
        try #require(PQstatus(connection) == CONNECTION_OK, "cannot connect to the stack's PostgreSQL")
        let result = parameter.withCString { value in
            var values: [UnsafePointer<CChar>?] = [value]
            return PQexecParams(connection, sql, 1, nil, &values, nil, nil, 0)
        }
        defer { PQclear(result) }
        try #require(PQresultStatus(result) == PGRES_TUPLES_OK, "\(String(cString: PQresultErrorMessage(result)))")
        return (0..<PQntuples(result)).map { row in
            (0..<PQnfields(result)).map { column in
                PQgetisnull(result, row, column) == 1 ? nil : String(cString: PQgetvalue(result, row, column))
            }
        }
    }

    /// A sink on the stack's database, after making sure the schema exists.
    static func freshSink() throws -> PostgresSink {
        let config = try TestStack.config()
        _ = try PostgresProbe(config: config).setup()
        return try PostgresSink(config: config, options: SinkOptions(runID: "test"))
    }

    @Test func storesExactlyTheReadingsItIsGiven() throws {
        let sink = try Self.freshSink()
        try SinkConformance.check(sink) { app in
            // Milliseconds since the epoch and the value's shortest text, straight from the server.
            try Self.rows(
                """
                SELECT id::text, sensor_id, sensor_type, value::text, (extract(epoch FROM ts) * 1000)::bigint::text, app
                FROM sensor_readings WHERE app = $1
                """, app
            ).map { row in
                Reading(
                    id: try #require(ReadingID(row[0]!)), sensorID: row[1]!, sensorType: row[2]!,
                    value: row[3].flatMap(Double.init), timestamp: Timestamp(milliseconds: Int64(row[4]!)!), app: row[5]!)
            }
        }
    }

    @Test func rowsBecomeVisibleOnlyWhenTheCopyCommits() throws {
        let sink = try Self.freshSink()
        let app = TestStack.uniqueName("pg-visibility")
        var generator = ReadingGenerator(profile: GeneratorProfile(app: app))
        try sink.write((0..<10).map { _ in generator.next() })
        #expect(try Self.rows("SELECT count(*)::text FROM sensor_readings WHERE app = $1", app) == [["0"]])
        try sink.finish()
        #expect(try Self.rows("SELECT count(*)::text FROM sensor_readings WHERE app = $1", app) == [["10"]])
        #expect(sink.durableCount == 10)
    }

    @Test func setupIsIdempotent() throws {
        let probe = PostgresProbe(config: try TestStack.config())
        _ = try probe.setup()
        let again = try probe.setup()
        #expect(!again.isEmpty && again.allSatisfy { $0.outcome == .present })
        #expect(try probe.check().contains("present"))
    }

    @Test func aDuplicateIdIsADataErrorAndTheBatchIsRolledBack() throws {
        let sink = try Self.freshSink()
        let app = TestStack.uniqueName("pg-duplicate")
        var generator = ReadingGenerator(profile: GeneratorProfile(app: app))
        let first = generator.next()
        try sink.write([first])
        try sink.finish()
        // Rows are streamed into an open COPY; the duplicate surfaces when the COPY is committed.
        let error = #expect(throws: SensorError.self) {
            try sink.write([generator.next(), first])
            try sink.finish()
        }
        #expect(error?.code == .data)
        #expect(error?.message.contains("duplicate key") == true)
        #expect(try Self.rows("SELECT count(*)::text FROM sensor_readings WHERE app = $1", app) == [["1"]])
    }

    @Test func textWithCopySpecialCharactersSurvives() throws {
        let sink = try Self.freshSink()
        let app = TestStack.uniqueName("tab\there\\and\nnewline")
        var generator = ReadingGenerator(profile: GeneratorProfile(app: app))
        try sink.write([generator.next()])
        try sink.finish()
        #expect(try Self.rows("SELECT app FROM sensor_readings WHERE app = $1", app) == [[app]])
    }
}

extension PostgresSinkTests {
    /// A database where `setup` never ran: the error says so instead of a bare "relation does not exist".
    @Test func aMissingTableAsksForSetup() throws {
        let url = try TestStack.config().postgresURL
        // A search_path without the public schema hides sensor_readings, like a fresh database would.
        let hidden = url + (url.contains("?") ? "&" : "?") + "options=-csearch_path%3Dno_such_schema"
        let config = try ConfigLoader(flags: [.postgresURL: hidden], projectFile: "/nonexistent").load()
        let sink = try PostgresSink(config: config, options: SinkOptions(runID: "test"))
        var generator = ReadingGenerator(profile: GeneratorProfile(app: "pg-missing-table"))
        let error = #expect(throws: SensorError.self) {
            try sink.write([generator.next()])
            try sink.finish()
        }
        #expect(error?.code == .config)
        #expect(error?.message.contains("run `sensorctl setup` first") == true, "\(error?.message ?? "")")
    }
}
