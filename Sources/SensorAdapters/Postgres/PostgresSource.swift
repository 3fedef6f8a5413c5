import SensorCore

/// Reads `sensor_readings` in commit-safe order for `produce --from postgres`.
///
/// Why nothing is missed: a row-id or timestamp cursor skips rows whose transaction commits after a later
/// one was read (the well-known hole in JDBC source connectors). Every row here carries the id of its
/// inserting transaction (`txid`, a server default) and an insertion sequence (`seq`). The source reads rows
/// in (txid, seq) order but only those whose txid is below the oldest transaction still running
/// (`pg_snapshot_xmin(pg_current_snapshot())`): every transaction below that horizon has finished, so no row
/// can later appear behind the position. A long-running writer delays rows behind it; it never loses them.
public final class PostgresSource: Source {
    public let name = SourceKind.postgres.rawValue
    private let connection: PostgresConnection
    private var position = Position.start
    /// The query for the batch after the last one handed out, running while the producer commits that one.
    private var readAhead: ReadAhead?

    /// (txid, seq) of the last committed row; stored in Kafka as `{"txid":"…","seq":…}`.
    struct Position: Equatable {
        var txid: UInt64
        var seq: Int64
        static let start = Position(txid: 0, seq: 0)

        var json: [UInt8] { Array("{\"txid\":\"\(txid)\",\"seq\":\(seq)}".utf8) }

        init(txid: UInt64, seq: Int64) {
            self.txid = txid
            self.seq = seq
        }

        init(json: [UInt8]) throws(SensorError) {
            let text = String(decoding: json, as: UTF8.self)
            guard let fields = FlatJSONObject.parse(text), case .string(let txid)? = fields["txid"],
                let txidValue = UInt64(txid), case .number(let seq)? = fields["seq"], seq == seq.rounded(),
                abs(seq) < 9e15
            else {
                throw SensorError(.data, service: "postgres", "malformed checkpoint \(text)")
            }
            self.init(txid: txidValue, seq: Int64(seq))
        }
    }

    public init(config: SensorConfig) throws(SensorError) {
        connection = try PostgresConnection(url: config.postgresURL)
        // This connection runs one query whose order the (txid, seq) index provides. Without statistics (a
        // freshly loaded table) the planner may sort the whole table for every batch instead; forbidding
        // explicit sorts on this session keeps each batch an index range scan.
        try connection.query("SET enable_sort = off")
    }

    public func resume(from checkpoint: [UInt8]?) throws(SensorError) {
        _ = try? readAhead?.rows()
        readAhead = nil
        position = try checkpoint.map(Position.init(json:)) ?? .start
    }

    public func nextBatch(limit: Int) throws(SensorError) -> SourceBatch {
        // The read-ahead started after the previous batch is valid when that batch was committed (the
        // position moved to its end); after a replay the position did not move, so query afresh.
        let rows: [[String?]]
        if let pending = readAhead, pending.from == position, pending.limit == limit {
            rows = try pending.rows()
        } else {
            _ = try? readAhead?.rows()  // the connection is free again once the read-ahead is done
            rows = try Self.rows(after: position, limit: limit, on: connection)
        }
        readAhead = nil
        guard let last = rows.last, let txid = last[6].flatMap({ UInt64($0) }), let seq = last[7].flatMap({ Int64($0) })
        else { return SourceBatch(records: [], checkpoint: []) }
        let end = Position(txid: txid, seq: seq)
        readAhead = ReadAhead(from: end, limit: limit, connection: connection)
        return SourceBatch(records: rows.map(Self.record), checkpoint: end.json)
    }

    /// Up to `limit` rows after `position` and below the horizon, in (txid, seq) order.
    static func rows(after position: Position, limit: Int, on connection: PostgresConnection) throws(SensorError)
        -> [[String?]]
    {
        // Qualified names: ORDER BY txid would otherwise sort by the selected txid::text, not by the xid.
        try connection.query(
            """
            SELECT \(readingColumns), r.txid::text, r.seq
            FROM sensor_readings r
            WHERE (r.txid, r.seq) > ($1::xid8, $2::bigint) AND r.txid < pg_snapshot_xmin(pg_current_snapshot())
            ORDER BY r.txid, r.seq
            LIMIT $3
            """, [String(position.txid), String(position.seq), String(limit)])
    }

    public func committed(_ batch: SourceBatch) throws(SensorError) {
        guard !batch.isEmpty else { return }
        position = try Position(json: batch.checkpoint)
    }

    /// Committed rows beyond the horizon: an older transaction (in any database of the server) still runs.
    public func waiting() throws(SensorError) -> String? {
        _ = try? readAhead?.rows()  // the connection is free again once the read-ahead is done
        readAhead = nil
        let rows = try connection.query(
            """
            SELECT count(*), pg_snapshot_xmin(pg_current_snapshot())::text FROM sensor_readings r
            WHERE (r.txid, r.seq) > ($1::xid8, $2::bigint) AND r.txid >= pg_snapshot_xmin(pg_current_snapshot())
            """, [String(position.txid), String(position.seq)])
        guard let count = rows.first?[0].flatMap({ Int($0) }), count > 0 else { return nil }
        return "\(count) committed readings wait until the transactions from xid \(rows[0][1] ?? "?") on finish: "
            + "a long-running transaction on the server holds them back (they are sent once it ends)"
    }

    /// The select list whose rows `record(_:)` reads: the reading's columns as text, `ts` as epoch
    /// milliseconds (NULL when infinite), from `sensor_readings r`. Shared with the migration's reader.
    static let readingColumns = """
        r.id::text, r.sensor_id, r.sensor_type, r.value::text,
        CASE WHEN isfinite(r.ts) THEN floor(extract(epoch FROM r.ts) * 1000)::bigint END, r.app
        """

    /// A row as a reading, or as a dead letter when it is not a valid one (NaN, infinite ts, empty ids).
    static func record(_ row: [String?]) -> SourceRecord {
        let value: Reading.RawValue = row[3].map { .text($0) } ?? .null
        let timestamp = row[4].flatMap { Int64($0) }.map(Timestamp.init(milliseconds:))
        let result = Reading.validated(
            id: row[0] ?? "", sensorID: row[1] ?? "", sensorType: row[2] ?? "", value: value, timestamp: timestamp,
            app: row[5] ?? "")
        switch result {
        case .success(let reading):
            return .reading(reading)
        case .failure(let error):
            let raw = zip(Reading.fieldNames, row).map { "\($0)=\($1 ?? "NULL")" }.joined(separator: " ")
            return .rejected(key: row[0], raw: raw, reason: error.reason)
        }
    }
}
