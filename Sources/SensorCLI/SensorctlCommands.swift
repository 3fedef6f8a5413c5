import SensorCore

/// The sensorctl command tree: every command's name, help and options.
public enum SensorctlCommands {
    public static let version = "0.1.0"

    public static let root = CommandSpec(
        name: "sensorctl",
        abstract: "The sensor-data pipeline tool: synthetic sensor apps, Kafka producers and metric jobs over "
            + "PostgreSQL, MongoDB, HDFS and Kafka.",
        discussion: "Endpoints come from flags, then SENSORCTL_* environment variables, then --config FILE, then "
            + "config/sensorctl.json, then defaults. Run 'sensorctl config' to see the effective settings.",
        subcommands: [generate, produce, job, metrics, setup, check, config],
        examples: [
            "sensorctl setup",
            "sensorctl generate --sink postgres -n 4000",
            "sensorctl generate --sink hdfs-csv,hdfs-json,mongo,postgres -n 500 --seed 7",
            "sensorctl check --json",
        ])

    public static let generate = CommandSpec(
        name: "generate",
        abstract: "Generate synthetic sensor readings into one or more sinks.",
        discussion: "Each listed sink receives the same readings. A reading has a UUID id, a sensor id such as "
            + "temperature-007, its type, a value, the current UTC time (ms) and the app name. Good data is "
            + "uniform in 80-100 with a small chance of an atypical 20-45; anomaly data simulates burned sensors: "
            + "every value is -1 or null (--null-share of them null). Readings stream in batches, so memory "
            + "stays flat for any -n. If a sink fails the others still finish, and the exit code is non-zero.",
        options: [
            OptionSpec(
                "sink", short: "s", value: "sinks", kind: .choiceList(SinkKind.allCases.map(\.rawValue)),
                required: true,
                help: "Where to write, comma-separated: \(SinkKind.allCases.map(\.rawValue).joined(separator: ", "))."),
            OptionSpec("count", short: "n", value: "n", kind: .positiveInteger, default: "1000", help: "How many readings."),
            OptionSpec(
                "type-data", short: "t", value: "kind", kind: .choice(DataKind.allCases.map(\.rawValue)),
                default: "good", help: "good: healthy sensors; anomaly: burned sensors (-1 or null)."),
            OptionSpec(
                "atypical-chance", value: "p", kind: .probability, default: "0.05",
                help: "Chance that a good reading is atypical (20-45)."),
            OptionSpec(
                "null-share", value: "p", kind: .probability, default: "0.5",
                help: "Share of anomaly readings whose value is null (the rest are -1)."),
            OptionSpec("sensors", value: "k", kind: .positiveInteger, default: "10", help: "Distinct sensors, spread over the types."),
            OptionSpec("seed", value: "s", kind: .unsignedInteger, help: "Make the sensors and values reproducible."),
            OptionSpec(
                "rate", value: "r", kind: .positiveNumber,
                help: "Readings per second, like a real device fleet. (default: as fast as possible)"),
            OptionSpec("batch-size", value: "n", kind: .positiveInteger, default: "5000", help: "Readings per write to each sink."),
            OptionSpec(
                "file-rows", value: "n", kind: .positiveInteger, default: "100000",
                help: "Rotate HDFS files after this many rows."),
            OptionSpec("app", value: "name", help: "Name of the generating app. (default: generate-<sink>)"),
        ],
        examples: [
            "sensorctl generate --sink postgres -n 4000",
            "sensorctl generate --sink mongo -n 100 --type-data anomaly",
            "sensorctl generate --sink hdfs-csv,hdfs-json,mongo,postgres -n 500",
            "sensorctl generate --sink kafka -n 100000 --rate 200 --app fleet-a",
        ],
        usesServices: true, hasOutputOptions: true)

    public static let produce = CommandSpec(
        name: "produce",
        abstract: "Stream the readings stored in PostgreSQL or MongoDB into the Kafka topic, exactly once.",
        discussion: "Each batch of readings is committed to Kafka in one transaction together with the source "
            + "checkpoint, so a rerun sends only what arrived since, and a crash at any moment neither loses nor "
            + "duplicates a reading for read_committed consumers. Records that are not valid readings go to "
            + "<topic>.dlq with the reason. Without --follow it sends what is there and exits; with --follow it "
            + "keeps tailing until SIGINT/SIGTERM, then finishes the batch in flight, commits and exits 0.",
        options: [
            OptionSpec(
                "from", value: "source", kind: .choice(SourceKind.allCases.map(\.rawValue)), required: true,
                help: "The database to read: postgres or mongo."),
            OptionSpec("from-beginning", kind: .flag, help: "Ignore the checkpoint and send everything again."),
            OptionSpec("max", value: "n", kind: .positiveInteger, help: "Stop after n records (readings and dead letters)."),
            OptionSpec("follow", short: "f", kind: .flag, help: "Keep tailing the source until SIGINT/SIGTERM."),
            OptionSpec(
                "poll-interval", value: "seconds", kind: .positiveNumber, default: "0.2",
                help: "With --follow, how long to wait when the source has nothing new."),
            OptionSpec(
                "batch-size", value: "n", kind: .positiveInteger, default: "20000",
                help: "Records per Kafka transaction (bigger batches mean fewer commits)."),
        ],
        examples: [
            "sensorctl produce --from postgres",
            "sensorctl produce --from mongo --follow",
            "sensorctl produce --from postgres --from-beginning --max 10000 --json",
        ],
        usesServices: true, hasOutputOptions: true)

    public static let job = CommandSpec(
        name: "job",
        abstract: "Run a job over the readings: streaming metrics, HDFS metrics, migrations.",
        discussion: "Every job writes its outputs to both PostgreSQL and MongoDB and records its run (start, end, "
            + "counts, status) in the job_runs table and collection.",
        subcommands: [jobMetrics, jobHDFS, migrate],
        examples: [
            "sensorctl job metrics --until-idle",
            "sensorctl job hdfs",
            "sensorctl job migrate mongo-to-pg",
            "sensorctl job migrate pg-to-mongo --verify",
        ])

    /// The options every metrics job shares: how the metrics are computed and how batches are cut.
    static let metricsOptions: [OptionSpec] = [
        OptionSpec(
            "smoothing-tau", value: "seconds", kind: .positiveNumber, default: "60",
            help: "Time constant of the smoothed value (a time-decayed moving average)."),
        OptionSpec(
            "online-ttl", value: "seconds", kind: .positiveNumber, default: "30",
            help: "A sensor is online when its last reading is at most this old."),
        OptionSpec(
            "bucket", value: "seconds", kind: .positiveNumber, default: "10",
            help: "Width of the time-series buckets (mean per sensor type over time)."),
        OptionSpec(
            "batch-records", value: "n", kind: .positiveInteger, default: "50000",
            help: "Most records per micro-batch (one PostgreSQL transaction)."),
    ]

    public static let jobMetrics = CommandSpec(
        name: "metrics",
        abstract: "Keep real-time sensor metrics from the Kafka topic, exactly once, in PostgreSQL and MongoDB.",
        discussion: "Reads the readings topic as a member of a consumer group (read_committed) in micro-batches. "
            + "Each batch's metric changes and the partitions' next offsets are committed in one PostgreSQL "
            + "transaction, and the job resumes from the offsets stored there, so a crash or a restart never "
            + "counts a reading twice or skips one; MongoDB then receives the same rows as versioned upserts. "
            + "Members of one group split the partitions. Messages that are not valid readings are counted and "
            + "kept in job_rejects. By default it follows the topic until SIGINT/SIGTERM (then it finishes the "
            + "batch, commits and exits 0), waiting out outages; --until-idle stops once caught up.",
        options: [
            OptionSpec(
                "group", value: "name", kind: .text, default: "sensorctl-metrics",
                help: "Consumer group; the job's offsets are stored under metrics/<name>."),
            OptionSpec("follow", short: "f", kind: .flag, help: "Keep reading until SIGINT/SIGTERM. (default)"),
            OptionSpec("until-idle", kind: .flag, help: "Stop once every assigned partition is read to its end."),
            OptionSpec(
                "batch-interval", value: "seconds", kind: .positiveNumber, default: "1",
                help: "Longest wait for a micro-batch to fill."),
        ] + metricsOptions,
        examples: [
            "sensorctl job metrics",
            "sensorctl job metrics --until-idle --json",
            "sensorctl job metrics --group fleet-a --smoothing-tau 30",
        ],
        usesServices: true, hasOutputOptions: true)

    public static let jobHDFS = CommandSpec(
        name: "hdfs",
        abstract: "Fold every CSV and JSON file under the HDFS root into the same metrics.",
        discussion: "Lists the root recursively through WebHDFS and reads each .csv and .json file (JSON Lines) "
            + "in chunks; names starting with . or _ are skipped (Hadoop's hidden files). A manifest of what was "
            + "read (path, bytes, lines, length, modification time) is committed with the metrics in one "
            + "PostgreSQL transaction, so a rerun skips finished files, reads only new files and the appended "
            + "tails of grown ones, and an interrupted run resumes mid-file. Malformed lines, empty files and "
            + "header-only files are reported with file and line and kept in job_rejects.",
        options: [
            OptionSpec("root", value: "path", kind: .text, help: "Directory to read. (default: the configured HDFS root)")
        ] + metricsOptions,
        examples: ["sensorctl job hdfs", "sensorctl job hdfs --root /user/sensor_corp/2026 --json"],
        usesServices: true, hasOutputOptions: true)

    public static let metrics = CommandSpec(
        name: "metrics",
        abstract: "Print the current sensor metrics, read from PostgreSQL or MongoDB.",
        discussion: "Shows the summary (overall and per sensor type) and one line per sensor: health, online, "
            + "readings, smoothed value, mean ± standard deviation, min/max, fault and atypical shares, last "
            + "seen. Online is judged now against --online-ttl.",
        options: [
            OptionSpec(
                "store", value: "store", kind: .choice(SourceKind.allCases.map(\.rawValue)), default: "postgres",
                help: "Where to read: postgres or mongo."),
            OptionSpec(
                "online-ttl", value: "seconds", kind: .positiveNumber, default: "30",
                help: "A sensor is online when its last reading is at most this old."),
            OptionSpec("type", value: "sensor-type", kind: .text, help: "Only sensors of this type."),
        ],
        examples: ["sensorctl metrics", "sensorctl metrics --store mongo --json", "sensorctl metrics --type humidity"],
        usesServices: true, hasOutputOptions: true)

    public static let migrate = CommandSpec(
        name: "migrate",
        abstract: "Copy sensor_readings from one database to the other, idempotently and resumably.",
        discussion: "The source is read in id order in batches; each reading is inserted into the target unless "
            + "its id is already there, so a rerun copies nothing twice. The last id copied is checkpointed in "
            + "the target after each batch: an interrupted run resumes after it, and a completed pass clears it. "
            + "Records that are not valid readings are set aside in the target's migration_rejects.",
        subcommands: [
            migrateLeaf("mongo-to-pg", from: "MongoDB", to: "PostgreSQL"),
            migrateLeaf("pg-to-mongo", from: "PostgreSQL", to: "MongoDB"),
        ],
        examples: [
            "sensorctl job migrate mongo-to-pg",
            "sensorctl job migrate pg-to-mongo --batch-size 10000 --verify --json",
        ])

    static func migrateLeaf(_ name: String, from source: String, to target: String) -> CommandSpec {
        CommandSpec(
            name: name,
            abstract: "Copy sensor_readings from \(source) to \(target).",
            discussion: "With --verify the id sets of both sides are compared at the end (streamed in id order); "
                + "the run exits 65 if any source reading is missing from the target. Extra readings in the "
                + "target (written by other apps) are reported but are not a failure.",
            options: [
                OptionSpec(
                    "batch-size", value: "n", kind: .positiveInteger, default: "5000",
                    help: "Readings read and written per batch."),
                OptionSpec("from-beginning", kind: .flag, help: "Ignore the checkpoint and make a full pass."),
                OptionSpec("verify", kind: .flag, help: "Compare the id sets at the end; exit 65 if any is missing."),
            ],
            examples: ["sensorctl job migrate \(name)", "sensorctl job migrate \(name) --from-beginning --verify"],
            usesServices: true, hasOutputOptions: true)
    }

    public static let setup = CommandSpec(
        name: "setup",
        abstract: "Create what the pipeline needs: tables, collections, indexes, HDFS directories, the Kafka topic.",
        discussion: "Idempotent: running it again changes nothing. The Kafka topic is created where the broker "
            + "allows it (Admin API); otherwise setup says so and relies on the broker's auto-creation.",
        options: [serviceFilter],
        examples: ["sensorctl setup", "sensorctl setup --service postgres,mongo"],
        usesServices: true, hasOutputOptions: true)

    public static let check = CommandSpec(
        name: "check",
        abstract: "Check each service with the operation sensorctl really uses; exit 69 if any fails.",
        discussion: "Prints one line per service: ok or error, the reason, the endpoint (passwords redacted) "
            + "and the latency. Each check gives up after 5 seconds.",
        options: [serviceFilter],
        examples: ["sensorctl check", "sensorctl check --service kafka --json"],
        usesServices: true, hasOutputOptions: true)

    public static let config = CommandSpec(
        name: "config",
        abstract: "Print the effective configuration, with every password redacted.",
        discussion: "Each setting is shown with where it came from: a flag, an environment variable, a file or "
            + "the default.",
        options: [OptionSpec("json", kind: .flag, help: "Print the configuration as JSON.")],
        examples: ["sensorctl config", "SENSORCTL_TOPIC=test sensorctl config --json"],
        usesServices: true)

    static let serviceFilter = OptionSpec(
        "service", value: "services", kind: .choiceList(ServiceKind.allCases.map(\.rawValue)),
        default: ServiceKind.allCases.map(\.rawValue).joined(separator: ","),
        help: "Only these services, comma-separated.")
}
