extension CSVDialect {
    /// Guesses the dialect from the first lines of a file. `delimiter` fixes the delimiter
    /// and leaves only the decimal separator to guess, so a caller's override still gets a
    /// sensible number format.
    public static func sniff(sample: some Collection<UInt8>, delimiter: UInt8? = nil) -> CSVDialect {
        let bytes = Array(sample.prefix(64 << 10))
        let lines = CSVSniffer.splitLines(bytes, maxLines: 50)
        let chosen = delimiter ?? CSVSniffer.bestDelimiter(lines: lines)
        var dialect = CSVDialect(delimiter: chosen)
        if chosen == UInt8(ascii: ";") || chosen == 9 || chosen == UInt8(ascii: "|") {
            if CSVSniffer.prefersDecimalComma(lines: lines, delimiter: chosen) {
                dialect.decimalSeparator = UInt8(ascii: ",")
            }
        }
        return dialect
    }
}

/// The counting behind `CSVDialect.sniff`, kept apart from the dialect's definition.
enum CSVSniffer {
    /// Splits at line ends outside quotes. A last line with no line end is dropped when
    /// others exist, since a sample usually cuts a line short.
    static func splitLines(_ bytes: [UInt8], maxLines: Int) -> [ArraySlice<UInt8>] {
        var lines: [ArraySlice<UInt8>] = []
        var start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var inQuotes = false
        var i = start
        while i < bytes.count && lines.count < maxLines {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") {
                inQuotes.toggle()
            } else if !inQuotes && (b == 10 || b == 13) {
                if i > start { lines.append(bytes[start..<i]) }
                if b == 13 && i + 1 < bytes.count && bytes[i + 1] == 10 { i += 1 }
                start = i + 1
            }
            i += 1
        }
        if lines.isEmpty && start < bytes.count {
            lines.append(bytes[start..<bytes.count])
        }
        return lines
    }

    static func fieldCount(_ line: ArraySlice<UInt8>, delimiter: UInt8) -> Int {
        var count = 1
        var inQuotes = false
        for b in line {
            if b == UInt8(ascii: "\"") { inQuotes.toggle() } else if b == delimiter && !inQuotes { count += 1 }
        }
        return count
    }

    /// The delimiter whose most common field count (>1) covers the most lines; ties go to
    /// the earlier candidate, so `,` wins when nothing speaks against it.
    static func bestDelimiter(lines: [ArraySlice<UInt8>]) -> UInt8 {
        var best = UInt8(ascii: ",")
        var bestScore = 0
        for delimiter in CSVDialect.candidateDelimiters {
            var histogram: [Int: Int] = [:]
            for line in lines { histogram[fieldCount(line, delimiter: delimiter), default: 0] += 1 }
            guard let (fields, lineCount) = histogram.max(by: { ($0.value, $0.key) < ($1.value, $1.key) }),
                  fields > 1 else { continue }
            // Consistent lines count most; wider rows break ties between equally consistent ones.
            let score = lineCount * 1_000_000 + min(fields, 999_999)
            if score > bestScore {
                best = delimiter
                bestScore = score
            }
        }
        return best
    }

    /// True when numeric-looking fields write `d,dd` more often than `d.dd`.
    static func prefersDecimalComma(lines: [ArraySlice<UInt8>], delimiter: UInt8) -> Bool {
        var commas = 0
        var points = 0
        for line in lines {
            for field in line.split(separator: delimiter, omittingEmptySubsequences: true) {
                switch decimalMark(of: field) {
                case UInt8(ascii: ","): commas += 1
                case UInt8(ascii: "."): points += 1
                default: break
                }
            }
        }
        return commas > points
    }

    /// The mark in a field like `-1 234,56 ₽` or `12.5%`: the last `.`/`,` between
    /// digits when it has digits after it and the stretch from the first digit to the last
    /// holds only digits, marks and spaces. A short decoration on either side (sign,
    /// currency, `%`) is allowed; longer text means the field is not a number.
    static func decimalMark(of field: ArraySlice<UInt8>) -> UInt8? {
        func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
        guard let first = field.firstIndex(where: isDigit), let last = field.lastIndex(where: isDigit) else { return nil }
        if first - field.startIndex > 8 || field.endIndex - last - 1 > 8 { return nil }
        var firstMark: UInt8?
        var lastMark: UInt8?
        var digitsAfterMark = 0
        var marks = 0
        for b in field[first...last] {
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                digitsAfterMark += 1
            case UInt8(ascii: "."), UInt8(ascii: ","):
                if firstMark == nil { firstMark = b }
                lastMark = b
                digitsAfterMark = 0
                marks += 1
            case 32, UInt8(ascii: "'"), 0xC2, 0xA0, 0xE2, 0x80, 0xAF:
                continue
            default:
                return nil
            }
        }
        guard let mark = lastMark else { return nil }
        // `1,234` alone could be either; only a group that is not three digits, or a
        // second mark before it, tells which one is decimal.
        if digitsAfterMark == 3 && marks == 1 { return nil }
        // A mark that repeats (`1,234,567`) groups thousands.
        if marks > 1 && firstMark == mark { return nil }
        return mark
    }
}
