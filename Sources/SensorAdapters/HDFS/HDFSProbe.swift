import SensorCore

/// Health check and setup of the HDFS datalake through WebHDFS: the root and its `csv`/`json` directories.
public struct HDFSProbe: ServiceProbe {
    public let service = ServiceKind.hdfs
    private let config: SensorConfig

    /// The probe of the namenode at `hdfs.url`, acting as `hdfs.user` under `hdfs.root`.
    public init(config: SensorConfig) {
        self.config = config
    }

    public var endpoint: String { Redact.endpoint(config.hdfsURL) }

    /// The directories `setup` creates, in order.
    var directories: [String] {
        ["csv", "json"].map { HDFSLayout.directory($0, under: config.hdfsRoot) }
    }

    /// GETFILESTATUS of the root and its directories, as the sink does when it opens. Missing directories are
    /// not a failure (the service works), the detail says to run `sensorctl setup`.
    public func check() throws(SensorError) -> String {
        // 5 s per request, so that a namenode that accepts connections but never answers fails fast.
        let client = try WebHDFSClient(baseURL: config.hdfsURL, user: config.hdfsUser, requestTimeoutSeconds: 5)
        let root = config.hdfsRoot
        guard let rootStatus = try client.fileStatus(root) else {
            return "namenode answers; \(root) is missing: run sensorctl setup"
        }
        guard rootStatus.type == .directory else {
            throw notDirectory(root, client: client)
        }
        var missing: [String] = []
        for directory in directories {
            switch try client.fileStatus(directory)?.type {
            case .directory?: break
            case nil: missing.append(directory)
            case .file?, .symlink?: throw notDirectory(directory, client: client)
            }
        }
        if missing.isEmpty {
            return "namenode answers; \(directories.joined(separator: " and ")) present"
        }
        return "namenode answers; \(missing.joined(separator: " and ")) missing: run sensorctl setup"
    }

    /// MKDIRS of `<root>/csv` and `<root>/json` (and of the root with them), each reported as created or
    /// already present after a GETFILESTATUS. Running it again changes nothing.
    public func setup() throws(SensorError) -> [SetupStep] {
        let client = try WebHDFSClient(baseURL: config.hdfsURL, user: config.hdfsUser, requestTimeoutSeconds: 10)
        var steps: [SetupStep] = []
        for directory in directories {
            let object = "directory \(directory)"
            switch try client.fileStatus(directory)?.type {
            case .directory?:
                steps.append(SetupStep(object, .present))
            case nil:
                try client.mkdirs(directory)
                steps.append(SetupStep(object, .created, note: "owner \(config.hdfsUser)"))
            case .file?, .symlink?:
                throw notDirectory(directory, client: client)
            }
        }
        return steps
    }

    private func notDirectory(_ path: String, client: WebHDFSClient) -> SensorError {
        SensorError(.config, service: "hdfs", endpoint: client.endpoint, "\(path) exists but is not a directory")
    }
}
