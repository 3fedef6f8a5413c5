import SensorCore
import Testing

@Suite struct RedactTests {
    @Test(arguments: [
        ("postgresql://u:p4ss@h:5432/db", "postgresql://u:***@h:5432/db"),
        ("postgresql://u@h/db", "postgresql://u@h/db"),
        ("mongodb://u:p%40ss@a:1,b:2/db?replicaSet=r", "mongodb://u:***@a:1,b:2/db?replicaSet=r"),
        ("postgresql://h/db?user=u&password=p4ss&sslmode=require", "postgresql://h/db?user=u&password=***&sslmode=require"),
        ("host=h password=p4ss dbname=d", "host=h password=*** dbname=d"),
        ("http://namenode:9870", "http://namenode:9870"),
    ])
    func endpointsLoseTheirSecrets(raw: String, redacted: String) {
        #expect(Redact.endpoint(raw) == redacted)
    }

    @Test func errorsRedactWhateverTheyAreGiven() {
        let error = SensorError(
            .unavailable, service: "postgres", endpoint: "postgresql://u:p4ss@h/db",
            "cannot connect to postgresql://u:p4ss@h/db")
        #expect(!error.description.contains("p4ss"))
        #expect(error.description.hasPrefix("postgres: cannot connect"))
        #expect(error.exitCode == 69)
    }
}
