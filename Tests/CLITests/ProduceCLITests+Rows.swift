import Foundation
import Testing

/// Rows written by hand with SQL: late commits and records that are not valid readings.
extension ProduceCLITests {
    static let insertReading = """
        INSERT INTO sensor_readings (id, sensor_id, sensor_type, value, ts, app)
        VALUES ($1::uuid, $2, $3, $4::float8, $5::timestamptz, $6)
        """

    static func newID() -> String { UUID().uuidString.lowercased() }

    /// The hole of id/timestamp cursors (JDBC source connectors): T1 inserts A, T2 inserts B and commits
    /// first. A run while T1 is open must not move past A; once T1 commits, A and B arrive exactly once.
    @Test func aRowCommittedLateIsNeitherLostNorDuplicated() throws {
        let stack = try ProduceFixture("late")
        try stack.generate(20)
        try stack.waitUntilSettled()
        let rowA = Self.newID()
        let rowB = Self.newID()
        let t1 = try stack.session()
        let t2 = try stack.session()
        try t1.query("BEGIN")
        try t1.query(
            Self.insertReading, [rowA, "temperature-901", "temperature", "21.5", "2026-12-04T10:00:00.123Z", "late"])
        try t2.query("BEGIN")
        try t2.query(
            Self.insertReading, [rowB, "humidity-902", "humidity", "48.25", "2026-12-04T10:00:00.456Z", "late"])
        try t2.query("COMMIT")

        // Not settled on purpose: T1 is the open transaction under test.
        let during = try stack.produce(settle: false)
        let seen = try KafkaTopic.idCounts(stack.topic)
        #expect(seen[rowA] == nil, "A is not committed yet")
        // Only the 20 earlier readings are safe; sending B now is allowed only if the position stays before A.
        #expect(during.sent == 20 || (during.sent == 21 && seen[rowB] == 1), "sent \(during.sent) while T1 was open")

        try t1.query("COMMIT")
        let after = try stack.produce()
        #expect(during.sent + after.sent == 22)
        let rows = try stack.sourceRows()
        #expect(rows[rowA]?.value == 21.5 && rows[rowB]?.ts == "2026-12-04T10:00:00.456Z")
        try expectTopic(stack.topic, holds: rows)
    }

    /// Rows that are not valid readings go to `<topic>.dlq` with a reason, once, and do not stop the run.
    @Test func invalidRowsAreDeadLetteredOnceAndTheRestFlows() throws {
        let stack = try ProduceFixture("dlq")
        try stack.generate(40)
        let db = try stack.session()
        let now = "2026-12-04T11:00:00.000Z"
        // Each bad row with a word its reason must mention.
        let bad: [(id: String, values: [String?], mentions: String)] = [
            (Self.newID(), ["temperature-001", "temperature", "NaN", now], "value"),
            (Self.newID(), ["pressure-001", "pressure", "-Infinity", now], "value"),
            (Self.newID(), ["", "humidity", "50", now], "sensor_id"),
            (Self.newID(), ["vibration-001", "vibration", "51", "infinity"], "ts"),
        ]
        for row in bad { try db.query(Self.insertReading, [row.id] + row.values + ["bad-rows"]) }
        try stack.generate(10)

        let summary = try stack.produce()
        #expect(summary.sent == 50 && summary.rejected == 4)

        let letters = try KafkaTopic.read(stack.topic + ".dlq")
        #expect(letters.count == 4, "one dead letter per bad row")
        for row in bad {
            let matching = letters.filter { $0.key == row.id }
            try #require(matching.count == 1, "dead letters keyed \(row.id): \(matching.count)")
            let letter = try Binary.json(matching[0].value)
            #expect(Set(letter.keys) == ["source", "reason", "key", "record"])
            #expect(letter["source"] as? String == "postgres" && letter["key"] as? String == row.id)
            let reason = try #require(letter["reason"] as? String)
            #expect(reason.contains(row.mentions), "reason for \(row.values): \(reason)")
            #expect((letter["record"] as? String)?.contains(row.id) == true, "the record as stored")
        }
        var valid = try stack.sourceRows()
        for row in bad { valid[row.id] = nil }
        #expect(valid.count == 50)
        try expectTopic(stack.topic, holds: valid)

        // Dead letters are committed with the checkpoint: a rerun neither resends nor re-rejects them.
        let again = try stack.produce()
        #expect(again.sent == 0 && again.rejected == 0)
        try stack.generate(5)
        #expect(try stack.produce().sent == 5)
        #expect(try KafkaTopic.read(stack.topic + ".dlq").count == 4)
    }
}
