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

    /// A loopback TCP port nothing listens on: bound to learn a free number, then closed.
    static func closedPort() throws -> Int {
        // SOCK_STREAM is 1 on Linux; its Swift import is not found reliably in this target, whose C modules
        // include the socket headers too.
        let socketFD = socket(AF_INET, 1, 0)
        try #require(socketFD >= 0)
        defer { close(socketFD) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socketFD, $0, length) == 0 && getsockname(socketFD, $0, &length) == 0
            }
        }
        try #require(bound, "cannot bind a loopback port")
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
