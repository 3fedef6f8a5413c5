/// Turns the bytes of one reading file (CSV with its header line, or JSON Lines) into readings and rejects,
/// one line at a time, however the bytes are cut into chunks.
///
/// It is pure (no I/O) so that every way of splitting a file can be unit-tested; the HDFS input feeds it
/// ranged reads. Its `progress` only ever moves by whole lines, so it is always a valid resume point:
/// `bytesDone` is the end of the last line consumed and `linesDone` its number.
///
/// Lines end with LF (a CR before it is dropped). A CSV field holding a line break is therefore not
/// supported: like Hadoop's `TextInputFormat` and Spark's CSV reader without `multiLine`, a record is a line.
/// Memory is bounded by the bytes given to `append` plus `maxLineBytes`: a longer line is rejected from
/// its first `JobReject.maxRecordBytes` bytes and the rest is skipped up to its end.
public struct ReadingFileParser: Sendable {
    public enum Format: Sendable, Equatable {
        case csv, jsonLines

        /// `.csv` → CSV, `.json` → JSON Lines (what the hdfs-csv and hdfs-json sinks write); nil otherwise.
        public init?(path: some StringProtocol) {
            if path.hasSuffix(".csv") {
                self = .csv
            } else if path.hasSuffix(".json") {
                self = .jsonLines
            } else {
                return nil
            }
        }
    }

    /// One line's outcome.
    public enum Record: Sendable, Equatable {
        case reading(Reading)
        case reject(JobReject)
    }

    /// A reading line is about 150 bytes: a megabyte is no reading, but a file that lost its newlines.
    public static let defaultMaxLineBytes = 1 << 20

    public let format: Format
    /// Where the file stands: `path`, `job`, `length` and `modificationTime` are the caller's; the parser
    /// moves `bytesDone`, `linesDone`, `readings` and `rejected`.
    public private(set) var progress: FileProgress
    /// Lines longer than this are rejected without being held in memory.
    public let maxLineBytes: Int

    /// Bytes received and not consumed yet start at `pending[pendingStart]`, always at a line start.
    private var pending: [UInt8] = []
    private var pendingStart = 0
    /// A line longer than `maxLineBytes` being skipped: its first bytes (the reject's evidence) and its
    /// length so far.
    private var overlong: (head: [UInt8], lineLength: Int64)?
    private var sawHeader = false
    private static let csvHeader = Array(CSVCodec.header.utf8)

    /// A parser continuing where `progress` stands; the first line of the file is checked for the CSV header
    /// only when `progress.linesDone` is 0.
    public init(format: Format, progress: FileProgress, maxLineBytes: Int = defaultMaxLineBytes) {
        self.format = format
        self.progress = progress
        self.maxLineBytes = max(1, maxLineBytes)
    }

    /// Bytes received but not consumed (at most one partial line after `nextRecord` returned nil).
    public var bufferedBytes: Int { pending.count - pendingStart }

    /// Gives the parser the file's next bytes, those right after the ones given before.
    public mutating func append(_ bytes: some Collection<UInt8>) {
        if pendingStart > 0 {
            pending.removeFirst(pendingStart)
            pendingStart = 0
        }
        if overlong != nil {
            appendWhileSkipping(bytes)
        } else {
            pending.append(contentsOf: bytes)
        }
    }

    /// The next reading or reject; nil when every complete line has been consumed (append more bytes), or,
    /// with `endOfFile`, when the file is finished. At the end of a file without any reading or reject, one
    /// reject at position 0 says so (`empty file`, `header only: no readings`).
    public mutating func nextRecord(endOfFile: Bool) -> Record? {
        while true {
            if overlong != nil { return finishOverlongLine(endOfFile: endOfFile) }
            let lineEnd = pending[pendingStart...].firstIndex(of: UInt8(ascii: "\n"))
            let line: ArraySlice<UInt8>
            let isPartialLast: Bool
            if let lineEnd {
                line = pending[pendingStart..<lineEnd]
                pendingStart = lineEnd + 1
                isPartialLast = false
            } else if endOfFile && bufferedBytes > 0 {
                line = pending[pendingStart...]
                pendingStart = pending.count
                isPartialLast = true
            } else if endOfFile {
                return noReadingsReject()
            } else {
                if bufferedBytes > maxLineBytes { startSkippingOverlongLine() }
                return nil
            }
            progress.linesDone += 1
            progress.bytesDone += Int64(line.count + (isPartialLast ? 0 : 1))
            if let record = decode(Self.droppingCR(line), isPartialLast: isPartialLast) { return record }
        }
    }

    /// The record for one line, nil for a line that holds no record (blank, or the CSV header).
    private mutating func decode(_ line: ArraySlice<UInt8>, isPartialLast: Bool) -> Record? {
        if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) { return nil }
        if format == .csv && progress.linesDone == 1 && line.elementsEqual(Self.csvHeader) {
            sawHeader = true
            return nil
        }
        // The common shape is read in place; anything else goes through the general decoders below.
        let plain = line.withUnsafeBytes { bytes in
            format == .csv ? CSVCodec.decodeIfPlain(bytes) : JSONLinesCodec.decodeIfPlain(bytes)
        }
        if let plain {
            progress.readings += 1
            return .reading(plain)
        }
        let result: Result<Reading, ReadingDecodeError>
        if let text = String(validating: line, as: UTF8.self) {
            result = format == .csv ? CSVCodec.decode(text) : JSONLinesCodec.decode(text)
        } else {
            result = .failure(ReadingDecodeError("invalid UTF-8"))
        }
        switch result {
        case .success(let reading):
            progress.readings += 1
            return .reading(reading)
        case .failure(let error):
            let reason = isPartialLast ? "partial last line (no newline at end of file): \(error.reason)" : error.reason
            return reject(at: progress.linesDone, reason, record: line)
        }
    }

    /// At the end of a file that gave nothing: one reject, so that the file is visibly accounted for.
    private mutating func noReadingsReject() -> Record? {
        guard progress.readings == 0 && progress.rejected == 0 else { return nil }
        if progress.bytesDone == 0 { return reject(at: 0, "empty file", record: []) }
        if sawHeader { return reject(at: 0, "header only: no readings", record: Self.csvHeader) }
        return reject(at: 0, "no readings: only blank lines", record: [])
    }

    private mutating func reject(at position: Int64, _ reason: String, record: some Collection<UInt8>) -> Record {
        progress.rejected += 1
        return .reject(
            JobReject(job: progress.job, origin: progress.path, position: position, reason: reason, record: record))
    }

    // MARK: - Lines longer than maxLineBytes

    private mutating func startSkippingOverlongLine() {
        let head = Array(pending[pendingStart...].prefix(JobReject.maxRecordBytes))
        overlong = (head, Int64(bufferedBytes))
        pending.removeAll(keepingCapacity: true)
        pendingStart = 0
    }

    /// While skipping, the line's bytes only top up its head; those from its end on are kept as usual.
    private mutating func appendWhileSkipping(_ bytes: some Collection<UInt8>) {
        guard var (head, lineLength) = overlong, pending.isEmpty else {
            pending.append(contentsOf: bytes)  // the line's end arrived already
            return
        }
        let lineEnd = bytes.firstIndex(of: UInt8(ascii: "\n")) ?? bytes.endIndex
        let rest = bytes[..<lineEnd]
        head.append(contentsOf: rest.prefix(JobReject.maxRecordBytes - head.count))
        lineLength += Int64(rest.count)
        overlong = (head, lineLength)
        // The newline itself goes to `pending`, where `finishOverlongLine` finds the line's end.
        pending.append(contentsOf: bytes[lineEnd...])
    }

    /// The reject of the overlong line once its end (a newline, or the end of the file) has arrived.
    private mutating func finishOverlongLine(endOfFile: Bool) -> Record? {
        guard let (head, lineLength) = overlong else { return nil }
        let hasNewline = bufferedBytes > 0
        guard hasNewline || endOfFile else { return nil }
        overlong = nil
        if hasNewline { pendingStart += 1 }
        progress.linesDone += 1
        progress.bytesDone += lineLength + (hasNewline ? 1 : 0)
        let reason = "line longer than \(maxLineBytes) bytes (\(lineLength) bytes)"
        return reject(
            at: progress.linesDone, hasNewline ? reason : "partial last line (no newline at end of file): " + reason,
            record: head)
    }

    private static func droppingCR(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        line.last == UInt8(ascii: "\r") ? line.dropLast() : line
    }
}
