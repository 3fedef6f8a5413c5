import Foundation
import Testing

/// A service that is down: exit 69 within 10 s, the message names the service, and no password shows.
@Suite struct UnreachableServiceTests {
    static let secret = "s3cret-\(UInt32.random(in: 0...UInt32.max))"

    static func endpoints() -> [(sink: String, flag: String, url: String)] {
        let port = Binary.closedPort()
        return [
            ("postgres", "--postgres-url", "postgresql://sensorctl:\(secret)@127.0.0.1:\(port)/sensorctl"),
            ("mongo", "--mongo-url", "mongodb://sensorctl:\(secret)@127.0.0.1:\(port)/sensorctl"),
            ("kafka", "--kafka-brokers", "127.0.0.1:\(port)"),
            ("hdfs-csv", "--hdfs-url", "http://sensor_corp:\(secret)@127.0.0.1:\(port)"),
        ]
    }

    @Test(arguments: endpoints())
    func generateIntoAnUnreachableSinkExits69(sink: String, flag: String, url: String) throws {
        let run = try Binary.run(["generate", "--sink", sink, "-n", "10", flag, url])
        #expect(run.status == 69, "\(run.stderr)")
        #expect(run.seconds < 10)
        let service = sink.hasPrefix("hdfs") ? "hdfs" : sink
        #expect(run.stderr.contains("\(service): "), "\(run.stderr)")
        #expect(run.stderr.contains("FAILED"))
        #expect(!run.stderr.contains(Self.secret) && !run.stdout.contains(Self.secret))
    }

    @Test func checkReportsEveryUnreachableServiceAndExits69() throws {
        let arguments = Self.endpoints().flatMap { [$0.flag, $0.url] }
        let run = try Binary.run(["check", "--json"] + arguments)
        #expect(run.status == 69)
        #expect(run.seconds < 10, "checks must run concurrently: \(run.seconds) s")
        #expect(!run.stderr.contains(Self.secret) && !run.stdout.contains(Self.secret))
        let services = try #require(try Binary.json(run.stdout)["services"] as? [String: [String: Any]])
        #expect(Set(services.keys) == ["postgres", "mongo", "kafka", "hdfs"])
        for (name, outcome) in services {
            #expect(outcome["status"] as? String == "error", "\(name)")
            #expect((outcome["endpoint"] as? String)?.contains("127.0.0.1") == true)
        }
        #expect(run.stderr.split(separator: "\n").filter { $0.contains(" error ") }.count == 4)
    }
}
