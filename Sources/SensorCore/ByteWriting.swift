/// Small allocation-free writers for the text codecs (CSV, JSON Lines, PostgreSQL COPY).
extension Array where Element == UInt8 {
    @inlinable
    public mutating func append(ascii text: StaticString) {
        text.withUTF8Buffer { append(contentsOf: $0) }
    }

    @inlinable
    public mutating func append(utf8 text: String) {
        var copy = text
        copy.withUTF8 { append(contentsOf: $0) }
    }

    /// Appends the decimal digits of a non-negative integer.
    public mutating func append(integer value: Int64) {
        precondition(value >= 0, "append(integer:) takes non-negative values")
        var divisor: Int64 = 1
        while divisor <= value / 10 { divisor *= 10 }
        var remaining = value
        while divisor > 0 {
            append(UInt8(ascii: "0") + UInt8(remaining / divisor))
            remaining %= divisor
            divisor /= 10
        }
    }

    /// Appends a sensor value in the shortest form that parses back to exactly the same Double.
    /// Values on a 0.01 grid (every generated value) take a fast path with no String allocation.
    public mutating func append(value: Double) {
        let cents = (value * 100).rounded()
        guard abs(cents) < 1e15, cents / 100 == value else {
            append(utf8: value.description)
            return
        }
        var whole = Int64(cents)
        if whole < 0 {
            append(UInt8(ascii: "-"))
            whole = -whole
        }
        append(integer: whole / 100)
        let fraction = whole % 100
        guard fraction != 0 else { return }
        append(UInt8(ascii: "."))
        append(UInt8(ascii: "0") + UInt8(fraction / 10))
        if fraction % 10 != 0 { append(UInt8(ascii: "0") + UInt8(fraction % 10)) }
    }
}
