import CMongoC
import SensorCore

/// The value types of the metric documents, written and read field by field: nullable values become BSON
/// null (as PostgreSQL stores NULL, so a reader of either store sees "no value" the same way), and arrays
/// are BSON arrays of one element type.
extension BSONDocument {
    /// An int64 (counts, versions, milliseconds are int64 whatever their size, so readers see one type).
    func append(_ key: StaticString, int64: Int64) {
        _ = bson_append_int64(pointer, Self.cString(key), Int32(key.utf8CodeUnitCount), int64)
    }

    func appendNull(_ key: StaticString) {
        _ = bson_append_null(pointer, Self.cString(key), Int32(key.utf8CodeUnitCount))
    }

    /// A string, or BSON null for nil.
    func append(_ key: StaticString, nullableString: String?) {
        if let nullableString { append(key, string: nullableString) } else { appendNull(key) }
    }

    /// A BSON date, or BSON null for nil.
    func append(_ key: StaticString, date: Timestamp?) {
        if let date { append(key, dateMilliseconds: date.milliseconds) } else { appendNull(key) }
    }

    /// An array of int64.
    func append(_ key: StaticString, int64s values: [Int64]) {
        appendArray(key) { array in
            for (index, value) in values.enumerated() { _ = bson_append_int64(array, String(index), -1, value) }
        }
    }

    /// An array of strings.
    func append(_ key: StaticString, strings values: [String]) {
        appendArray(key) { array in
            for (index, value) in values.enumerated() { _ = bson_append_utf8(array, String(index), -1, value, -1) }
        }
    }

    private func appendArray(_ key: StaticString, _ fill: (OpaquePointer) -> Void) {
        Self.withStorage { array in
            _ = bson_append_array_begin(pointer, Self.cString(key), Int32(key.utf8CodeUnitCount), array)
            fill(array)
            _ = bson_append_array_end(pointer, array)
        }
    }

    /// The elements of the top-level array `key`; nil when the field is missing or not an array.
    static func array(_ key: String, in document: OpaquePointer) -> [FieldValue]? {
        withStorage { iterator in
            withStorage { element in
                guard bson_iter_init_find(iterator, document, key), bson_iter_type(iterator) == BSON_TYPE_ARRAY,
                    bson_iter_recurse(iterator, element)
                else { return nil }
                // An array element is read like a top-level field: wrap it in a one-field document.
                let single = BSONDocument()
                var values: [FieldValue] = []
                while bson_iter_next(element) {
                    single.reset()
                    single.append(field: "v", valueAt: element)
                    values.append(field("v", in: single.pointer))
                }
                return values
            }
        }
    }

    private static func cString(_ key: StaticString) -> UnsafePointer<CChar> {
        UnsafeRawPointer(key.utf8Start).assumingMemoryBound(to: CChar.self)
    }
}

extension BSONDocument.FieldValue {
    /// A string value.
    var string: String? {
        if case .string(let text) = self { text } else { nil }
    }

    /// An int32 or int64 value.
    var integer: Int64? {
        if case .integer(let number) = self { number } else { nil }
    }

    /// A double; an integer too, in case a tool rewrote a whole-number double as an int (exact up to 2⁵³).
    var double: Double? {
        switch self {
        case .double(let number): number
        case .integer(let number): Double(number)
        default: nil
        }
    }

    /// A BSON date.
    var timestamp: Timestamp? {
        if case .date(let milliseconds) = self { Timestamp(milliseconds: milliseconds) } else { nil }
    }

    /// Whether the field holds BSON null (or is absent): "no value", as PostgreSQL's NULL.
    var isNull: Bool { self == .null || self == .missing }
}
