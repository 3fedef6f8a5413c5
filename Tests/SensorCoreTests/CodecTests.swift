import SensorCore
import Testing

@Suite struct CodecTests {
    static let id = ReadingID("0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b")!
    static let ts = Timestamp(milliseconds: 1_733_329_479_123)

    static func reading(value: Double?, app: String = "generate-hdfs-csv", sensorID: String = "temperature-007")
        -> Reading
    {
        Reading(id: id, sensorID: sensorID, sensorType: "temperature", value: value, timestamp: ts, app: app)
    }

    static func csv(_ reading: Reading) -> String {
        var buffer: [UInt8] = []
        CSVCodec.append(reading, to: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    static func json(_ reading: Reading) -> String {
        var buffer: [UInt8] = []
        JSONLinesCodec.append(reading, to: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    @Test func csvHeaderAndRow() {
        #expect(CSVCodec.header == "id,sensor_id,sensor_type,value,ts,app")
        #expect(
            Self.csv(Self.reading(value: 87.5))
                == "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b,temperature-007,temperature,87.5,2024-12-04T16:24:39.123Z,generate-hdfs-csv\n")
    }

    @Test func csvNullIsAnEmptyFieldAndMinusOneIsANumber() {
        #expect(Self.csv(Self.reading(value: nil)).contains(",temperature,,2024-"))
        #expect(Self.csv(Self.reading(value: -1)).contains(",temperature,-1,2024-"))
    }

    @Test func csvQuotesFieldsThatNeedIt() throws {
        let row = Self.csv(Self.reading(value: 1, app: "fleet \"a\", west\nwing"))
        #expect(row.hasSuffix(",\"fleet \"\"a\"\", west\nwing\"\n"))
        let line = String(row.dropLast())
        #expect(try CSVCodec.decode(line).get().app == "fleet \"a\", west\nwing")
    }

    @Test(arguments: [nil, -1, 80, 100, 87.25, 20.05, 44.99, 0.1 + 0.2, 1e-9, -123456.789] as [Double?])
    func bothCodecsRoundTripValuesExactly(value: Double?) throws {
        let reading = Self.reading(value: value)
        #expect(try CSVCodec.decode(Self.csv(reading).dropLast()).get() == reading)
        #expect(try JSONLinesCodec.decode(Self.json(reading).dropLast()).get() == reading)
    }

    @Test func jsonShapeAndNull() {
        #expect(
            Self.json(Self.reading(value: nil))
                == "{\"id\":\"0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b\",\"sensor_id\":\"temperature-007\","
                + "\"sensor_type\":\"temperature\",\"value\":null,\"ts\":\"2024-12-04T16:24:39.123Z\","
                + "\"app\":\"generate-hdfs-csv\"}\n")
    }

    @Test func jsonEscapesStrings() throws {
        let reading = Self.reading(value: 90, app: "a\"b\\c\td\u{01}é")
        let line = Self.json(reading)
        #expect(line.contains(#""app":"a\"b\\c\td\u0001é""#))
        #expect(try JSONLinesCodec.decode(line.dropLast()).get() == reading)
    }

    @Test(arguments: [
        ("not json", "not valid JSON"),
        ("[1]", "not a JSON object"),
        (#"{"id":"0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b","sensor_id":"s","sensor_type":"t","ts":"2024-12-04T16:24:39Z","app":"a"}"#, "missing field 'value'"),
        (#"{"id":"0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b","sensor_id":"s","sensor_type":"t","value":"9","ts":"2024-12-04T16:24:39Z","app":"a"}"#, "field 'value' is not a number or null"),
        (#"{"id":"0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b","sensor_id":"s","sensor_type":"t","value":true,"ts":"2024-12-04T16:24:39Z","app":"a"}"#, "field 'value' is not a number or null"),
        (#"{"id":"x","sensor_id":"s","sensor_type":"t","value":1,"ts":"2024-12-04T16:24:39Z","app":"a"}"#, "invalid id 'x'"),
        (#"{"id":"0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b","sensor_id":"s","sensor_type":"t","value":1,"ts":"soon","app":"a"}"#, "invalid ts 'soon'"),
        (#"{"id":"0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b","sensor_id":5,"sensor_type":"t","value":1,"ts":"2024-12-04T16:24:39Z","app":"a"}"#, "field 'sensor_id' is not a string"),
    ])
    func jsonRejectsInvalidReadingsWithAReason(line: String, reason: String) {
        #expect(throws: ReadingDecodeError(reason)) { try JSONLinesCodec.decode(line).get() }
    }

    @Test(arguments: [
        ("a,b,c", "expected 6 fields, found 3"),
        ("0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b,s,t,abc,2024-12-04T16:24:39Z,a", "invalid value 'abc'"),
        ("0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b,s,t,1,2024-12-04T16:24:39Z,\"a", "unbalanced quotes"),
        ("0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b,,t,1,2024-12-04T16:24:39Z,a", "empty sensor_id"),
        ("0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b,s,t,nan,2024-12-04T16:24:39Z,a", "value is not a finite number"),
    ])
    func csvRejectsInvalidLinesWithAReason(line: String, reason: String) {
        #expect(throws: ReadingDecodeError(reason)) { try CSVCodec.decode(line).get() }
    }

    @Test func valuesUseTheShortestExactForm() {
        func text(_ value: Double) -> String {
            var buffer: [UInt8] = []
            buffer.append(value: value)
            return String(decoding: buffer, as: UTF8.self)
        }
        #expect(text(-1) == "-1")
        #expect(text(80) == "80")
        #expect(text(87.5) == "87.5")
        #expect(text(20.05) == "20.05")
        #expect(Double(text(0.1 + 0.2)) == 0.1 + 0.2)
    }
}

@Suite struct FlatJSONObjectTests {
    @Test func parsesScalarsNestedValuesAndEscapes() {
        let members = FlatJSONObject.parse(#" { "a" : "x\u00e9\ud83d\ude00\n", "b": -1.5e2, "c": null, "d": true, "e": [1, {"f": 2}], "g": {} } "#)
        #expect(members?["a"] == .string("xé😀\n"))
        #expect(members?["b"] == .number(-150))
        #expect(members?["c"] == .null)
        #expect(members?["d"] == .bool(true))
        #expect(members?["e"] == .nested)
        #expect(members?["g"] == .nested)
    }

    @Test func numbersAreCorrectlyRounded() {
        #expect(FlatJSONObject.parse(#"{"v":0.30000000000000004}"#)?["v"] == .number(0.1 + 0.2))
    }

    @Test(arguments: [
        "", "{", "{}}", #"{"a":}"#, #"{"a":1,}"#, #"{"a":012}"#, #"{"a":1.}"#, #"{"a":"\x"}"#, #"{a:1}"#,
        "{\"a\":\"tab\there\"}", #"{"a":"\ud800"}"#, #"{"a":nul}"#, "[1]",
    ])
    func rejectsInvalidJSON(text: String) {
        #expect(FlatJSONObject.parse(text) == nil)
    }
}
