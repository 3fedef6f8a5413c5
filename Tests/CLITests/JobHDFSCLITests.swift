import Foundation
import Testing

/// `sensorctl job hdfs` against the real stack: files written by `generate` and by hand (curl over WebHDFS),
/// figures against an independent SQL computation, the manifest across reruns, appends and replacements,
/// malformed files, and an unreachable namenode. Each test owns its databases and its HDFS directory.
@Suite("job hdfs", .serialized)
struct JobHDFSCLITests {
    static let header = "id,sensor_id,sensor_type,value,ts,app\n"

    @Test(
        "the same readings as CSV and JSON count twice, with figures equal to SQL over the doubled readings"
    )
    func metricsMatchIndependentComputation() throws {
        let fixture = try MetricsJobFixture("hdfs_both")
        let hdfs = try HDFSTestRoot("both")
        let sinks = "postgres,hdfs-csv,hdfs-json"
        let files = ["--file-rows", "400", "--hdfs-root", hdfs.path]
        try fixture.generate(1500, sinks: sinks, ["--sensors", "8", "--seed", "21"] + files)
        try fixture.generate(
            300, sinks: sinks, ["--sensors", "4", "--seed", "21", "--type-data", "anomaly"] + files)

        let summary = try fixture.runHDFS(["--hdfs-root", hdfs.path, "--batch-records", "250"])
        #expect(summary["job"] as? String == "hdfs")
        #expect(summary["status"] as? String == "succeeded")
        #expect(summary["readings"] as? Int == 3600)
        #expect(summary["rejected"] as? Int == 0)
        #expect(summary["conflicts"] as? Int == 0)
        #expect((summary["batches"] as? Int ?? 0) >= 3600 / 250)

        // Each reading is in one CSV and one JSON file: SQL over sensor_readings twice is the expectation.
        let stored = try fixture.storedSensors()
        let expected = try fixture.expectedSensors(over: Self.doubled)
        #expect(stored.count == 8)
        #expect(Set(stored.keys) == Set(expected.keys))
        for (sensor, figures) in expected {
            let actual = try #require(stored[sensor])
            #expect(actual.matches(figures), "\(sensor): stored \(actual) expected \(figures)")
        }
        let session = try fixture.stores.postgres.session()
        let seriesDifferences = try session.value(
            """
            SELECT count(*) FROM (
                SELECT sensor_type, (floor(extract(epoch FROM ts) * 1000 / 10000) * 10000)::bigint AS bucket,
                       count(*) AS n, sum(value) AS total
                FROM (\(Self.doubled)) r WHERE value IS NOT NULL AND value <> -1 GROUP BY 1, 2) e
            FULL JOIN (SELECT sensor_type, (extract(epoch FROM bucket_start) * 1000)::bigint AS bucket, readings,
                              value_sum FROM metrics_series WHERE bucket_ms = 10000) s USING (sensor_type, bucket)
            WHERE e.n IS DISTINCT FROM s.readings OR abs(e.total - s.value_sum) > 1e-6 * e.total OR s.readings IS NULL
            """)
        #expect(seriesDifferences == "0")

        // The manifest holds every file the sinks wrote, each read to its end.
        let written = try hdfs.files(in: hdfs.absolute("csv")) + hdfs.files(in: hdfs.absolute("json"))
        #expect(written.count == 10)
        let manifest = try session.query(
            "SELECT path, bytes_done, length, readings, rejected, complete FROM hdfs_manifest WHERE job = 'hdfs'"
        )
        #expect(Set(manifest.compactMap { $0[0] }) == Set(written.map(\.path)))
        for file in written {
            let row = try #require(manifest.first { $0[0] == file.path })
            #expect(
                row[1] == String(file.length) && row[2] == String(file.length) && row[5] == "t", "\(row)")
            #expect(row[4] == "0")
        }
        #expect(manifest.reduce(0) { $0 + (Int($1[3] ?? "") ?? 0) } == 3600)
        #expect(try fixture.stores.mongo.documents(in: "hdfs_manifest").count == 10)

        // MongoDB holds the same sensors as PostgreSQL; the run is recorded in both.
        let fromPostgres = try Binary.run(["metrics", "--json"] + fixture.endpoints)
        let fromMongo = try Binary.run(["metrics", "--json", "--store", "mongo"] + fixture.endpoints)
        try #require(
            fromPostgres.status == 0 && fromMongo.status == 0,
            "\(fromPostgres.stderr) \(fromMongo.stderr)")
        let postgresSensors = try #require(
            try Binary.json(fromPostgres.stdout)["sensors"] as? [[String: Any]])
        let mongoSensors = try #require(
            try Binary.json(fromMongo.stdout)["sensors"] as? [[String: Any]])
        #expect(postgresSensors.count == 8)
        #expect(NSArray(array: postgresSensors).isEqual(to: mongoSensors))
        #expect(
            try session.value("SELECT count(*) FROM job_runs WHERE job = 'hdfs' AND status = 'succeeded'")
                == "1")
        let mongoRuns = try fixture.stores.mongo.documents(in: "job_runs").filter {
            $0["job"] as? String == "hdfs"
        }
        #expect(mongoRuns.count == 1 && mongoRuns.first?["status"] as? String == "succeeded")
    }

    @Test(
        "a rerun skips done files; new files and appended tails are read once; a replaced file is reported"
    )
    func rerunsReadOnlyWhatIsNew() throws {
        let fixture = try MetricsJobFixture("hdfs_rerun")
        let hdfs = try HDFSTestRoot("rerun")
        try fixture.generate(
            600, sinks: "postgres,hdfs-csv",
            ["--sensors", "6", "--seed", "3", "--file-rows", "250", "--hdfs-root", hdfs.path])
        let job = ["--hdfs-root", hdfs.path, "--batch-records", "100"]
        #expect(try fixture.runHDFS(job)["readings"] as? Int == 600)
        try fixture.expectStoredEqualExpected()
        let first = try fixture.storedSensors()

        let rerun = try fixture.runHDFS(job)
        #expect(
            rerun["readings"] as? Int == 0 && rerun["rejected"] as? Int == 0
                && rerun["batches"] as? Int == 0)
        let afterRerun = try fixture.storedSensors()
        #expect(afterRerun.count == first.count)
        #expect(
            first.allSatisfy { sensor, figures in afterRerun[sensor].map { $0.matches(figures) } ?? false
            })

        // A new JSON file two directories down, and four lines appended to the first CSV file; the same
        // readings go into sensor_readings, so the independent computation covers them.
        let csvFiles = try hdfs.files(in: hdfs.absolute("csv"))
        try #require(csvFiles.count == 3, "\(csvFiles)")
        let sensors = try fixture.stores.postgres.session().query(
            "SELECT DISTINCT sensor_id, sensor_type FROM sensor_readings ORDER BY 1 LIMIT 2")
        let (a, b) = ((sensors[0][0]!, sensors[0][1]!), (sensors[1][0]!, sensors[1][1]!))
        let appended = [
            TestReading(a.0, a.1, 91.5, offset: 10), TestReading(a.0, a.1, 30.25, offset: 11),
            TestReading(b.0, b.1, nil, offset: 12), TestReading(b.0, b.1, 150, offset: 13),
        ]
        let added = [
            TestReading(a.0, a.1, -1, offset: 20), TestReading(b.0, b.1, 88, offset: 21),
            TestReading("hdfs-new-001", "temperature", 95.75, offset: 22),
            TestReading("hdfs-new-001", "temperature", 42, offset: 23),
            TestReading(a.0, a.1, 99, offset: 24),
        ]
        try hdfs.append(
            String(csvFiles[0].path.dropFirst(hdfs.path.count + 1)), appended.map(\.csv).joined())
        try hdfs.write("extra/2026/new.json", added.map(\.json).joined())
        try TestReading.insert(appended + added, into: fixture.stores.postgres.session())
        let grown = try fixture.runHDFS(job)
        #expect(grown["readings"] as? Int == 9)
        #expect(grown["rejected"] as? Int == 0)
        try fixture.expectStoredEqualExpected()
        let session = try fixture.stores.postgres.session()
        let appendedRow = try session.query(
            "SELECT bytes_done, lines_done, readings, complete FROM hdfs_manifest WHERE path = $1",
            [csvFiles[0].path])
        #expect(appendedRow == [[String(try hdfs.length(of: csvFiles[0].path)), "255", "254", "t"]])
        #expect(
            try session.value(
                "SELECT readings FROM hdfs_manifest WHERE path = $1", [hdfs.absolute("extra/2026/new.json")]
            ) == "5")

        // The second file replaced by a shorter one: reported on stderr, not read, the manifest row kept.
        let replaced = csvFiles[1]
        let rowBefore = try session.query(
            "SELECT bytes_done, lines_done, readings FROM hdfs_manifest WHERE path = $1", [replaced.path])
        try hdfs.write(
            String(replaced.path.dropFirst(hdfs.path.count + 1)),
            Self.header + TestReading(a.0, a.1, 90, offset: 30).csv
                + TestReading(b.0, b.1, 90, offset: 31).csv)
        let run = try Binary.run(["job", "hdfs", "--json"] + job + fixture.endpoints)
        try #require(run.status == 0, "job hdfs exited \(run.status): \(run.stderr)")
        #expect(try Binary.json(run.stdout)["readings"] as? Int == 0)
        #expect(run.stderr.contains("\(replaced.path) is shorter"), "\(run.stderr)")
        #expect(run.stderr.contains("replaced"))
        try fixture.expectStoredEqualExpected()
        #expect(
            try session.query(
                "SELECT bytes_done, lines_done, readings FROM hdfs_manifest WHERE path = $1",
                [replaced.path]) == rowBefore)
    }

    @Test("malformed lines and files: rejected with file, line and reason; valid lines count; hidden files unread")
    func malformedFilesAreSetAside() throws {
        let fixture = try MetricsJobFixture("hdfs_bad")
        let hdfs = try HDFSTestRoot("bad")
        var valid: [TestReading] = []
        func good(_ value: Double?) -> TestReading {
            let reading = TestReading(
                "hdfs-bad-\(valid.count % 3)", "humidity", value, offset: valid.count)
            valid.append(reading)
            return reading
        }
        let uuid = { UUID().uuidString.lowercased() }
        let ts = "2026-12-04T10:00:00.000Z"
        // path, content, rejects expected as (line, start of the reason)
        var expected: [(String, Int, String)] = []
        func file(_ path: String, _ content: String, _ rejects: [(Int, String)] = []) throws {
            try hdfs.write(path, content)
            expected += rejects.map { (hdfs.absolute(path), $0.0, $0.1) }
        }
        let unbalanced = "\(uuid()),\"hdfs-bad-0,humidity,90,\(ts),x"
        try file(
            "a/quoting.csv",
            Self.header + good(90).csv + unbalanced + "\n" + good(31).csv
                + "\(uuid()),hdfs\"bad,humidity,90,\(ts),x\n",
            [(3, "unbalanced quotes"), (5, "unbalanced quotes")])
        try file(
            "a/fields.csv",
            Self.header + "\(uuid()),hdfs-bad-1,humidity,90,\(ts)\n"
                + good(nil).csv.replacingOccurrences(of: "\n", with: "\r\n")
                + "\(uuid()),hdfs-bad-1,humidity,90,\(ts),x,extra\n"
                + "\(uuid()),hdfs-bad-1,humidity,warm,\(ts),x\n"
                + "not-a-uuid,hdfs-bad-1,humidity,90,\(ts),x\n" + "\n" + String(good(-1).csv.dropLast()),
            [
                (2, "expected 6 fields, found 5"), (4, "expected 6 fields, found 7"),
                (5, "invalid value 'warm'"),
                (6, "invalid id 'not-a-uuid'"),
            ])
        try file(
            "b/bad.json",
            good(85).json + #"{"id": "x", "#.appending("\n") + "[1,2]\n" + good(200).json + "\n"
                + "hello\n",
            [(2, "not valid JSON"), (3, "not a JSON object"), (6, "not valid JSON")])
        let object = { (fields: String) in #"{"id":"\#(uuid())",\#(fields)}"# + "\n" }
        try file(
            "b/types.json",
            object(#""sensor_id":"s","sensor_type":"t","value":"high","ts":"\#(ts)","app":"x""#)
                + object(#""sensor_id":5,"sensor_type":"t","value":1,"ts":"\#(ts)","app":"x""#)
                + good(93).json
                + object(#""sensor_id":"s","sensor_type":"t","value":1,"ts":"yesterday","app":"x""#)
                + object(#""sensor_id":"s","sensor_type":"t","value":1,"ts":"\#(ts)""#),
            [
                (1, "field 'value' is not a number or null"), (2, "field 'sensor_id' is not a string"),
                (4, "invalid ts 'yesterday'"), (5, "missing field 'app'"),
            ])
        try file("c/empty.csv", "", [(0, "empty file")])
        try file("c/empty.json", "", [(0, "empty file")])
        try file("c/header.csv", Self.header, [(0, "header only: no readings")])
        try file(
            "c/partial.json", good(81).json + good(82).json + #"{"id":"\#(uuid())","sensor_id":"hdfs-b"#,
            [(3, "partial last line (no newline at end of file): not valid JSON")])
        try file(
            "c/partial.csv", Self.header + good(83).csv + "\(uuid()),hdfs-bad-2,humi",
            [(3, "partial last line (no newline at end of file): expected 6 fields, found 3")])
        // Hidden (Hadoop's convention) or neither .csv nor .json: never read.
        let garbage = "garbage, \"not a reading\n{oops\n"
        for hidden in [
            "_x.csv", ".y.json", "a/_temporary/z.csv", "b/.part.json.tmp", "c/notes.txt",
            "c/data.csv.bak",
        ] {
            try hdfs.write(hidden, garbage)
        }
        try TestReading.insert(valid, into: fixture.stores.postgres.session())

        let summary = try fixture.runHDFS(["--root", hdfs.path, "--batch-records", "4"])
        #expect(summary["readings"] as? Int == valid.count)
        #expect(summary["rejected"] as? Int == expected.count)
        try fixture.expectStoredEqualExpected()

        let session = try fixture.stores.postgres.session()
        let rows = try session.query(
            "SELECT origin, position, reason, record FROM job_rejects WHERE job = 'hdfs' ORDER BY origin, position"
        )
        #expect(rows.count == expected.count)
        for (path, line, reason) in expected {
            let row = rows.first { $0[0] == path && $0[1] == String(line) }
            #expect(
                row?[2]?.hasPrefix(reason) == true,
                "\(path):\(line): expected '\(reason)', found \(String(describing: row))")
        }
        #expect(
            rows.first { $0[0] == hdfs.absolute("a/quoting.csv") && $0[1] == "3" }?[3] == unbalanced)
        let mongoRejects = try fixture.stores.mongo.documents(in: "job_rejects")
        #expect(mongoRejects.count == expected.count)
        #expect(
            Set(mongoRejects.map { "\($0["origin"] as? String ?? "?"):\($0["position"] as? Int ?? -1)" })
                == Set(expected.map { "\($0.0):\($0.1)" }))

        // Every readable file is in the manifest, read to its end, with its own readings and rejects.
        let manifest = try session.query(
            """
            SELECT path, readings, rejected FROM hdfs_manifest WHERE job = 'hdfs' AND complete AND bytes_done = length
            ORDER BY path COLLATE "C"
            """
        )
        let relative = manifest.map { String(($0[0] ?? "").dropFirst(hdfs.path.count + 1)) }
        #expect(
            relative == [
                "a/fields.csv", "a/quoting.csv", "b/bad.json", "b/types.json", "c/empty.csv",
                "c/empty.json",
                "c/header.csv", "c/partial.csv", "c/partial.json",
            ])
        #expect(
            manifest.map { [$0[1] ?? "", $0[2] ?? ""] } == [
                ["2", "4"], ["2", "2"], ["2", "3"], ["1", "4"], ["0", "1"],
                ["0", "1"], ["0", "1"], ["1", "1"], ["2", "1"],
            ])

        let rerun = try fixture.runHDFS(["--root", hdfs.path])
        #expect(
            rerun["readings"] as? Int == 0 && rerun["rejected"] as? Int == 0,
            "a rerun read again: \(rerun)")
        #expect(try session.value("SELECT count(*) FROM job_rejects") == String(expected.count))
    }

    @Test(
        "SIGKILL mid-file and restarts: the run resumes where the manifest stands and counts every line once"
    )
    func killMidFileResumes() throws {
        let fixture = try MetricsJobFixture("hdfs_kill")
        let hdfs = try HDFSTestRoot("kill")
        try fixture.generate(
            20000, sinks: "postgres,hdfs-csv",
            ["--sensors", "12", "--seed", "9", "--hdfs-root", hdfs.path])
        let session = try fixture.stores.postgres.session()
        func committed() throws -> Int64 {
            Int64(try session.value("SELECT coalesce(sum(readings), 0) FROM hdfs_manifest") ?? "0") ?? 0
        }
        var midFile = 0
        for _ in 0..<3 {
            let before = try committed()
            guard before < 20000 else { break }
            let run = try BackgroundRun(
                ["job", "hdfs", "--json", "--hdfs-root", hdfs.path, "--batch-records", "200"]
                    + fixture.endpoints)
            _ = try poll(timeout: 30, interval: 0.02) { try committed() > before || !run.isRunning }
            Thread.sleep(forTimeInterval: Double.random(in: 0...0.2))  // a random kill point, not a synchronisation
            run.send(SIGKILL)
            _ = try run.wait(timeout: 10)
            if try session.value("SELECT count(*) FROM hdfs_manifest WHERE bytes_done < length") == "1" {
                midFile += 1
            }
        }
        #expect(midFile >= 1, "no run was killed mid-file")
        try fixture.runHDFS(["--hdfs-root", hdfs.path])
        #expect(try committed() == 20000)
        try fixture.expectStoredEqualExpected()
        #expect(
            try session.value("SELECT count(*) FROM hdfs_manifest WHERE complete AND bytes_done = length")
                == "1")
        let fromMongo = try Binary.run(["metrics", "--json", "--store", "mongo"] + fixture.endpoints)
        #expect(
            (try Binary.json(fromMongo.stdout)["overall"] as? [String: Any])?["readings"] as? Int == 20000
        )
    }

    @Test(
        "an unreachable namenode: exit 69 naming hdfs and its endpoint; a missing root: exit 78 naming it"
    )
    func unreachableNamenode() throws {
        let fixture = try MetricsJobFixture("hdfs_down")
        let port = Binary.closedPort()
        let run = try Binary.run(
            ["job", "hdfs", "--json", "--hdfs-url", "http://127.0.0.1:\(port)"] + fixture.endpoints)
        #expect(run.status == 69, "exit \(run.status): \(run.stderr)")
        #expect(
            run.stderr.contains("hdfs") && run.stderr.contains("127.0.0.1:\(port)"), "\(run.stderr)")
        #expect(run.stdout.isEmpty)

        let hdfs = try HDFSTestRoot("down")
        let missing = hdfs.absolute("nothing-here")
        let noRoot = try Binary.run(["job", "hdfs", "--root", missing] + fixture.endpoints)
        #expect(noRoot.status == 78, "exit \(noRoot.status): \(noRoot.stderr)")
        #expect(noRoot.stderr.contains(missing), "\(noRoot.stderr)")
        #expect(
            try fixture.stores.postgres.session().value("SELECT count(*) FROM sensor_metrics") == "0")
    }

    /// Every row of `sensor_readings` twice: what the job sees when each reading is in a CSV and a JSON file.
    static let doubled = """
        SELECT id, sensor_id, sensor_type, value, ts, app FROM sensor_readings
        UNION ALL SELECT id, sensor_id, sensor_type, value, ts, app FROM sensor_readings
        """
}

extension MetricsJobFixture {
    /// `job hdfs --json` with `extra`, which must exit 0; returns its summary.
    @discardableResult
    func runHDFS(_ extra: [String], sourceLocation: SourceLocation = #_sourceLocation) throws
        -> [String: Any]
    {
        let run = try Binary.run(["job", "hdfs", "--json", "--quiet"] + extra + endpoints)
        try #require(
            run.status == 0, "job hdfs exited \(run.status): \(run.stderr)",
            sourceLocation: sourceLocation)
        return try Binary.json(run.stdout)
    }

    /// The stored sensors equal `expectedSensors()` (the independent SQL over `sensor_readings`).
    func expectStoredEqualExpected(sourceLocation: SourceLocation = #_sourceLocation) throws {
        let stored = try storedSensors()
        let expected = try expectedSensors()
        #expect(Set(stored.keys) == Set(expected.keys), sourceLocation: sourceLocation)
        for (sensor, figures) in expected {
            let actual = try #require(stored[sensor], sourceLocation: sourceLocation)
            #expect(
                actual.matches(figures), "\(sensor): stored \(actual) expected \(figures)",
                sourceLocation: sourceLocation)
        }
    }
}
