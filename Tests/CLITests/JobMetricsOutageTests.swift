import Foundation
import Testing

/// `job metrics --follow` when a store goes away mid-run (through a switchable forwarder): it keeps retrying
/// with backoff, and once the store is back it resumes with nothing lost and nothing counted twice.
@Suite("job metrics outages", .serialized)
struct JobMetricsOutageTests {
    @Test("MongoDB down mid-run: the job waits, then MongoDB and PostgreSQL both hold every reading once")
    func mongoOutage() throws {
        let fixture = try MetricsJobFixture("mgdown")
        let forwarder = try TCPForwarder(to: fixture.stores.mongoURL)
        let proxied = try forwarder.forwarding(fixture.stores.mongoURL) + "?serverSelectionTimeoutMS=2000"
        try outage(fixture, forwarder: forwarder, service: "mongo", arguments: ["--mongo-url", proxied])
    }

    @Test("PostgreSQL down mid-run: the job waits, then resumes from the offsets stored there")
    func postgresOutage() throws {
        let fixture = try MetricsJobFixture("pgdown")
        let forwarder = try TCPForwarder(to: fixture.stores.postgres.postgresURL)
        let proxied = try forwarder.forwarding(fixture.stores.postgres.postgresURL)
        try outage(fixture, forwarder: forwarder, service: "postgres", arguments: ["--postgres-url", proxied])
    }

    /// Runs a follow-mode job with one store behind `forwarder`, takes the store away while readings keep
    /// coming, brings it back, and checks the totals in both stores (read directly, not through the forwarder).
    private func outage(
        _ fixture: MetricsJobFixture, forwarder: TCPForwarder, service: String, arguments: [String]
    ) throws {
        var endpoints = [
            "--postgres-url", fixture.stores.postgres.postgresURL, "--mongo-url", fixture.stores.mongoURL,
            "--topic", fixture.topic, "--config", fixture.configFile.path,
        ]
        let overridden = endpoints.firstIndex(of: arguments[0])!
        endpoints[overridden + 1] = arguments[1]
        try fixture.generate(400, ["--sensors", "4"])
        let job = try BackgroundRun(["job", "metrics", "--group", "outage", "--json", "--batch-records", "100"] + endpoints)
        func totals() throws -> (postgres: Int, mongo: Int) {
            func overall(_ store: String) throws -> Int {
                let run = try Binary.run(["metrics", "--json", "--store", store] + fixture.endpoints)
                return (try? Binary.json(run.stdout))?["overall"].flatMap { ($0 as? [String: Any])?["readings"] as? Int } ?? -1
            }
            return (try overall("postgres"), try overall("mongo"))
        }
        let before = try poll(timeout: 60, interval: 0.5) { try totals() == (400, 400) }
        try #require(before, "the job never stored the first readings: \(job.stderr)")

        try forwarder.stop()
        try fixture.generate(300, ["--sensors", "4"])
        let noticed = try poll(timeout: 30, interval: 0.5) { job.stderr.contains("retrying") }
        #expect(noticed, "the job did not report the \(service) outage: \(job.stderr)")
        #expect(job.isRunning, "the job gave up during the outage: \(job.stderr)")

        try forwarder.start()
        let after = try poll(timeout: 90, interval: 0.5) { try totals() == (700, 700) }
        let final = try totals()
        #expect(after, "after the outage: \(final) instead of 700 in both stores\n\(job.stderr)")
        job.send(SIGTERM)
        let run = try job.wait(timeout: 30)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains(service), "the outage message does not name \(service)")
    }
}
