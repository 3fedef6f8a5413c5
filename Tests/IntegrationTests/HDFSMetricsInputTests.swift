import Foundation
import SensorCore
import Testing

@testable import SensorAdapters

/// `HDFSMetricsInput` against the running WebHDFS server, driven the way the job loop drives it, with the
/// manifest kept in a dictionary (`HDFSFakeManifest`).
@Suite("HDFS metrics input")
struct HDFSMetricsInputTests {
    @Test("reads every CSV and JSON file below the root, in path order, and nothing hidden")
    func nestedFiles() throws {
        var fixture = try HDFSInputFixture()
        let csvRows = fixture.readings(3)
        let jsonRows = fixture.readings(2)
        let csvPath = try fixture.write("csv/a.csv", HDFSInputFixture.csv(csvRows))
        let jsonPath = try fixture.write("json/2026/12/b.json", HDFSInputFixture.jsonLines(jsonRows))
        let hidden = fixture.readings(1)
        try fixture.write("csv/.readings-x-00001.csv.tmp", HDFSInputFixture.csv(hidden))
        try fixture.write("csv/.c.csv", HDFSInputFixture.csv(hidden))
        try fixture.write("csv/_SUCCESS", "")
        try fixture.write("_temporary/d.csv", HDFSInputFixture.csv(hidden))
        try fixture.write("csv/notes.txt", "not readings\n")

        let manifest = HDFSFakeManifest()
        try fixture.run(manifest)
        #expect(manifest.readings == csvRows + jsonRows)
        #expect(manifest.rejects.isEmpty, "\(manifest.rejects)")
        #expect(Set(manifest.positions.keys) == [csvPath, jsonPath])
        let csv = try #require(manifest.progress(csvPath))
        let csvLength = Int64(HDFSInputFixture.csv(csvRows).utf8.count)
        #expect(
            csv
                == FileProgress(
                    job: "hdfs", path: csvPath, bytesDone: csvLength, linesDone: 4, length: csvLength,
                    modificationTime: csv.modificationTime, readings: 3, rejected: 0))
        #expect(csv.modificationTime > 1_700_000_000_000, "the listed modification time is kept")
        let json = try #require(manifest.progress(jsonPath))
        #expect(json.linesDone == 2 && json.readings == 2 && json.isComplete)
    }

    @Test("malformed lines are set aside with their file, line number, reason and raw text")
    func malformedLines() throws {
        var fixture = try HDFSInputFixture()
        let rows = fixture.readings(4)
        let good = HDFSInputFixture.csv([rows[0]], header: false)
        let csvText =
            CSVCodec.header + "\n" + good + "\"unclosed,quote\n" + "\n" + "a,b,c\n"
            + HDFSInputFixture.csv([rows[1]], header: false).replacingOccurrences(of: "Z,", with: "X,")
            + HDFSInputFixture.csv([rows[2]], header: false)
        let csvPath = try fixture.write("bad.csv", csvText)
        let jsonText =
            "{\"id\":\n" + HDFSInputFixture.jsonLines([rows[3]])
            + "{\"id\":\"0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b\",\"sensor_id\":7,\"sensor_type\":\"t\",\"value\":1,"
            + "\"ts\":\"2026-12-04T16:24:39.123Z\",\"app\":\"x\"}\n"
        let jsonPath = try fixture.write("bad.json", jsonText)

        let manifest = HDFSFakeManifest()
        try fixture.run(manifest)
        #expect(manifest.readings == [rows[0], rows[2], rows[3]])
        let found = manifest.rejects.map { "\($0.origin)#\($0.position): \($0.reason)" }
        let badTimestamp = HDFSInputFixture.csv([rows[1]], header: false).split(separator: ",")[4]
        #expect(
            found == [
                "\(csvPath)#3: unbalanced quotes",
                "\(csvPath)#5: expected 6 fields, found 3",
                "\(csvPath)#6: invalid ts '\(badTimestamp.replacingOccurrences(of: "Z", with: "X"))'",
                "\(jsonPath)#1: not valid JSON",
                "\(jsonPath)#3: field 'sensor_id' is not a string",
            ])
        #expect(manifest.rejects.map(\.record).first == "\"unclosed,quote")
        #expect(manifest.rejects.allSatisfy { $0.job == "hdfs" })
        #expect(manifest.progress(csvPath)?.rejected == 3 && manifest.progress(csvPath)?.readings == 2)
        #expect(manifest.progress(csvPath)?.linesDone == 7)
        #expect(manifest.progress(jsonPath)?.rejected == 2 && manifest.progress(jsonPath)?.readings == 1)
    }

    @Test("empty and header-only files, and last lines without a newline")
    func edgeFiles() throws {
        var fixture = try HDFSInputFixture()
        let rows = fixture.readings(3)
        let empty = try fixture.write("1-empty.csv", "")
        let headerOnly = try fixture.write("2-header.csv", CSVCodec.header + "\n")
        var unterminated = HDFSInputFixture.jsonLines(rows)
        unterminated.removeLast()
        let validLast = try fixture.write("3-valid-last.json", unterminated)
        let invalidLast = try fixture.write(
            "4-invalid-last.csv", HDFSInputFixture.csv([rows[0]]) + "not,a,reading")

        let manifest = HDFSFakeManifest()
        try fixture.run(manifest, chunkBytes: 16)
        #expect(manifest.readings == rows + [rows[0]])
        let found = manifest.rejects.map { "\($0.origin)#\($0.position): \($0.reason)" }
        #expect(
            found == [
                "\(empty)#0: empty file",
                "\(headerOnly)#0: header only: no readings",
                "\(invalidLast)#3: partial last line (no newline at end of file): expected 6 fields, found 3",
            ])
        #expect(manifest.rejects.last?.record == "not,a,reading")
        for path in [empty, headerOnly, validLast, invalidLast] {
            #expect(manifest.progress(path)?.isComplete == true, "\(path) is done")
        }
        #expect(manifest.progress(empty)?.rejected == 1 && manifest.progress(validLast)?.linesDone == 3)

        // Done files are not read again, and their rejects are not repeated.
        let again = HDFSFakeManifest()
        again.positions = manifest.positions
        let input = try fixture.run(again)
        #expect(again.batches.isEmpty, "caught up at open: \(again.batches.map(\.advances))")
        #expect(input.notices.isEmpty)
    }

    @Test("a resumed input continues on the next line, even mid-file, mid-chunk and across files")
    func resumeMidFile() throws {
        var fixture = try HDFSInputFixture()
        let rows = fixture.readings(23)
        // A bad line in the middle so that rejects' line numbers are checked across the resume too.
        let text =
            HDFSInputFixture.csv(Array(rows[..<10])) + "oops\n"
            + HDFSInputFixture.csv(Array(rows[10..<20]), header: false)
        let big = try fixture.write("a/big.csv", text)
        let small = try fixture.write("b/small.json", HDFSInputFixture.jsonLines(Array(rows[20...])))

        // One batch of 4 through chunks of 7 bytes: every line spans several chunks.
        let manifest = HDFSFakeManifest()
        let first = try fixture.input(chunkBytes: 7)
        try first.open { manifest.positions }
        let batch = try first.next(limit: 4, maxWait: .seconds(1))
        #expect(batch.readings == Array(rows[..<4]) && batch.rejects.isEmpty)
        #expect(batch.advances.count == 1 && batch.advances.first?.previous == nil)
        manifest.commit(batch)
        first.committed(batch)
        first.close()
        let stored = try #require(manifest.progress(big))
        let bytes = Array(text.utf8)
        #expect(stored.linesDone == 5 && stored.readings == 4 && stored.rejected == 0)
        #expect(
            stored.bytesDone
                == Int64(bytes.split(separator: UInt8(ascii: "\n"))[..<5].map { $0.count + 1 }.reduce(0, +)))
        #expect(!first.isCaughtUp)

        // A fresh input (a new run) on the stored positions, small batches spanning the two files.
        try fixture.run(manifest, limit: 3, chunkBytes: 40)
        #expect(manifest.readings == rows, "no reading repeated or skipped")
        #expect(manifest.rejects.map(\.position) == [12] && manifest.rejects.first?.origin == big)
        #expect(manifest.progress(big)?.linesDone == 22 && manifest.progress(big)?.readings == 20)
        #expect(manifest.progress(small)?.readings == 3)
        #expect(
            manifest.batches.contains { Set($0.advances.map(\.next.origin)) == [big, small] },
            "a batch spans the end of one file and the start of the next")
    }

    @Test("a second run reads only new files and the appended tail of a grown file")
    func secondRun() throws {
        var fixture = try HDFSInputFixture()
        let rows = fixture.readings(9)
        let grown = try fixture.write("grown.csv", HDFSInputFixture.csv(Array(rows[..<3])))
        let untouched = try fixture.write("untouched.json", HDFSInputFixture.jsonLines(Array(rows[3..<5])))
        let manifest = HDFSFakeManifest()
        try fixture.run(manifest)
        #expect(manifest.readings == Array(rows[..<5]))

        try fixture.client.append(
            grown, Array((HDFSInputFixture.csv(Array(rows[5..<7]), header: false) + "bad\n").utf8))
        let new = try fixture.write("new.json", HDFSInputFixture.jsonLines(Array(rows[7...])))
        let second = HDFSFakeManifest()
        second.positions = manifest.positions
        try fixture.run(second, chunkBytes: 50)
        #expect(second.readings == Array(rows[5...]))
        #expect(second.rejects.map { "\($0.origin)#\($0.position)" } == ["\(grown)#7"], "line numbers continue")
        #expect(!second.batches.flatMap(\.advances).contains { $0.next.origin == untouched })
        let grownProgress = try #require(second.progress(grown))
        #expect(grownProgress.readings == 5 && grownProgress.rejected == 1 && grownProgress.linesDone == 7)
        #expect(grownProgress.length > manifest.progress(grown)!.length && grownProgress.isComplete)
        #expect(second.progress(new)?.readings == 2)
    }

    @Test("a file shorter than what was read is noticed and not read again")
    func replacedFile() throws {
        var fixture = try HDFSInputFixture()
        let rows = fixture.readings(4)
        let path = try fixture.write("replaced.csv", HDFSInputFixture.csv(Array(rows[..<3])))
        let manifest = HDFSFakeManifest()
        try fixture.run(manifest)
        try fixture.write("replaced.csv", HDFSInputFixture.csv([rows[3]]))

        let second = HDFSFakeManifest()
        second.positions = manifest.positions
        let input = try fixture.run(second)
        #expect(second.readings.isEmpty && second.rejects.isEmpty)
        #expect(second.positions == manifest.positions, "the manifest row is left as it was")
        #expect(input.notices.count == 1)
        #expect(input.notices.first?.contains(path) == true && input.notices.first?.contains("replaced") == true)
    }

    @Test("a file deleted while it is read is noticed; what was read of it stands")
    func vanishedFile() throws {
        var fixture = try HDFSInputFixture()
        let rows = fixture.readings(5)
        let path = try fixture.write("going.json", HDFSInputFixture.jsonLines(rows))
        let manifest = HDFSFakeManifest()
        let input = try fixture.input(chunkBytes: 100)
        try input.open { manifest.positions }
        let first = try input.next(limit: 1, maxWait: .zero)
        manifest.commit(first)
        input.committed(first)
        try fixture.client.delete(path, recursive: false)

        let rest = try input.next(limit: 10, maxWait: .zero)
        #expect(rest.readings.count <= 1, "only a line already fetched can still come")
        manifest.commit(rest)
        #expect(input.isCaughtUp)
        #expect(
            input.notices.count == 1 && input.notices.first?.contains("\(path) vanished") == true, "\(input.notices)")
        let stored = try #require(manifest.progress(path))
        #expect(stored.readings == Int64(manifest.readings.count) && !stored.isComplete)
        #expect(manifest.readings == Array(rows[..<manifest.readings.count]))
        input.close()
    }

    @Test("rewind after an uncommitted batch returns the same records, and the next batch follows on")
    func rewind() throws {
        var fixture = try HDFSInputFixture()
        let rows = fixture.readings(8)
        try fixture.write("a.csv", HDFSInputFixture.csv(Array(rows[..<2])) + "bad\n")
        try fixture.write("b.json", HDFSInputFixture.jsonLines(Array(rows[2...])))
        let manifest = HDFSFakeManifest()
        let input = try fixture.input(chunkBytes: 11)
        try input.open { manifest.positions }

        let lost = try input.next(limit: 5, maxWait: .zero)
        #expect(lost.readings.count == 4 && lost.rejects.count == 1 && lost.advances.count == 2)
        try input.rewind()
        let replayed = try input.next(limit: 5, maxWait: .zero)
        #expect(replayed.readings == lost.readings && replayed.rejects == lost.rejects)
        #expect(replayed.advances == lost.advances)
        manifest.commit(replayed)
        input.committed(replayed)

        let rest = try input.next(limit: 5, maxWait: .zero)
        #expect(rest.readings == Array(rows[4...]))
        #expect(rest.advances.first?.previous == replayed.advances.last?.next)
        manifest.commit(rest)
        input.committed(rest)
        #expect(input.isCaughtUp)
        #expect(try input.next(limit: 5, maxWait: .zero).isEmpty)
        input.close()
    }

    @Test("an unreachable namenode is .unavailable without the password; a missing root is .config")
    func failures() throws {
        let url = "http://user:s3cret@127.0.0.1:\(try TestStack.closedPort())"
        let unreachable = try ConfigLoader(flags: [.hdfsURL: url], projectFile: "/nonexistent").load()
        let error = #expect(throws: SensorError.self) { _ = try HDFSMetricsInput(config: unreachable) }
        #expect(error?.code == .unavailable && error?.service == "hdfs")
        #expect(error?.description.contains("127.0.0.1") == true && error?.description.contains("s3cret") == false)

        let fixture = try HDFSInputFixture()
        let missing = #expect(throws: SensorError.self) {
            _ = try HDFSMetricsInput(config: fixture.config, root: fixture.root + "/nowhere")
        }
        #expect(missing?.code == .config && missing?.message.contains("\(fixture.root)/nowhere") == true)
    }
}
