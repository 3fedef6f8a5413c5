import SensorCore
import Testing

/// The line parser of `job hdfs`, fed the way ranged reads feed it: any chunking must give the same records,
/// and its progress must always be a line boundary that a fresh parser can resume from.
@Suite struct ReadingFileParserTests {
    static let path = "/data/readings.csv"

    static func row(_ index: Int, value: Double? = 87.5) -> Reading {
        Reading(
            id: ReadingID("0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a\(String(10 + index))")!,
            sensorID: "temperature-00\(index)",
            sensorType: "temperature", value: value,
            timestamp: Timestamp(milliseconds: 1_733_329_479_000 + Int64(index)),
            app: "parser-test")
    }

    static func csvLine(_ reading: Reading) -> String {
        var buffer: [UInt8] = []
        CSVCodec.append(reading, to: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    static func jsonLine(_ reading: Reading) -> String {
        var buffer: [UInt8] = []
        JSONLinesCodec.append(reading, to: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    static func start(_ path: String = path) -> FileProgress {
        FileProgress(
            job: "hdfs", path: path, bytesDone: 0, linesDone: 0, length: 0, modificationTime: 0, readings: 0,
            rejected: 0)
    }

    /// Feeds `bytes` in chunks of `chunk` bytes, asking for records after each chunk as the HDFS input does,
    /// and checks after each record that the progress is a line boundary of `bytes`.
    static func parse(
        _ bytes: [UInt8], chunk: Int, from progress: FileProgress = start(), format: ReadingFileParser.Format = .csv,
        maxLineBytes: Int = ReadingFileParser.defaultMaxLineBytes
    ) -> (records: [ReadingFileParser.Record], progress: FileProgress) {
        var parser = ReadingFileParser(format: format, progress: progress, maxLineBytes: maxLineBytes)
        var records: [ReadingFileParser.Record] = []
        var offset = Int(progress.bytesDone)
        while true {
            let atEnd = offset >= bytes.count
            while let record = parser.nextRecord(endOfFile: atEnd) {
                records.append(record)
                let done = Int(parser.progress.bytesDone)
                #expect(done == bytes.count || (done > 0 && bytes[done - 1] == UInt8(ascii: "\n")), "bytesDone \(done)")
                #expect(
                    parser.progress.linesDone == Int64(bytes[..<done].count { $0 == UInt8(ascii: "\n") })
                        + (done == bytes.count && bytes.last != UInt8(ascii: "\n") && done > 0 ? 1 : 0))
            }
            if atEnd { break }
            // Memory stays bounded: only a partial line waits for its end.
            #expect(parser.bufferedBytes <= maxLineBytes, "\(parser.bufferedBytes) bytes buffered")
            parser.append(bytes[offset..<min(bytes.count, offset + chunk)])
            offset += chunk
        }
        return (records, parser.progress)
    }

    static func rejects(_ records: [ReadingFileParser.Record]) -> [(Int64, String)] {
        records.compactMap { if case .reject(let reject) = $0 { (reject.position, reject.reason) } else { nil } }
    }

    static func readings(_ records: [ReadingFileParser.Record]) -> [Reading] {
        records.compactMap { if case .reading(let reading) = $0 { reading } else { nil } }
    }

    /// A CSV file with every kind of line: header, rows, a blank line, CRLF, bad quoting, a wrong field count.
    static let mixedCSV = Array(
        (CSVCodec.header + "\n" + csvLine(row(1)) + "\n" + csvLine(row(2)).replacingOccurrences("\n", "\r\n")
            + "\"unbalanced,a,b,c,d,e\n" + "only,three,fields\n" + csvLine(row(3, value: nil))).utf8)

    @Test func mixedCSVGivesTheSameRecordsWhateverTheChunking() {
        let whole = Self.parse(Self.mixedCSV, chunk: Self.mixedCSV.count)
        #expect(Self.readings(whole.records) == [Self.row(1), Self.row(2), Self.row(3, value: nil)])
        #expect(Self.rejects(whole.records).map(\.0) == [5, 6])
        #expect(Self.rejects(whole.records).map(\.1) == ["unbalanced quotes", "expected 6 fields, found 3"])
        #expect(whole.progress.bytesDone == Int64(Self.mixedCSV.count) && whole.progress.linesDone == 7)
        #expect(whole.progress.readings == 3 && whole.progress.rejected == 2)
        for chunk in [1, 2, 3, 7, 64, 150] {
            let split = Self.parse(Self.mixedCSV, chunk: chunk)
            #expect(split.records == whole.records, "chunks of \(chunk)")
            #expect(split.progress == whole.progress, "chunks of \(chunk)")
        }
    }

    @Test func aFreshParserResumesFromAnyProgressWithoutRepeatingOrSkipping() {
        let whole = Self.parse(Self.mixedCSV, chunk: 1000).records
        var parser = ReadingFileParser(format: .csv, progress: Self.start())
        parser.append(Self.mixedCSV)
        var firstPart: [ReadingFileParser.Record] = []
        for _ in 0..<2 { firstPart.append(parser.nextRecord(endOfFile: false)!) }
        // The header is not looked for again: a resumed parser starts on line 4.
        let rest = Self.parse(Self.mixedCSV, chunk: 5, from: parser.progress)
        #expect(firstPart + rest.records == whole)
        #expect(rest.progress.linesDone == 7 && rest.progress.readings == 3 && rest.progress.rejected == 2)
    }

    @Test func headerIsSkippedOnlyAsTheFirstLine() {
        let noHeader = Array((Self.csvLine(Self.row(1)) + CSVCodec.header + "\n").utf8)
        let result = Self.parse(noHeader, chunk: 10)
        #expect(Self.readings(result.records) == [Self.row(1)])
        #expect(Self.rejects(result.records).map(\.0) == [2], "a header on line 2 is a bad row")
    }

    @Test func emptyHeaderOnlyAndBlankFilesGiveOneRejectAtPositionZero() {
        let empty = Self.parse([], chunk: 4)
        #expect(Self.rejects(empty.records).map(\.0) == [0])
        #expect(Self.rejects(empty.records).map(\.1) == ["empty file"])
        #expect(empty.progress.rejected == 1 && empty.progress.bytesDone == 0)
        for headerOnly in [CSVCodec.header + "\n", CSVCodec.header, CSVCodec.header + "\r\n\n"] {
            let result = Self.parse(Array(headerOnly.utf8), chunk: 4)
            #expect(
                Self.rejects(result.records).map(\.1) == ["header only: no readings"], "\(headerOnly.debugDescription)")
            #expect(result.progress.bytesDone == Int64(headerOnly.utf8.count))
        }
        let blank = Self.parse(Array("\n\n".utf8), chunk: 1, format: .jsonLines)
        #expect(Self.rejects(blank.records).map(\.1) == ["no readings: only blank lines"])
    }

    @Test func aLastLineWithoutNewlineIsParsedLikeAnyOther() throws {
        let valid = Array(Self.jsonLine(Self.row(1)).dropLast().utf8)
        let kept = Self.parse(valid, chunk: 9, format: .jsonLines)
        #expect(Self.readings(kept.records) == [Self.row(1)] && kept.progress.bytesDone == Int64(valid.count))
        let invalid = Array((Self.jsonLine(Self.row(1)) + "{\"id\":").utf8)
        let result = Self.parse(invalid, chunk: 9, format: .jsonLines)
        #expect(Self.readings(result.records) == [Self.row(1)])
        let rejects = Self.rejects(result.records)
        #expect(rejects.map(\.0) == [2])
        #expect(rejects.map(\.1) == ["partial last line (no newline at end of file): not valid JSON"])
        #expect(result.progress.bytesDone == Int64(invalid.count) && result.progress.linesDone == 2)
    }

    @Test func invalidUTF8AndNULsAreRejectedNotCrashed() throws {
        let bytes: [UInt8] = Array(Self.csvLine(Self.row(1)).utf8) + [0x66, 0xFF, 0xFE, 0x00, 0x2C, 0x0A]
        let result = Self.parse(bytes, chunk: 3)
        #expect(Self.readings(result.records) == [Self.row(1)])
        guard case .reject(let reject)? = result.records.last else {
            Issue.record("no reject for the invalid line")
            return
        }
        #expect(reject.position == 2 && reject.reason == "invalid UTF-8")
        #expect(reject.record == "f\u{FFFD}\u{FFFD}\u{FFFD},")
    }

    @Test func jsonReasonsNameWhatIsWrong() {
        let lines = [
            Self.jsonLine(Self.row(1)), "{\"id\": oops}\n",
            Self.jsonLine(Self.row(2)).replacingOccurrences("87.5", "\"hot\""),
            "[1,2]\n", Self.jsonLine(Self.row(3)).replacingOccurrences("2024-12-04T16:24:39.003Z", "yesterday"),
        ]
        let result = Self.parse(Array(lines.joined().utf8), chunk: 17, format: .jsonLines)
        #expect(Self.readings(result.records) == [Self.row(1)])
        let rejects = Self.rejects(result.records)
        #expect(rejects.map(\.0) == [2, 3, 4, 5])
        #expect(rejects[0].1 == "not valid JSON" && rejects[1].1 == "field 'value' is not a number or null")
        #expect(rejects[2].1 == "not a JSON object" && rejects[3].1.contains("ts"), "\(rejects)")
    }

    @Test func aLineLongerThanTheLimitIsRejectedFromItsHeadAndSkipped() {
        let long = String(repeating: "x", count: 5000)
        let bytes = Array((Self.csvLine(Self.row(1)) + long + "\n" + Self.csvLine(Self.row(2)) + long).utf8)
        let result = Self.parse(bytes, chunk: 64, maxLineBytes: 300)
        #expect(Self.readings(result.records) == [Self.row(1), Self.row(2)])
        let rejects = Self.rejects(result.records)
        #expect(rejects.map(\.0) == [2, 4])
        #expect(rejects.first?.1.hasPrefix("line longer than 300 bytes (5000 bytes") == true, "\(rejects)")
        #expect(rejects.last?.1.hasPrefix("partial last line (no newline at end of file): line longer") == true)
        #expect(result.progress.bytesDone == Int64(bytes.count) && result.progress.linesDone == 4)
        if case .reject(let reject) = result.records[1] {
            #expect(reject.record.utf8.count == JobReject.maxRecordBytes)
        }
    }

    @Test func formatFollowsTheExtension() {
        #expect(ReadingFileParser.Format(path: "/a/b.csv") == .csv)
        #expect(ReadingFileParser.Format(path: "/a/b.json") == .jsonLines)
        #expect(ReadingFileParser.Format(path: "/a/b.csv.tmp") == nil)
        #expect(ReadingFileParser.Format(path: "/a/b.jsonl") == nil)
    }
}

extension String {
    fileprivate func replacingOccurrences(_ target: String, _ replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
