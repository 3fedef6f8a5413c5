/// A 128-bit UUID. Generated ids are version 7 (RFC 9562): a millisecond timestamp followed by random
/// bits, so ids made in sequence are nearly ordered, which keeps primary-key B-tree inserts cheap.
public struct ReadingID: Hashable, Sendable, CustomStringConvertible, Comparable {
    public var high: UInt64
    public var low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// A version-7 UUID for `milliseconds` since the epoch, with 74 random bits from `random`.
    public init(version7At milliseconds: Int64, random: inout some RandomNumberGenerator) {
        let bits = random.next()
        let rand12 = bits & 0x0FFF
        high = (UInt64(truncatingIfNeeded: milliseconds) << 16) | 0x7000 | rand12
        low = (random.next() & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
    }

    /// Parses the canonical 8-4-4-4-12 hexadecimal form (either case).
    public init?(_ text: some StringProtocol) {
        self.init(utf8: text.utf8)
    }

    /// The same, from UTF-8 bytes (a message payload), without building a String.
    public init?(utf8 bytes: some Collection<UInt8>) {
        guard bytes.count == 36 else { return nil }
        var value: (UInt64, UInt64) = (0, 0)
        var nibbles = 0
        var offset = 0
        for byte in bytes {
            defer { offset += 1 }
            if offset == 8 || offset == 13 || offset == 18 || offset == 23 {
                guard byte == UInt8(ascii: "-") else { return nil }
                continue
            }
            guard let nibble = Hex.value(of: byte) else { return nil }
            if nibbles < 16 {
                value.0 = value.0 << 4 | UInt64(nibble)
            } else {
                value.1 = value.1 << 4 | UInt64(nibble)
            }
            nibbles += 1
        }
        self.init(high: value.0, low: value.1)
    }

    /// Appends the canonical lowercase form (36 bytes) to `buffer`, without allocating a String.
    @inlinable
    public func write(into buffer: inout [UInt8]) {
        // Fill a fixed stack buffer, then append once: per-byte appends cost a uniqueness check each.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 36) { text in
            var position = 0
            for index in 0..<16 {
                if position == 8 || position == 13 || position == 18 || position == 23 {
                    text[position] = UInt8(ascii: "-")
                    position += 1
                }
                let word = index < 8 ? high : low
                let byte = UInt8(truncatingIfNeeded: word >> UInt64(56 - 8 * (index % 8)))
                text[position] = Hex.digit(byte >> 4)
                text[position + 1] = Hex.digit(byte & 0xF)
                position += 2
            }
            buffer.append(contentsOf: UnsafeBufferPointer(text))
        }
    }

    public var description: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(36)
        write(into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    public static func < (lhs: ReadingID, rhs: ReadingID) -> Bool {
        (lhs.high, lhs.low) < (rhs.high, rhs.low)
    }
}

/// Lowercase hexadecimal helpers shared by the id codec.
public enum Hex {
    /// The lowercase hex digit of a nibble (0...15), computed rather than looked up: a global table costs a
    /// lazy-initialization check on every access.
    @inlinable
    public static func digit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }

    /// Appends the lowest `digits` nibbles of `value`, most significant first.
    @inlinable
    public static func append(_ value: UInt64, digits count: Int, to buffer: inout [UInt8]) {
        var shift = (count - 1) * 4
        while shift >= 0 {
            buffer.append(digit(UInt8((value >> UInt64(shift)) & 0xF)))
            shift -= 4
        }
    }

    public static func value(of byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
