import CMongoC
import SensorCore

/// `job_runs` documents, written by every job at its start and replaced at its end.
extension MongoClient {
    /// Inserts the run, or replaces the document with its id.
    func record(_ run: JobRun) throws(SensorError) {
        try upsert(into: "job_runs", id: run.id) { document in
            document.append("_id", string: run.id)
            document.append("job", string: run.job)
            document.append("engine", string: run.engine)
            document.append("started_at", dateMilliseconds: run.startedAt.milliseconds)
            if let finished = run.finishedAt {
                document.append("finished_at", dateMilliseconds: finished.milliseconds)
            } else {
                _ = bson_append_null(document.pointer, "finished_at", -1)
            }
            document.append(field: "readings_in", int64: Int64(run.readingsIn))
            document.append(field: "readings_out", int64: Int64(run.readingsOut))
            document.append(field: "rejected", int64: Int64(run.rejected))
            document.append("status", string: run.status)
            if let error = run.error {
                document.append("error", string: error)
            } else {
                _ = bson_append_null(document.pointer, "error", -1)
            }
        }
    }
}
