import CMongoC
import SensorCore

/// A BSON document owned by Swift. A `bson_t` points into itself (inline data, allocation bookkeeping), so it
/// must never be copied or moved: it lives at a fixed heap address from `bson_new` to `bson_destroy` in deinit.
///
/// Swift imports `bson_t *` and `bson_iter_t *` as `OpaquePointer` (the structs are declared 128-byte aligned),
/// so stack instances are raw aligned storage from `withStorage`.
final class BSONDocument {
    let pointer: OpaquePointer

    init() { pointer = bson_new()! }

    deinit { bson_destroy(pointer) }

    /// Empties the document, keeping its buffer for the next one.
    func reset() { bson_reinit(pointer) }

    func append(_ key: StaticString, string: String) {
        var string = string
        // withUTF8 is free for native strings; Swift strings are valid UTF-8 and carry their length.
        string.withUTF8 { bytes in append(key, utf8: bytes) }
    }

    func append(_ key: StaticString, utf8 bytes: UnsafeBufferPointer<UInt8>) {
        // An empty buffer may have no base address, and a NULL value would make libbson append a null.
        let start = bytes.isEmpty ? Self.emptyString : UnsafeRawPointer(bytes.baseAddress!)
        _ = bson_append_utf8(
            pointer, Self.cKey(key), Int32(key.utf8CodeUnitCount), start.assumingMemoryBound(to: CChar.self),
            Int32(bytes.count))
    }

    /// A double, or BSON null for nil.
    func append(_ key: StaticString, double: Double?) {
        if let double {
            _ = bson_append_double(pointer, Self.cKey(key), Int32(key.utf8CodeUnitCount), double)
        } else {
            _ = bson_append_null(pointer, Self.cKey(key), Int32(key.utf8CodeUnitCount))
        }
    }

    /// A BSON date: milliseconds since the Unix epoch, UTC.
    func append(_ key: StaticString, dateMilliseconds: Int64) {
        _ = bson_append_date_time(pointer, Self.cKey(key), Int32(key.utf8CodeUnitCount), dateMilliseconds)
    }

    func append(_ key: StaticString, int32: Int32) {
        _ = bson_append_int32(pointer, Self.cKey(key), Int32(key.utf8CodeUnitCount), int32)
    }

    func append(_ key: StaticString, bool: Bool) {
        _ = bson_append_bool(pointer, Self.cKey(key), Int32(key.utf8CodeUnitCount), bool)
    }

    /// Appends `{name: {field: 1, …}}` (an index key specification, ascending fields).
    func append(_ key: StaticString, ascending fields: [String]) {
        Self.withStorage { child in
            _ = bson_append_document_begin(pointer, Self.cKey(key), Int32(key.utf8CodeUnitCount), child)
            for field in fields { _ = bson_append_int32(child, field, -1, 1) }
            _ = bson_append_document_end(pointer, child)
        }
    }

    /// Appends an array of documents; `build` fills each element.
    func append(_ key: StaticString, documents count: Int, _ build: (Int, BSONDocument) -> Void) {
        let array = BSONDocument()
        let element = BSONDocument()
        for index in 0..<count {
            element.reset()
            build(index, element)
            _ = bson_append_document(array.pointer, String(index), -1, element.pointer)
        }
        _ = bson_append_array(pointer, Self.cKey(key), Int32(key.utf8CodeUnitCount), array.pointer)
    }

    // Keys known only at run time (the claim field derives from the topic) and query operators.

    /// Appends `key: value` (Int64).
    func append(field key: String, int64: Int64) { _ = bson_append_int64(pointer, key, -1, int64) }

    /// Appends `key: value` (Int32).
    func append(field key: String, int32: Int32) { _ = bson_append_int32(pointer, key, -1, int32) }

    /// Appends `key: "value"`.
    func append(field key: String, string: String) { _ = bson_append_utf8(pointer, key, -1, string, -1) }

    /// Appends `key: {…}`; `build` fills the sub-document, which is then copied in.
    func append(field key: String, document build: (BSONDocument) -> Void) {
        let child = BSONDocument()
        build(child)
        _ = bson_append_document(pointer, key, -1, child.pointer)
    }

    /// Appends `key: [...]` from a document whose keys are "0", "1", … (how BSON stores arrays).
    func append(field key: String, array: BSONDocument) {
        _ = bson_append_array(pointer, key, -1, array.pointer)
    }

    /// Appends a copy of the value `iterator` points at, whatever its type, under `key`.
    func append(field key: String, valueAt iterator: OpaquePointer) {
        _ = bson_append_iter(pointer, key, -1, iterator)
    }

    /// Runs `body` with a reply document for libmongoc to fill, and destroys it afterwards. libmongoc treats
    /// replies as uninitialized and always initializes them (even on failure); pre-initializing makes the
    /// final `bson_destroy` safe on every path, and an empty inline document holds no memory to leak.
    static func withReply<Result>(_ body: (OpaquePointer) -> Result) -> Result {
        withStorage { reply in
            bson_init(reply)
            defer { bson_destroy(reply) }
            return body(reply)
        }
    }

    /// Aligned scratch memory for a `bson_t` or `bson_iter_t` (both at most 128 bytes, aligned to 128).
    static func withStorage<Result>(_ body: (OpaquePointer) -> Result) -> Result {
        withUnsafeTemporaryAllocation(byteCount: 128, alignment: 128) { body(OpaquePointer($0.baseAddress!)) }
    }

    /// The UTF-8 string at a dotted path (`writeErrors.0.errmsg`), if present.
    static func string(in document: OpaquePointer, at path: String) -> String? {
        find(path, in: document) { found in
            guard bson_iter_type(found) == BSON_TYPE_UTF8 else { return nil }
            var length: UInt32 = 0
            let start = bson_iter_utf8(found, &length)!
            return String(decoding: UnsafeRawBufferPointer(start: start, count: Int(length)), as: UTF8.self)
        }
    }

    /// The number (int32, int64 or double) at a dotted path, if present.
    static func int64(in document: OpaquePointer, at path: String) -> Int64? {
        find(path, in: document) { found in
            [BSON_TYPE_INT32, BSON_TYPE_INT64, BSON_TYPE_DOUBLE].contains(bson_iter_type(found))
                ? bson_iter_as_int64(found) : nil
        }
    }

    /// One field of a stored document, as far as a reader of readings cares: the types a reading may use,
    /// and the MongoDB `$type` name of any other.
    enum FieldValue: Equatable {
        case missing, null
        case string(String)
        case double(Double)
        /// int32 or int64.
        case integer(Int64)
        /// A BSON date: milliseconds since the Unix epoch.
        case date(Int64)
        case objectID(String)
        case other(typeName: String)
    }

    /// The top-level field `key` of `document` (no dotted paths: field names may contain dots).
    static func field(_ key: String, in document: OpaquePointer) -> FieldValue {
        withStorage { iterator in
            guard bson_iter_init_find(iterator, document, key) else { return .missing }
            switch bson_iter_type(iterator) {
            case BSON_TYPE_NULL: return .null
            case BSON_TYPE_UTF8:
                var length: UInt32 = 0
                let start = bson_iter_utf8(iterator, &length)!
                // Strings may hold NUL bytes, so the length counts, not the terminator.
                let bytes = UnsafeRawBufferPointer(start: start, count: Int(length))
                return .string(String(decoding: bytes, as: UTF8.self))
            case BSON_TYPE_DOUBLE: return .double(bson_iter_double(iterator))
            case BSON_TYPE_INT32: return .integer(Int64(bson_iter_int32(iterator)))
            case BSON_TYPE_INT64: return .integer(bson_iter_int64(iterator))
            case BSON_TYPE_DATE_TIME: return .date(bson_iter_date_time(iterator))
            case BSON_TYPE_OID:
                // 24 hexadecimal digits and a NUL.
                var text = [UInt8](repeating: 0, count: 25)
                let oid = bson_iter_oid(iterator)
                text.withUnsafeMutableBufferPointer { buffer in
                    buffer.withMemoryRebound(to: CChar.self) { bson_oid_to_string(oid, $0.baseAddress!) }
                }
                return .objectID(String(decoding: text.prefix(24), as: UTF8.self))
            case let type: return .other(typeName: typeNames[type.rawValue] ?? "type \(type.rawValue)")
            }
        }
    }

    /// MongoDB's `$type` aliases, for messages such as `field 'value' is a bool`.
    private static let typeNames: [UInt32: String] = [
        0x03: "object", 0x04: "array", 0x05: "binData", 0x06: "undefined", 0x08: "bool", 0x0B: "regex",
        0x0C: "dbPointer", 0x0D: "javascript", 0x0E: "symbol", 0x0F: "javascriptWithScope", 0x11: "timestamp",
        0x13: "decimal", 0x7F: "maxKey", 0xFF: "minKey",
    ]

    /// The document as relaxed extended JSON (`{"ts": {"$date": "…"}, …}`), leaving out top-level fields whose
    /// names start with `prefix`.
    static func relaxedJSON(of document: OpaquePointer, omittingFieldsWithPrefix prefix: String) -> String {
        let kept = BSONDocument()
        withStorage { iterator in
            guard bson_iter_init(iterator, document) else { return }
            while bson_iter_next(iterator) {
                // Only rejected documents get here: a String per key costs nothing that matters.
                guard !String(cString: bson_iter_key(iterator)).hasPrefix(prefix) else { continue }
                _ = bson_append_iter(kept.pointer, nil, 0, iterator)
            }
        }
        var length = 0
        guard let json = bson_as_relaxed_extended_json(kept.pointer, &length) else { return "{}" }
        defer { bson_free(json) }
        return String(decoding: UnsafeRawBufferPointer(start: json, count: length), as: UTF8.self)
    }

    private static func find<Value>(
        _ path: String, in document: OpaquePointer, _ read: (OpaquePointer) -> Value?
    ) -> Value? {
        withStorage { iterator in
            withStorage { found in
                guard bson_iter_init(iterator, document), bson_iter_find_descendant(iterator, path, found) else {
                    return nil
                }
                return read(found)
            }
        }
    }

    private static var emptyString: UnsafeRawPointer { UnsafeRawPointer(("" as StaticString).utf8Start) }

    private static func cKey(_ key: StaticString) -> UnsafePointer<CChar> {
        UnsafeRawPointer(key.utf8Start).assumingMemoryBound(to: CChar.self)
    }
}
