import SensorCore
import Testing

@Suite struct ReadingIDTests {
    @Test func version7LayoutCarriesTheTimestamp() {
        var random = Xoshiro256(seed: 1)
        let milliseconds: Int64 = 1_733_329_479_123
        let id = ReadingID(version7At: milliseconds, random: &random)
        let text = id.description
        #expect(text.count == 36)
        #expect(Array(text)[14] == "7", "version nibble")
        #expect("89ab".contains(Array(text)[19]), "RFC 9562 variant")
        #expect(Int64(id.high >> 16) == milliseconds)
    }

    @Test func parsesWhatItFormats() {
        var random = Xoshiro256(seed: 2)
        for _ in 0..<1000 {
            let id = ReadingID(version7At: Timestamp.now().milliseconds, random: &random)
            #expect(ReadingID(id.description) == id)
            #expect(ReadingID(id.description.uppercased()) == id)
        }
    }

    @Test func idsAreUniqueAcrossManyDraws() {
        var random = Xoshiro256()
        var seen: Set<ReadingID> = []
        for _ in 0..<100_000 { seen.insert(ReadingID(version7At: 1_000, random: &random)) }
        #expect(seen.count == 100_000)
    }

    @Test(arguments: [
        "", "not-a-uuid", "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5", "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5bb",
        "0190a1b2c3d47e5f8a9b0c1d2e3f4a5b", "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5g", "0190a1b2-c3d47-e5f-8a9b-0c1d2e3f4a5b",
    ])
    func rejectsMalformedText(text: String) {
        #expect(ReadingID(text) == nil)
    }
}
