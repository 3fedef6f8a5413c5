import SensorCore
import Testing

@Suite struct TimestampTests {
    @Test(arguments: [
        (0, "1970-01-01T00:00:00.000Z"),
        (1_733_329_479_123, "2024-12-04T16:24:39.123Z"),
        (951_782_400_000, "2000-02-29T00:00:00.000Z"),
        (-1, "1969-12-31T23:59:59.999Z"),
        (253_402_300_799_999, "9999-12-31T23:59:59.999Z"),
    ] as [(Int64, String)])
    func formatsRFC3339InUTC(milliseconds: Int64, text: String) {
        #expect(Timestamp(milliseconds: milliseconds).description == text)
        #expect(Timestamp(rfc3339: text) == Timestamp(milliseconds: milliseconds))
    }

    @Test(arguments: [
        ("2024-12-04T16:24:39Z", 1_733_329_479_000),
        ("2024-12-04 16:24:39.1+00", 1_733_329_479_100),
        ("2024-12-04T17:24:39.123456+01:00", 1_733_329_479_123),
        ("2024-12-04T11:24:39.123-0500", 1_733_329_479_123),
        ("2024-12-04t16:24:39.123z", 1_733_329_479_123),
    ] as [(String, Int64)])
    func parsesCommonRFC3339Variants(text: String, milliseconds: Int64) {
        #expect(Timestamp(rfc3339: text)?.milliseconds == milliseconds)
    }

    @Test(arguments: [
        "", "2024-12-04", "2024-12-04T16:24:39", "2024-13-04T16:24:39Z", "2023-02-29T00:00:00Z",
        "2024-12-04T24:00:00Z", "2024-12-04T16:24:39.Z", "2024-12-04T16:24:39Zjunk", "yesterday",
    ])
    func rejectsInvalidTimestamps(text: String) {
        #expect(Timestamp(rfc3339: text) == nil)
    }

    @Test func nowIsTheCurrentTime() {
        // Compared with an independent clock (Foundation) so a wrong epoch or unit would show.
        let now = Timestamp.now().milliseconds
        let reference = Int64(Date().timeIntervalSince1970 * 1000)
        #expect(abs(now - reference) < 2000)
    }
}

import Foundation
