/// A row of `job_runs`: written at the start (status `running`) and replaced at the end.
public struct JobRun: Sendable {
    public var id: String
    public var job: String
    public var engine = "local"
    public var startedAt: Timestamp
    public var finishedAt: Timestamp?
    public var readingsIn = 0
    public var readingsOut = 0
    public var rejected = 0
    /// `running`, `succeeded`, `failed` or `verify-failed`.
    public var status = "running"
    public var error: String?

    public init(id: String, job: String, startedAt: Timestamp) {
        self.id = id
        self.job = job
        self.startedAt = startedAt
    }
}
