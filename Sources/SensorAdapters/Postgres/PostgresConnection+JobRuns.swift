import SensorCore

/// `job_runs` rows, written by every job at its start and replaced at its end.
extension PostgresConnection {
    /// Inserts the run, or replaces the row with its id.
    func record(_ run: JobRun) throws(SensorError) {
        try query(
            """
            INSERT INTO job_runs (id, job, engine, started_at, finished_at, readings_in, readings_out, rejected,
                                  status, error)
            VALUES ($1::uuid, $2, $3, to_timestamp($4::bigint / 1000.0), to_timestamp($5::bigint / 1000.0),
                    $6::bigint, $7::bigint, $8::bigint, $9, $10)
            ON CONFLICT (id) DO UPDATE SET finished_at = excluded.finished_at, readings_in = excluded.readings_in,
                readings_out = excluded.readings_out, rejected = excluded.rejected, status = excluded.status,
                error = excluded.error
            """,
            [
                run.id, run.job, run.engine, String(run.startedAt.milliseconds),
                run.finishedAt.map { String($0.milliseconds) }, String(run.readingsIn), String(run.readingsOut),
                String(run.rejected), run.status, run.error,
            ])
    }
}
