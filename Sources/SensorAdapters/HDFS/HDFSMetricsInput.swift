import SensorCore

/// The reading files under the HDFS root as the input of `job hdfs`: every `*.csv` (our CSV, header first)
/// and `*.json` (JSON Lines) below the root, read in path order, each resumed where the manifest (the stored
/// positions) says it stands.
///
/// Files are read with ranged OPENs of `chunkBytes`, so memory does not grow with a file's size, and a batch
/// ends on a line boundary: a batch may span several small files and a large file several batches. HDFS files
/// only grow (APPEND), so a file longer than what was read is read on from there; one that is now shorter was
/// replaced, and reading it again would count its readings twice: it is skipped and reported in `notices`.
///
/// Positions carry from batch to batch: each advance starts where the previous batch left the file, so the
/// ledger refuses a batch that follows one it did not commit, and `rewind` restarts from what it stored.
public final class HDFSMetricsInput: MetricsInput {
    public let service = "hdfs"
    /// The directory whose files are read (recursively).
    public let root: String
    /// The job the positions belong to in the manifest.
    public let job: String
    /// Bytes asked for by one OPEN.
    public let chunkBytes: Int
    /// What the user should know about files that are not read: replaced, changed or vanished.
    public private(set) var notices: [String] = []

    public static let defaultChunkBytes = 4 << 20

    /// Nil once closed.
    var client: WebHDFSClient?
    private let endpoint: String
    private var storedPositions: (() throws(SensorError) -> [String: SourcePosition])?
    /// Every file listed by `open`, in path order.
    var listed: [ListedFile] = []
    /// The files still to read (from `listed`, without those done or replaced), each with where it stands
    /// after the last batch handed out.
    private var plan: [PlannedFile] = []
    /// Index in `plan` of the file being read; `plan.count` once everything is read.
    private var fileIndex = 0
    /// The file being read, with the bytes fetched and not yet consumed; dropped by `rewind` and on errors.
    private var reader: FileReader?

    struct ListedFile {
        var path: String
        var format: ReadingFileParser.Format
        var length: Int64
        var modificationTime: Int64
    }

    private struct PlannedFile {
        var file: ListedFile
        /// Where the last batch handed out left the file (the stored position before the first batch).
        var previous: SourcePosition?
        var progress: FileProgress
    }

    private struct FileReader {
        var parser: ReadingFileParser
        /// The file offset up to which bytes were given to the parser.
        var fetchedUpTo: Int64
    }

    /// Connects to the namenode at `hdfs.url` and checks that `root` (default `hdfs.root`) is a directory.
    /// An unreachable namenode fails here with `.unavailable`, a missing root with `.config`.
    public init(
        config: SensorConfig, root: String? = nil, job: String = "hdfs", chunkBytes: Int = defaultChunkBytes
    ) throws(SensorError) {
        var root = root ?? config.hdfsRoot
        while root.count > 1 && root.hasSuffix("/") { root.removeLast() }
        self.root = root
        self.job = job
        self.chunkBytes = max(1, chunkBytes)
        let client = try WebHDFSClient(baseURL: config.hdfsURL, user: config.hdfsUser)
        self.client = client
        endpoint = client.endpoint
        switch try client.fileStatus(root)?.type {
        case .directory?: break
        case nil:
            throw SensorError(
                .config, service: "hdfs", endpoint: endpoint,
                "\(root) does not exist: check hdfs.root, or run sensorctl setup")
        case .file?, .symlink?:
            throw SensorError(
                .config, service: "hdfs", endpoint: endpoint, "\(root) is not a directory: check hdfs.root")
        }
    }

    public func open(storedPositions: @escaping () throws(SensorError) -> [String: SourcePosition]) throws(SensorError)
    {
        self.storedPositions = storedPositions
        listed = try listReadingFiles()
        try restartFromStoredPositions()
    }

    public func next(limit: Int, maxWait: Duration) throws(SensorError) -> InputBatch {
        guard storedPositions != nil else {
            throw SensorError(.failure, service: "hdfs", "the HDFS input was asked for records before open")
        }
        let (planAtStart, indexAtStart) = (plan, fileIndex)
        var batch = InputBatch()
        do {
            try read(into: &batch, limit: max(1, limit))
        } catch {
            // The records parsed so far are lost with the batch: the next one reads them again.
            (plan, fileIndex, reader) = (planAtStart, indexAtStart, nil)
            throw error
        }
        // Files finished in this batch were recorded by `finishFile`; the one being read is recorded here.
        if fileIndex < plan.count, let reader { recordAdvance(of: fileIndex, to: reader.parser.progress, in: &batch) }
        return batch
    }

    /// Nothing to do: each batch's advances already start where the previous batch ended.
    public func committed(_ batch: InputBatch) {}

    public func rewind() throws(SensorError) {
        try restartFromStoredPositions()
    }

    public var isCaughtUp: Bool { storedPositions != nil && fileIndex >= plan.count }

    public func close() {
        reader = nil
        client = nil
    }

    /// Plans the listed files from the stored positions: done files are skipped, replaced ones noticed and
    /// skipped, the others read from where they stand. Anything buffered is dropped.
    private func restartFromStoredPositions() throws(SensorError) {
        guard let storedPositions else { return }
        let stored = try storedPositions()
        plan = []
        fileIndex = 0
        reader = nil
        for file in listed {
            let previous = stored[file.path]
            var progress = FileProgress(
                job: job, path: file.path, bytesDone: 0, linesDone: 0, length: file.length,
                modificationTime: file.modificationTime, readings: 0, rejected: 0)
            if case .file(let done)? = previous {
                // HDFS files only grow: a shorter one is another file under the same name.
                let seen = max(done.bytesDone, done.length)
                if file.length < seen {
                    notice(
                        "\(file.path) is shorter (\(file.length) bytes) than when it was read (\(seen) bytes): it was"
                            + " replaced or truncated, and is not read again so that no reading counts twice")
                    continue
                }
                if done.bytesDone == file.length {
                    if done.length == file.length && done.modificationTime != file.modificationTime {
                        notice(
                            "\(file.path) was modified since it was read (same length, new modification time):"
                                + " not read again")
                    }
                    continue
                }
                progress.bytesDone = done.bytesDone
                progress.linesDone = done.linesDone
                progress.readings = done.readings
                progress.rejected = done.rejected
            }
            plan.append(PlannedFile(file: file, previous: previous, progress: progress))
        }
    }

    // MARK: - Reading

    private func read(into batch: inout InputBatch, limit: Int) throws(SensorError) {
        while batch.readings.count + batch.rejects.count < limit && fileIndex < plan.count {
            if reader == nil {
                let planned = plan[fileIndex]
                reader = FileReader(
                    parser: ReadingFileParser(format: planned.file.format, progress: planned.progress),
                    fetchedUpTo: planned.progress.bytesDone)
            }
            let file = plan[fileIndex].file
            let atEnd = reader!.fetchedUpTo >= file.length
            switch reader!.parser.nextRecord(endOfFile: atEnd) {
            case .reading(let reading)?:
                batch.readings.append(reading)
            case .reject(let reject)?:
                batch.rejects.append(reject)
            case nil where atEnd:
                finishFile(in: &batch)
            case nil:
                if try !fetchChunk(of: file) { finishFile(in: &batch) }
            }
        }
    }

    /// Gives the parser the next `chunkBytes` of the file, up to its listed length; false when the file
    /// cannot be read further (it vanished or shrank underneath: what was read stands, the rest is noticed).
    private func fetchChunk(of file: ListedFile) throws(SensorError) -> Bool {
        guard let client else { throw SensorError(.failure, service: "hdfs", "the HDFS input is closed") }
        let offset = reader!.fetchedUpTo
        let wanted = min(Int64(chunkBytes), file.length - offset)
        let readUpTo = reader!.parser.progress.bytesDone
        guard let bytes = try client.open(file.path, offset: offset, length: wanted) else {
            notice("\(file.path) vanished while it was read; read up to byte \(readUpTo)")
            return false
        }
        guard !bytes.isEmpty else {
            notice(
                "\(file.path) ended at byte \(offset) while it was read (listed with \(file.length) bytes): it was"
                    + " replaced or truncated; read up to byte \(readUpTo)")
            return false
        }
        reader!.fetchedUpTo += Int64(bytes.count)
        reader!.parser.append(bytes)
        return true
    }

    /// Moves on to the next file, recording the finished file's advance in `batch`.
    private func finishFile(in batch: inout InputBatch) {
        if let reader { recordAdvance(of: fileIndex, to: reader.parser.progress, in: &batch) }
        fileIndex += 1
        reader = nil
    }

    /// Adds the file's move since the last batch to `batch` (nothing when it did not move) and makes it the
    /// file's starting point for the next batch.
    private func recordAdvance(of index: Int, to progress: FileProgress, in batch: inout InputBatch) {
        let next = SourcePosition.file(progress)
        guard next != plan[index].previous else { return }
        batch.advances.append(PositionAdvance(previous: plan[index].previous, next: next))
        plan[index].previous = next
        plan[index].progress = progress
    }

    func notice(_ text: String) {
        if !notices.contains(text) { notices.append(text) }
    }
}
