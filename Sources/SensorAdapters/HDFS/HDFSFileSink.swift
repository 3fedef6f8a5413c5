import SensorCore

/// Writes readings as files under `<hdfs.root>/csv/` (CSV with a header line) or `<hdfs.root>/json/`
/// (JSON Lines), through WebHDFS.
///
/// Readers never see a half-written file: each file grows under a hidden name
/// (`.readings-<runID>-00001.csv.tmp`, ignored by Hadoop input formats and by sensorctl's jobs) through
/// CREATE then APPEND, and is renamed to `readings-<runID>-00001.csv` once it holds `fileRows` rows or at
/// `finish()`. Memory stays flat: each batch is encoded into one reused buffer, sent in chunks of at most
/// `chunkBytes`, and never kept. A run without readings creates no file.
public final class HDFSFileSink: Sink {
    /// The file format; each has its own directory under `hdfs.root`.
    public enum Format: Sendable {
        case csv, jsonLines

        var directoryName: String { self == .csv ? "csv" : "json" }
        var fileExtension: String { self == .csv ? "csv" : "json" }
    }

    public let name: String
    public private(set) var durableCount = 0
    private let format: Format
    private let options: SinkOptions
    private let directory: String
    private let client: WebHDFSClient
    /// Encoded rows waiting to be sent; reused so that its capacity is allocated once.
    private var buffer: [UInt8] = []
    private var sequence = 0
    /// The hidden file being filled, if any, and how many rows it holds (sent or buffered).
    private var current: (temporary: String, rows: Int, created: Bool)?
    private var finished = false
    /// Set when a write failed part-way: the hidden file may end in a partial chunk and must stay hidden.
    private var failed = false

    /// Upper bound of one CREATE/APPEND body: big enough to amortise the two round trips, small enough
    /// to keep memory flat whatever the batch size.
    static let chunkBytes = 8 << 20

    /// Opens the sink: checks that the namenode answers and that the target directory exists (creating it,
    /// as CREATE would implicitly do, when it is missing). An unreachable namenode fails here.
    public init(format: Format, config: SensorConfig, options: SinkOptions) throws(SensorError) {
        guard options.fileRows > 0 else {
            throw SensorError(.usage, service: "hdfs", "rows per file must be positive, not \(options.fileRows)")
        }
        self.format = format
        self.options = options
        self.name = format == .csv ? "hdfs-csv" : "hdfs-json"
        self.directory = HDFSLayout.directory(format.directoryName, under: config.hdfsRoot)
        self.client = try WebHDFSClient(baseURL: config.hdfsURL, user: config.hdfsUser)
        switch try client.fileStatus(directory)?.type {
        case .directory?: break
        case nil: try client.mkdirs(directory)
        case .file?, .symlink?:
            throw SensorError(
                .config, service: "hdfs", endpoint: client.endpoint,
                "\(directory) exists but is not a directory: check hdfs.root")
        }
    }

    public func write(_ batch: [Reading]) throws(SensorError) {
        guard !finished else { throw SensorError(.failure, service: "hdfs", "\(name): write after finish") }
        guard !failed else { throw SensorError(.failure, service: "hdfs", "\(name): write after a failed write") }
        do {
            try send(batch)
        } catch {
            failed = true
            throw error
        }
    }

    /// Publishes the last file. After a failed write it publishes nothing and says which hidden file remains.
    public func finish() throws(SensorError) {
        guard !finished else { return }
        finished = true
        guard !failed else {
            let remains = current.map { " (\($0.temporary) remains hidden)" } ?? ""
            throw SensorError(.failure, service: "hdfs", "\(name): not finished because a write failed" + remains)
        }
        if let file = current { try publish(file) }
    }

    private func send(_ batch: [Reading]) throws(SensorError) {
        var index = batch.startIndex
        while index < batch.endIndex {
            var file = current ?? startFile()
            current = file
            if !file.created && buffer.isEmpty && format == .csv { CSVCodec.appendHeader(to: &buffer) }
            // A batch may straddle two files: take only what fits in this one.
            let end = min(batch.endIndex, index + (options.fileRows - file.rows))
            while index < end {
                switch format {
                case .csv: CSVCodec.append(batch[index], to: &buffer)
                case .jsonLines: JSONLinesCodec.append(batch[index], to: &buffer)
                }
                index += 1
                file.rows += 1
                if buffer.count >= Self.chunkBytes { try flush(&file) }
            }
            try flush(&file)
            current = file
            if file.rows == options.fileRows { try publish(file) }
        }
    }

    private func startFile() -> (temporary: String, rows: Int, created: Bool) {
        sequence += 1
        return (directory + "/" + HDFSLayout.temporaryName(finalName(sequence)), 0, false)
    }

    private func finalName(_ sequence: Int) -> String {
        HDFSLayout.fileName(runID: options.runID, sequence: sequence, extension: format.fileExtension)
    }

    /// Sends the buffered bytes: CREATE for the file's first chunk, APPEND afterwards.
    private func flush(_ file: inout (temporary: String, rows: Int, created: Bool)) throws(SensorError) {
        guard !buffer.isEmpty else { return }
        if file.created {
            try client.append(file.temporary, buffer)
        } else {
            // overwrite=false: a name taken by another run is a collision to report, not to clobber.
            try client.create(file.temporary, buffer, overwrite: false)
            file.created = true
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Renames the hidden file to its final name, making it visible to readers in one atomic step.
    private func publish(_ file: (temporary: String, rows: Int, created: Bool)) throws(SensorError) {
        current = nil
        let target = directory + "/" + finalName(sequence)
        // HDFS answers false rather than failing when the target exists or the source vanished.
        guard try client.rename(file.temporary, to: target) else {
            throw SensorError(
                .io, service: "hdfs", endpoint: client.endpoint,
                "RENAME \(file.temporary) to \(target) was refused (the target exists or the temporary file is gone);"
                    + " \(file.rows) readings remain in the temporary file")
        }
        durableCount += file.rows
    }
}

/// Where HDFS files live and how they are named, shared by the sink, the probe and the tests.
enum HDFSLayout {
    /// `<root>/<name>`, whatever trailing slashes `hdfs.root` has.
    static func directory(_ name: String, under root: String) -> String {
        var trimmed = root
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        return trimmed + "/" + name
    }

    /// `readings-<runID>-00042.csv`: five digits keep a run's files in order when listed by name.
    static func fileName(runID: String, sequence: Int, extension fileExtension: String) -> String {
        let digits = String(sequence)
        return "readings-\(runID)-" + String(repeating: "0", count: max(0, 5 - digits.count)) + digits
            + "." + fileExtension
    }

    /// The hidden name a file has while it is written: Hadoop input formats skip names starting with `.`/`_`.
    static func temporaryName(_ finalName: String) -> String {
        "." + finalName + ".tmp"
    }

    /// True for names readers must skip (files being written, `_SUCCESS` markers and the like).
    static func isHidden(_ name: String) -> Bool {
        name.hasPrefix(".") || name.hasPrefix("_")
    }
}
