import Foundation
import Testing

/// What a SIGKILLed `produce` may leave wrong on the devstack's Kafka, and only there, read right after the
/// kill.
///
/// librdkafka's mock cluster has no transaction isolation: its Fetch answers LastStableOffset = high
/// watermark and no aborted transactions (rdkafka_mock_handlers.c), so whatever a killed transaction had
/// already appended stays visible to read_committed consumers. A real cluster aborts it. With the readings
/// and the checkpoint of one transaction on different brokers, a kill can leave on the mock
/// - the checkpoint without some of its readings: the restarted run never sends those (`unsent`), or
/// - some readings without their checkpoint: the restarted run sends them again (`stranded`).
/// Both are limited to the batch in flight and to what is visible right after the kill; anything else —
/// a resend of a batch whose readings and checkpoint were both visible, a skipped reading outside it — is a
/// real defect.
struct KillWindow {
    /// Readings of the batch the last visible checkpoint closes that are not visible.
    let unsent: Set<String>
    /// Readings after the last visible checkpoint that are visible anyway, with their visible copies.
    let stranded: [String: Int]
    /// How many checkpoints (committed batches, on a real cluster) the checkpoint topic shows.
    let checkpoints: Int

    init(_ stack: ProduceFixture, batchSize: Int) throws {
        // One checkpoint key, hence one partition: kcat prints them in commit order.
        let positions = try KafkaTopic.read(stack.topic + ".checkpoints").map { message in
            let checkpoint = try Binary.json(message.value)
            let txid = try #require(checkpoint["txid"] as? String, "checkpoint \(message.value)")
            let seq = try #require(checkpoint["seq"] as? Int, "checkpoint \(message.value)")
            return [txid, String(seq)]
        }
        checkpoints = positions.count
        let last = positions.last ?? ["0", "0"]
        let previous = positions.dropLast().last ?? ["0", "0"]
        let visible = try KafkaTopic.idCounts(stack.topic)
        // The source's documented order: (txid, seq), the two columns `setup` adds.
        let db = try stack.session()
        let closed = try db.query(
            """
            SELECT id::text FROM sensor_readings
            WHERE (txid, seq) > ($1::xid8, $2::bigint) AND (txid, seq) <= ($3::xid8, $4::bigint)
            """, previous + last
        ).compactMap { $0[0] }
        let next = try db.query(
            """
            SELECT id::text FROM sensor_readings WHERE (txid, seq) > ($1::xid8, $2::bigint)
            ORDER BY txid, seq LIMIT $3
            """, last + [String(batchSize)]
        ).compactMap { $0[0] }
        unsent = Set(closed.filter { visible[$0] == nil })
        stranded = next.reduce(into: [:]) { found, id in found[id] = visible[id] }
    }
}
