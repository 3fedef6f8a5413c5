import Foundation
import SensorCore
import Testing

/// The running service stack, as `make up` describes it in `.devstack/env` (sourced by `make test`).
/// A missing variable fails the test: integration tests never skip because a service is absent.
enum TestStack {
    static func config(sourceLocation: SourceLocation = #_sourceLocation) throws -> SensorConfig {
        let environment = ProcessInfo.processInfo.environment
        for key in [ConfigKey.postgresURL, .mongoURL, .kafkaBrokers, .hdfsURL] {
            try #require(
                environment[key.environmentName] != nil,
                "\(key.environmentName) is not set: run the tests with `make test` (it starts the stack)",
                sourceLocation: sourceLocation)
        }
        return try ConfigLoader(environment: environment, projectFile: "/nonexistent").load()
    }

    /// A name no other test or run uses, for apps, topics and directories.
    static func uniqueName(_ prefix: String) -> String {
        "\(prefix)-\(UInt32.random(in: 0...UInt32.max))"
    }
}
