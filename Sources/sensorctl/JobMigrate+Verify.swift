import SensorAdapters
import SensorCore

/// `--verify`: the source's valid reading ids against the target's ids, both streamed in id order page by
/// page and merge-compared, so memory stays at two pages whatever the table sizes.
struct Verification {
    var source = 0
    var target = 0
    /// Source readings absent from the target: a failure (exit 65).
    var missing = 0
    /// Target ids absent from the source: other apps write there too, so only reported.
    var extra = 0

    static func compare(
        source: any MigrationEndpoint, target: any MigrationEndpoint, pageSize: Int
    ) throws(SensorError) -> Verification {
        var sourceIDs = IDPages { after throws(SensorError) in
            let (records, last) = try source.records(after: after, limit: pageSize)
            let ids = records.compactMap { record -> String? in
                if case .reading(let reading) = record { return reading.id.description }
                return nil
            }
            return (ids, last)
        }
        var targetIDs = IDPages { after throws(SensorError) in
            let ids = try target.storedIDs(after: after, limit: pageSize)
            return (ids, ids.last)
        }
        var result = Verification()
        while true {
            let left = try sourceIDs.peek()
            let right = try targetIDs.peek()
            switch (left, right) {
            case (nil, nil):
                return result
            case (let id?, nil):
                result.count(missing: id, &sourceIDs)
            case (nil, _?):
                result.target += 1
                result.extra += 1
                targetIDs.advance()
            case (let a?, let b?):
                if a == b {
                    result.source += 1
                    result.target += 1
                    sourceIDs.advance()
                    targetIDs.advance()
                } else if a.utf8.lexicographicallyPrecedes(b.utf8) {
                    result.count(missing: a, &sourceIDs)
                } else {
                    result.target += 1
                    result.extra += 1
                    targetIDs.advance()
                }
            }
        }
    }

    private mutating func count(missing id: String, _ pages: inout IDPages) {
        source += 1
        missing += 1
        if missing <= 10 { Console.error("verify: reading \(id) is missing from the target\n") }
        pages.advance()
    }
}

/// A pull iterator over ids fetched a page at a time by keyset pagination.
struct IDPages {
    let fetch: (String?) throws(SensorError) -> (ids: [String], last: String?)
    private var page: [String] = []
    private var index = 0
    private var after: String?
    private var done = false

    init(_ fetch: @escaping (String?) throws(SensorError) -> (ids: [String], last: String?)) {
        self.fetch = fetch
    }

    /// The next id, fetching pages as needed (a page of source records may hold no valid reading at all).
    mutating func peek() throws(SensorError) -> String? {
        while index >= page.count {
            guard !done else { return nil }
            let (ids, last) = try fetch(after)
            guard let last else {
                done = true
                return nil
            }
            after = last
            page = ids
            index = 0
        }
        return page[index]
    }

    mutating func advance() { index += 1 }
}
