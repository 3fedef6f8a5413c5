import SensorCore
import Testing

/// `JSONLinesCodec.decode(utf8:)` takes a fast path for the common message shape; its contract is to give
/// exactly the general decoder's result (reading or reason) for every input.
@Suite struct ReadingJSONFastPathTests {
    static func decodeBoth(_ text: String) -> (fast: Result<Reading, ReadingDecodeError>, general: Result<Reading, ReadingDecodeError>) {
        var bytes = Array(text.utf8)
        let fast = bytes.withUnsafeMutableBytes { JSONLinesCodec.decode(utf8: UnsafeRawBufferPointer($0)) }
        return (fast, JSONLinesCodec.decode(text))
    }

    static let samples: [String] = {
        var random = Xoshiro256(seed: 42)
        var generator = ReadingGenerator(profile: GeneratorProfile(kind: .good, sensorCount: 7, seed: 3))
        var anomalies = ReadingGenerator(profile: GeneratorProfile(kind: .anomaly, sensorCount: 3, seed: 4))
        var texts: [String] = []
        let readings = (0..<200).map { _ in generator.next() } + (0..<50).map { _ in anomalies.next() }
        for reading in readings {
            var buffer: [UInt8] = []
            JSONLinesCodec.appendObject(reading, extra: ["source": "postgres"], to: &buffer)
            texts.append(String(decoding: buffer, as: UTF8.self))
            // Random single-byte damage: every mutant must get the same verdict from both paths.
            for _ in 0..<4 {
                var mutant = buffer
                let index = Int(random.next() % UInt64(mutant.count))
                mutant[index] = Array("{}[]\":,.-0123456789eEnulltrue \\\u{7f}x".utf8)[Int(random.next() % 32)]
                texts.append(String(decoding: mutant, as: UTF8.self))
            }
        }
        return texts
    }()

    static let edgeCases: [String] = [
        #"{"id":"0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b","sensor_id":"t-1","sensor_type":"t","value":87.25,"ts":"2024-12-04T16:24:39.123Z","app":"a"}"#,
        #" { "app" : "a" , "ts":"2024-12-04T16:24:39Z","value":null,"sensor_type":"t","sensor_id":"t-1","id":"0193A1B2-C3D4-7E5F-8A9B-0C1D2E3F4A5B" } "#,
        #"{"id":"0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b","sensor_id":"t-\u0031","sensor_type":"t","value":1,"ts":"2024-12-04T16:24:39.123Z","app":"a"}"#,
        #"{"id":"0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b","sensor_id":"t-1","sensor_type":"t","value":1e2,"ts":"2024-12-04T16:24:39.123Z","app":"a"}"#,
        #"{"id":"0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b","sensor_id":"t-1","sensor_type":"t","value":0.1234567890123456789,"ts":"2024-12-04T16:24:39.123Z","app":"a"}"#,
        #"{"id":"0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b","sensor_id":"t-1","sensor_type":"t","value":-0,"ts":"2024-12-04T16:24:39.123Z","app":"a"}"#,
        #"{"id":"0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b","sensor_id":"t-1","sensor_type":"t","value":007,"ts":"2024-12-04T16:24:39.123Z","app":"a"}"#,
        #"{"id":"0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b","sensor_id":"t-1","sensor_id":"t-2","sensor_type":"t","value":1,"ts":"2024-12-04T16:24:39.123Z","app":"a"}"#,
        #"{"id":"0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b","sensor_id":"","sensor_type":"t","value":1,"ts":"2024-12-04T16:24:39.123Z","app":"a"}"#,
        #"{"id":"0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b","sensor_id":"t-1","sensor_type":"t","value":"87","ts":"2024-12-04T16:24:39.123Z","app":"a"}"#,
        #"{"id":"0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b","sensor_id":"t-1","sensor_type":"t","value":true,"ts":"2024-12-04T16:24:39.123Z","app":"a"}"#,
        #"{"id":"0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b","sensor_id":"t-1","sensor_type":"t","value":1,"ts":"2024-13-04T16:24:39.123Z","app":"a"}"#,
        #"{"id":"0193a1b2-c3d4-7e5f-8a9b","sensor_id":"t-1","sensor_type":"t","value":1,"ts":"2024-12-04T16:24:39.123Z","app":"a"}"#,
        #"{"id":"0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b","sensor_id":"t-1","sensor_type":"t","value":1,"ts":"2024-12-04T16:24:39.123Z"}"#,
        #"{"id":"0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b","sensor_id":"capteur-é","sensor_type":"t","value":1,"ts":"2024-12-04T16:24:39.123Z","app":"a"}"#,
        #"{"id":"0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b","sensor_id":"t-1","sensor_type":"t","value":1,"ts":"2024-12-04T16:24:39.123Z","app":"a"} x"#,
        "", "{}", "[1]", "null", "not json",
    ]

    @Test("the fast path gives the general decoder's result for generated messages and random damage")
    func agreesOnSamples() {
        for text in Self.samples + Self.edgeCases {
            let (fast, general) = Self.decodeBoth(text)
            #expect(fast == general, "\(text)")
        }
    }

    @Test("plain decimals are parsed to the same Double as the standard library's parser")
    func decimalsRoundCorrectly() {
        var random = Xoshiro256(seed: 9)
        for _ in 0..<20_000 {
            let cents = Int64(random.next() % 2_000_000_000_000) - 1_000_000_000_000
            let digits = Int(random.next() % 6)
            var text = String(cents)
            if digits > 0 {
                let negative = text.hasPrefix("-")
                var magnitude = negative ? String(text.dropFirst()) : text
                if magnitude.count <= digits { magnitude = String(repeating: "0", count: digits - magnitude.count + 1) + magnitude }
                magnitude.insert(".", at: magnitude.index(magnitude.endIndex, offsetBy: -digits))
                text = (negative ? "-" : "") + magnitude
            }
            let message = #"{"id":"0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b","sensor_id":"s","sensor_type":"t","value":"#
                + text + #","ts":"2024-12-04T16:24:39.123Z","app":"a"}"#
            let (fast, _) = Self.decodeBoth(message)
            #expect((try? fast.get())?.value == Double(text), "\(text)")
        }
    }
}

/// `decodeIfPlain` of both codecs: whenever it returns a reading, the general decoder returns the same one.
@Suite struct PlainLineFastPathTests {
    static func lines(csv: Bool) -> [String] {
        var random = Xoshiro256(seed: 77)
        var generator = ReadingGenerator(profile: GeneratorProfile(kind: .good, sensorCount: 5, seed: 8))
        var anomalies = ReadingGenerator(profile: GeneratorProfile(kind: .anomaly, sensorCount: 2, seed: 9))
        var texts: [String] = []
        for reading in (0..<150).map({ _ in generator.next() }) + (0..<50).map({ _ in anomalies.next() }) {
            var buffer: [UInt8] = []
            if csv { CSVCodec.append(reading, to: &buffer) } else { JSONLinesCodec.append(reading, to: &buffer) }
            buffer.removeLast()  // the newline: the file parser hands over lines without it
            texts.append(String(decoding: buffer, as: UTF8.self))
            for _ in 0..<6 {
                var mutant = buffer
                let index = Int(random.next() % UInt64(mutant.count))
                mutant[index] = Array(",\"\t -.0123456789eE:xZ{}".utf8)[Int(random.next() % 23)]
                texts.append(String(decoding: mutant, as: UTF8.self))
            }
        }
        return texts + [
            "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b,t-1,t,007,2024-12-04T16:24:39.123Z,a",
            "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b,,t,1,2024-12-04T16:24:39.123Z,a",
            "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b,t-1,t,,2024-12-04T16:24:39Z,",
            "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b,t-1,t,1e3,2024-12-04T16:24:39Z,a",
            "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b,t-1,t,1,2024-12-04T16:24:39Z,a,extra",
        ]
    }

    @Test("CSV: the plain path never disagrees with CSVCodec.decode")
    func csvAgrees() {
        for line in Self.lines(csv: true) {
            var bytes = Array(line.utf8)
            let plain = bytes.withUnsafeMutableBytes { CSVCodec.decodeIfPlain(UnsafeRawBufferPointer($0)) }
            if let plain { #expect((try? CSVCodec.decode(line).get()) == plain, "\(line)") }
        }
        // And it is taken for what the sinks write (otherwise it would be no fast path at all).
        let written = Self.lines(csv: true)[0]
        var bytes = Array(written.utf8)
        #expect(bytes.withUnsafeMutableBytes { CSVCodec.decodeIfPlain(UnsafeRawBufferPointer($0)) } != nil)
    }

    @Test("JSON Lines: the plain path never disagrees with JSONLinesCodec.decode")
    func jsonAgrees() {
        for line in Self.lines(csv: false) {
            var bytes = Array(line.utf8)
            let plain = bytes.withUnsafeMutableBytes { JSONLinesCodec.decodeIfPlain(UnsafeRawBufferPointer($0)) }
            if let plain { #expect((try? JSONLinesCodec.decode(line).get()) == plain, "\(line)") }
        }
    }
}
