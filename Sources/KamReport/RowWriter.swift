import KamCSV
import KamExpr

/// Where a renderer writes one row: room made for the whole row, and the renderer's store of
/// texts that repeat on every row. The row is appended to the output at once, so writing it
/// costs no allocation, no reference counting, and no check of the output's room per cell.
struct RowWriter {
    let p: UnsafeMutablePointer<UInt8>
    let store: UnsafeBufferPointer<UInt8>
    var count = 0

    /// Writes a row with `body` into `room` bytes (the most it can write), then appends it.
    static func append(room: Int, store: [UInt8], to out: inout [UInt8], _ body: (inout RowWriter) -> Void) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: room) { buffer in
            store.withUnsafeBufferPointer { store in
                var w = RowWriter(p: buffer.baseAddress!, store: store)
                body(&w)
                out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[..<w.count]))
            }
        }
    }

    mutating func put(_ b: UInt8) {
        p[count] = b
        count += 1
    }

    /// Bytes of the store.
    mutating func put(_ range: Range<Int>) {
        (p + count).update(from: store.baseAddress! + range.lowerBound, count: range.count)
        count += range.count
    }

    mutating func put(_ text: StaticString) {
        text.withUTF8Buffer { bytes in
            for b in bytes { put(b) }
        }
    }

    /// A number as `NumberFormat.shortest` writes it, with `decimal` for its decimal point;
    /// whole numbers (scores, mostly) digit by digit, with no string made.
    mutating func put(number x: Double, decimal: UInt8) {
        guard x == x.rounded(.towardZero), abs(x) < 1e15 else {
            for b in NumberFormat.shortest(x).utf8 { put(b == UInt8(ascii: ".") ? decimal : b) }
            return
        }
        var n = Int64(x)
        if n < 0 { put(UInt8(ascii: "-")); n = -n }
        if n == 0 { return put(UInt8(ascii: "0")) }
        var digits = 0
        var m = n
        while m > 0 { digits += 1; m /= 10 }
        for k in stride(from: digits - 1, through: 0, by: -1) {
            p[count + k] = UInt8(n % 10) + UInt8(ascii: "0")
            n /= 10
        }
        count += digits
    }

    /// The most bytes `put(jsonString:)` writes for `count` bytes of text: a control
    /// character becomes six (`\u001f`), and so do the three of U+2028.
    static func jsonRoom(_ count: Int) -> Int { 6 * count + 2 }

    /// UTF-8 text as a JSON string, escaped as `JSONString.quote` escapes it. Text that is not
    /// valid UTF-8 (which the reader lets through only where it does not check) is decoded,
    /// as `String(decoding:)` does, before it is quoted.
    mutating func put(jsonString field: UnsafeBufferPointer<UInt8>) {
        if field.contains(where: { $0 >= 0x80 }), CSVEncoding.firstInvalidUTF8Offset(in: field) != nil {
            for b in JSONString.quote(String(decoding: field, as: UTF8.self)).utf8 { put(b) }
            return
        }
        put(UInt8(ascii: "\""))
        var i = 0
        let n = field.count
        while i < n {
            let b = field[i]
            i += 1
            switch b {
            case UInt8(ascii: "\""): put("\\\"")
            case UInt8(ascii: "\\"): put("\\\\")
            case 10: put("\\n")
            case 13: put("\\r")
            case 9: put("\\t")
            case 8: put("\\b")
            case 12: put("\\f")
            case 0..<0x20:
                put("\\u00")
                put(Self.hex[Int(b >> 4)])
                put(Self.hex[Int(b & 15)])
            case 0xE2 where i + 1 < n && field[i] == 0x80 && (field[i + 1] == 0xA8 || field[i + 1] == 0xA9):
                put(field[i + 1] == 0xA8 ? "\\u2028" : "\\u2029")
                i += 2
            default: put(b)
            }
        }
        put(UInt8(ascii: "\""))
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)
}
