#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif

/// Numbers as people type them into spreadsheets (`1 234 567,89 ₽`, `$1,200`, `12,5%`),
/// parsed straight from field bytes without building a String, because every numeric cell
/// of every row goes through here.
public enum CSVNumber {
    /// The value of a numeric cell, or nil when the cell is not a finite number.
    ///
    /// - A trailing `%` is dropped and the number kept as written (`12%` is 12): only the
    ///   caller knows whether the column means 12 or 0.12.
    /// - A currency sign or code may come before or after the number, with or without a
    ///   space: `$ € £ ₽ ¥`, `руб`, `руб.`, `RUB`, `USD`, `EUR`.
    /// - Thousands separators are only accepted between groups of exactly three digits, so a
    ///   `1,5` read with a `.` decimal dialect is rejected rather than read as 15.
    /// - NaN, infinities and overflow (`1e400`) give nil; underflow gives zero.
    ///
    /// Results are correctly rounded: short inputs take Clinger's exact fast path (at most 15
    /// significant digits and a power of ten that a Double holds exactly), and the rest go
    /// to `strtod` on a cleaned copy holding only digits and an exponent, which sidesteps
    /// the C locale's idea of a decimal point.
    ///
    /// Inlined where it is called, with the common case (`plain`): the filler reads nine of
    /// every ten numbers of a batch through it, and a call into this module cost each number
    /// about a fifth of its reading.
    @inlinable
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>, dialect: CSVDialect = .comma) -> Double? {
        guard let p = bytes.baseAddress else { return nil }
        if let x = plain(p, 0, bytes.count, dialect.decimalSeparator) { return x }
        return general(p, 0, bytes.count, dialect)
    }

    public static func parse(_ bytes: some Collection<UInt8>, dialect: CSVDialect = .comma) -> Double? {
        if let result = bytes.withContiguousStorageIfAvailable({ parse($0, dialect: dialect) }) { return result }
        return Array(bytes).withUnsafeBufferPointer { parse($0, dialect: dialect) }
    }

    public static func parse(_ text: String, dialect: CSVDialect = .comma) -> Double? {
        var text = text
        return text.withUTF8 { parse($0, dialect: dialect) }
    }

    /// Field `i` of `record` as a number.
    public static func parse(_ record: CSVRecord, at i: Int, dialect: CSVDialect = .comma) -> Double? {
        record.withUnsafeField(i) { parse($0, dialect: dialect) }
    }

    // MARK: Trimming the decorations

    /// Everything but the common case: decorations trimmed, then the number itself.
    @usableFromInline
    static func general(_ p: UnsafePointer<UInt8>, _ start: Int, _ stop: Int, _ dialect: CSVDialect) -> Double? {
        var lo = start
        var hi = stop
        trim(p, &lo, &hi)
        if lo < hi && p[hi - 1] == UInt8(ascii: "%") {
            hi -= 1
            trim(p, &lo, &hi)
        }
        var negative = false
        var signed = false
        if readSign(p, &lo, hi, &negative) { signed = true; trim(p, &lo, &hi) }
        if stripCurrencyPrefix(p, &lo, hi) {
            trim(p, &lo, &hi)
            if !signed && readSign(p, &lo, hi, &negative) { trim(p, &lo, &hi) }
        }
        if stripCurrencySuffix(p, lo, &hi) { trim(p, &lo, &hi) }
        guard lo < hi else { return nil }
        guard let magnitude = parseUnsigned(p, lo, hi, dialect) else { return nil }
        return negative ? -magnitude : magnitude
    }

    @inline(__always)
    private static func spaceLength(_ p: UnsafePointer<UInt8>, _ i: Int, _ hi: Int) -> Int {
        let b = p[i]
        if b == 32 || b == 9 { return 1 }
        if b == 0xC2 && i + 1 < hi && p[i + 1] == 0xA0 { return 2 }
        if b == 0xE2 && i + 2 < hi && p[i + 1] == 0x80 && p[i + 2] == 0xAF { return 3 }
        return 0
    }

    @inline(__always)
    private static func trim(_ p: UnsafePointer<UInt8>, _ lo: inout Int, _ hi: inout Int) {
        while lo < hi {
            let k = spaceLength(p, lo, hi)
            if k == 0 { break }
            lo += k
        }
        while hi > lo {
            let b = p[hi - 1]
            if b == 32 || b == 9 { hi -= 1 }
            else if b == 0xA0 && hi - 2 >= lo && p[hi - 2] == 0xC2 { hi -= 2 }
            else if b == 0xAF && hi - 3 >= lo && p[hi - 2] == 0x80 && p[hi - 3] == 0xE2 { hi -= 3 }
            else { break }
        }
    }

    /// `+`, `-`, or U+2212 MINUS SIGN, which typeset reports use.
    @inline(__always)
    private static func readSign(_ p: UnsafePointer<UInt8>, _ lo: inout Int, _ hi: Int, _ negative: inout Bool) -> Bool {
        guard lo < hi else { return false }
        if p[lo] == UInt8(ascii: "-") { negative = true; lo += 1; return true }
        if p[lo] == UInt8(ascii: "+") { lo += 1; return true }
        if p[lo] == 0xE2 && lo + 2 < hi && p[lo + 1] == 0x88 && p[lo + 2] == 0x92 { negative = true; lo += 3; return true }
        return false
    }

    private static let currencies: [[UInt8]] = [
        Array("руб.".utf8), Array("руб".utf8), Array("RUB".utf8), Array("USD".utf8), Array("EUR".utf8),
        Array("€".utf8), Array("₽".utf8), Array("£".utf8), Array("¥".utf8), Array("$".utf8),
    ]

    /// Whether `token` sits at `p[at...]`, ignoring ASCII case.
    @inline(__always)
    private static func matches(_ token: [UInt8], _ p: UnsafePointer<UInt8>, at: Int) -> Bool {
        for (k, t) in token.enumerated() {
            var b = p[at + k]
            if b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z") { b -= 32 }
            if b != t { return false }
        }
        return true
    }

    @inline(__always)
    private static func stripCurrencyPrefix(_ p: UnsafePointer<UInt8>, _ lo: inout Int, _ hi: Int) -> Bool {
        // Digits are by far the common case; a currency never starts with one.
        guard lo < hi else { return false }
        let first = p[lo]
        if first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9") { return false }
        for token in currencies where hi - lo >= token.count && matches(token, p, at: lo) {
            lo += token.count
            return true
        }
        return false
    }

    @inline(__always)
    private static func stripCurrencySuffix(_ p: UnsafePointer<UInt8>, _ lo: Int, _ hi: inout Int) -> Bool {
        guard hi > lo else { return false }
        let last = p[hi - 1]
        if last >= UInt8(ascii: "0") && last <= UInt8(ascii: "9") { return false }
        for token in currencies where hi - lo >= token.count && matches(token, p, at: hi - token.count) {
            hi -= token.count
            return true
        }
        return false
    }

    // MARK: The number itself

    /// The common case on its own: an optional `-`, at most fifteen digits and at most one
    /// decimal mark between them, nothing else; nil for anything more, which the general
    /// reader then takes. The value is the one it gives: digits below 2^53 divided by an
    /// exact power of ten, correctly rounded.
    @inlinable @inline(__always)
    static func plain(_ p: UnsafePointer<UInt8>, _ start: Int, _ stop: Int, _ decimal: UInt8) -> Double? {
        var i = start
        let negative = i < stop && p[i] == UInt8(ascii: "-")
        if negative { i += 1 }
        var mantissa: UInt64 = 0
        // The whole part, then the fraction after one decimal mark: two loops, so that a digit
        // costs no more than its own reading.
        let wholeStart = i
        while i < stop {
            let d = p[i] &- UInt8(ascii: "0")
            guard d < 10 else { break }
            mantissa = mantissa &* 10 &+ UInt64(d)
            i += 1
        }
        let whole = i - wholeStart
        guard whole > 0 else { return nil }
        var fraction = 0
        if i < stop {
            guard p[i] == decimal else { return nil }
            i += 1
            let fractionStart = i
            while i < stop {
                let d = p[i] &- UInt8(ascii: "0")
                guard d < 10 else { return nil }
                mantissa = mantissa &* 10 &+ UInt64(d)
                i += 1
            }
            fraction = i - fractionStart
            guard fraction > 0 else { return nil }
        }
        guard whole + fraction <= 15 else { return nil }
        let value = fraction > 0 ? Double(mantissa) / exactPowerOfTen(fraction) : Double(mantissa)
        return negative ? -value : value
    }

    /// 10^k for k in 1...15, which a Double holds exactly: a switch, not a table, because a
    /// static array reached from another module goes through its lazy initialiser.
    @inlinable @inline(__always)
    static func exactPowerOfTen(_ k: Int) -> Double {
        switch k {
        case 1: 1e1
        case 2: 1e2
        case 3: 1e3
        case 4: 1e4
        case 5: 1e5
        case 6: 1e6
        case 7: 1e7
        case 8: 1e8
        case 9: 1e9
        case 10: 1e10
        case 11: 1e11
        case 12: 1e12
        case 13: 1e13
        case 14: 1e14
        default: 1e15
        }
    }

    private static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// Digits with optional grouping, decimal mark and exponent, and nothing else.
    private static func parseUnsigned(_ p: UnsafePointer<UInt8>, _ lo: Int, _ hi: Int, _ dialect: CSVDialect) -> Double? {
        let decimal = dialect.decimalSeparator
        let otherMark: UInt8 = decimal == UInt8(ascii: ".") ? UInt8(ascii: ",") : UInt8(ascii: ".")
        let groups = dialect.thousandsSeparators
        var mantissa: UInt64 = 0
        var significant = 0
        var truncated = false
        var scale = 0  // power of ten the mantissa is off by
        var digitsSeen = 0
        var groupDigits = 0
        var grouped = false
        var i = lo

        // Integer part, possibly grouped in threes.
        while i < hi {
            let b = p[i]
            let d = b &- UInt8(ascii: "0")
            if d < 10 {
                accumulate(d, &mantissa, &significant, &truncated)
                if overflowed(significant) { scale += 1 }
                digitsSeen += 1
                groupDigits += 1
                i += 1
                continue
            }
            var separatorLength = 0
            if b == otherMark && groups.contains(.otherMark) { separatorLength = 1 }
            else if b == 32 && groups.contains(.space) { separatorLength = 1 }
            else if b == UInt8(ascii: "'") && groups.contains(.apostrophe) { separatorLength = 1 }
            else if b == 0xC2 && i + 1 < hi && p[i + 1] == 0xA0 && groups.contains(.noBreakSpace) { separatorLength = 2 }
            else if b == 0xE2 && i + 2 < hi && p[i + 1] == 0x80 && p[i + 2] == 0xAF && groups.contains(.narrowNoBreakSpace) { separatorLength = 3 }
            if separatorLength == 0 { break }
            // The first group has one to three digits, every later one exactly three.
            if grouped ? groupDigits != 3 : (groupDigits == 0 || groupDigits > 3) { return nil }
            grouped = true
            groupDigits = 0
            i += separatorLength
        }
        if grouped && groupDigits != 3 { return nil }

        // Fraction.
        if i < hi && p[i] == decimal {
            i += 1
            while i < hi {
                let d = p[i] &- UInt8(ascii: "0")
                if d >= 10 { break }
                accumulate(d, &mantissa, &significant, &truncated)
                if !overflowed(significant) { scale -= 1 }
                digitsSeen += 1
                i += 1
            }
        }
        guard digitsSeen > 0 else { return nil }

        // Exponent.
        var exponent = 0
        if i < hi && (p[i] == UInt8(ascii: "e") || p[i] == UInt8(ascii: "E")) {
            i += 1
            var negativeExponent = false
            if i < hi && (p[i] == UInt8(ascii: "-") || p[i] == UInt8(ascii: "+")) {
                negativeExponent = p[i] == UInt8(ascii: "-")
                i += 1
            }
            var expDigits = 0
            while i < hi {
                let d = p[i] &- UInt8(ascii: "0")
                if d >= 10 { break }
                if exponent < 100_000 { exponent = exponent * 10 + Int(d) }
                expDigits += 1
                i += 1
            }
            if expDigits == 0 { return nil }
            if negativeExponent { exponent = -exponent }
        }
        guard i == hi else { return nil }

        if mantissa == 0 && !truncated { return 0 }
        let power = scale + exponent
        if !truncated && significant <= 15 {
            let m = Double(mantissa)
            if power == 0 { return m }
            if power > 0 && power <= 22 { return m * powersOfTen[power] }
            if power < 0 && power >= -22 { return m / powersOfTen[-power] }
            // Still exact when the excess power fits into the mantissa's spare digits.
            if power > 22 && power - 22 + significant <= 15 {
                return m * powersOfTen[power - 22] * 1e22
            }
        }
        return slowPath(p, lo, hi, decimal: decimal, exponent: exponent)
    }

    /// Significant digits past 19 no longer fit in the mantissa; they only move the scale.
    @inline(__always)
    private static func overflowed(_ significant: Int) -> Bool { significant > 19 }

    @inline(__always)
    private static func accumulate(_ d: UInt8, _ mantissa: inout UInt64, _ significant: inout Int, _ truncated: inout Bool) {
        if significant == 0 && d == 0 { return }  // a leading zero carries no information
        significant += 1
        if significant <= 19 {
            mantissa = mantissa &* 10 &+ UInt64(d)
        } else if d != 0 {
            truncated = true
        }
    }

    /// Hands the digits (separators dropped) and a recomputed exponent to `strtod`.
    private static func slowPath(_ p: UnsafePointer<UInt8>, _ lo: Int, _ hi: Int, decimal: UInt8, exponent: Int) -> Double? {
        let value: Double = withUnsafeTemporaryAllocation(of: CChar.self, capacity: hi - lo + 24) { buffer in
            var n = 0
            var fractionDigits = 0
            var inFraction = false
            var i = lo
            while i < hi {
                let b = p[i]
                if b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") {
                    buffer[n] = CChar(bitPattern: b)
                    n += 1
                    if inFraction { fractionDigits += 1 }
                } else if b == decimal {
                    inFraction = true
                } else if b == UInt8(ascii: "e") || b == UInt8(ascii: "E") {
                    break
                }
                i += 1
            }
            buffer[n] = CChar(bitPattern: UInt8(ascii: "e"))
            n += 1
            for c in String(exponent - fractionDigits).utf8 {
                buffer[n] = CChar(bitPattern: c)
                n += 1
            }
            buffer[n] = 0
            return strtod(buffer.baseAddress!, nil)
        }
        return value.isFinite ? value : nil
    }
}
