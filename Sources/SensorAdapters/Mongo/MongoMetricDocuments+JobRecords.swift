import SensorCore

/// `job_rejects` and `hdfs_manifest` documents: what the jobs set aside and how far they read each file.
extension MongoMetricDocuments {
    /// `<job>|<origin>|<position>`: one document per rejected record, so a replay finds it already stored.
    static func rejectID(_ reject: JobReject) -> String {
        "\(reject.job)|\(reject.origin)|\(reject.position)"
    }

    static func encode(_ reject: JobReject, rejectedAt: Timestamp, into document: BSONDocument) {
        document.append("_id", string: rejectID(reject))
        document.append("job", string: reject.job)
        document.append("origin", string: reject.origin)
        document.append("position", int64: reject.position)
        document.append("reason", string: reject.reason)
        document.append("record", string: reject.record)
        document.append("rejected_at", dateMilliseconds: rejectedAt.milliseconds)
    }

    static func encode(_ file: FileProgress, updatedAt: Timestamp, into document: BSONDocument) {
        document.append("_id", string: file.key)
        document.append("job", string: file.job)
        document.append("path", string: file.path)
        document.append("bytes_done", int64: file.bytesDone)
        document.append("lines_done", int64: file.linesDone)
        document.append("length", int64: file.length)
        document.append("modification_time", dateMilliseconds: file.modificationTime)
        document.append("readings", int64: file.readings)
        document.append("rejected", int64: file.rejected)
        document.append("complete", bool: file.isComplete)
        document.append("updated_at", dateMilliseconds: updatedAt.milliseconds)
    }
}
