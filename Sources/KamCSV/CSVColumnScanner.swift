/// Picks one or two columns out of every record of a chunk without parsing the rest: no
/// copying, no per-field bookkeeping. Batch scoring's portfolio passes need only the measure
/// and the id, so this keeps them several times cheaper than a full parse.
///
/// Records and fields are found by the reader's own rules (a quote opens a field only as its
/// first byte; doubled quotes inside; CR, LF or CRLF end a record). Where a record is not
/// regular enough to be sure of the same answer as the reader (text after a closing quote, an
/// unclosed quote), `scan` stops and returns false; the caller then drops what it collected
/// and reads the chunk with `CSVReader`.
public enum CSVColumnScanner {
    /// Calls `body` with each record's two wanted fields (nil where the record is shorter), in
    /// order, and returns true; or returns false, part way, when the chunk needs the full
    /// reader. Quoted values are unescaped into a scratch buffer.
    public static func scan(
        _ bytes: UnsafeBufferPointer<UInt8>, chunk: CSVChunk, dialect: CSVDialect, columns: (Int, Int),
        _ body: (UnsafeBufferPointer<UInt8>?, UnsafeBufferPointer<UInt8>?) -> Void
    ) -> Bool {
        guard let p = bytes.baseAddress else { return true }
        let quote = dialect.quote, delim = dialect.delimiter
        let LF: UInt8 = 10, CR: UInt8 = 13
        var scratch: [[UInt8]] = [[], []]
        var i = chunk.range.lowerBound
        let end = chunk.range.upperBound
        let last = max(columns.0, columns.1)
        while i < end {
            var column = 0
            // Start, end, and whether a doubled quote is inside, for the two wanted fields.
            var first: (Int, Int, Bool)?, second: (Int, Int, Bool)?
            while true {
                var start = i, stop = i, doubled = false
                if i < end && p[i] == quote {
                    i += 1
                    start = i
                    while true {
                        i = ByteSearch.firstOf(p, from: i, to: end, quote, quote)
                        while i < end && p[i] != quote { i += 1 }  // past a line end inside the quotes
                        if i >= end { return false }  // unclosed: the reader decides what it is
                        if i + 1 < end && p[i + 1] == quote { doubled = true; i += 2; continue }
                        break
                    }
                    stop = i
                    i += 1
                    // Text after the closing quote joins the field in the reader: leave it to it.
                    if i < end && p[i] != delim && p[i] != LF && p[i] != CR { return false }
                } else {
                    i = ByteSearch.firstOf(p, from: i, to: end, delim, delim)
                    stop = i
                }
                if column == columns.0 { first = (start, stop, doubled) }
                if column == columns.1 { second = (start, stop, doubled) }
                column += 1
                if i >= end { break }
                if p[i] == delim {
                    i += 1
                    if column > last {
                        // Both fields found: on to the record's end, from quote to quote.
                        guard let next = skipRecord(p, from: i, to: end, quote: quote, delimiter: delim) else { return false }
                        i = next
                        break
                    }
                    continue
                }
                if p[i] == CR && i + 1 < end && p[i + 1] == LF { i += 1 }
                i += 1
                break
            }
            if first?.2 != true && second?.2 != true {
                body(first.map { UnsafeBufferPointer(start: p + $0.0, count: $0.1 - $0.0) },
                     second.map { UnsafeBufferPointer(start: p + $0.0, count: $0.1 - $0.0) })
                continue
            }
            // A doubled quote inside: hand over the unescaped value instead.
            let found = [first, second]
            for k in 0..<2 {
                scratch[k].removeAll(keepingCapacity: true)
                guard let (s, e, doubled) = found[k] else { continue }
                var j = s
                while j < e {
                    scratch[k].append(p[j])
                    // Only a quoted field holds doubled quotes; elsewhere a quote is itself.
                    j += doubled && p[j] == quote ? 2 : 1
                }
            }
            scratch[0].withUnsafeBufferPointer { x in
                scratch[1].withUnsafeBufferPointer { y in
                    body(found[0] == nil ? nil : x, found[1] == nil ? nil : y)
                }
            }
        }
        return true
    }

    /// Where the record that goes on at `start` (a field's first byte) ends, past its line
    /// end; nil where the reader must decide (an unclosed quote, text after a closing one).
    private static func skipRecord(_ p: UnsafePointer<UInt8>, from start: Int, to end: Int, quote: UInt8, delimiter: UInt8) -> Int? {
        var i = start
        while true {
            let j = ByteSearch.quoteOrLineEnd(p, from: i, to: end, quote: quote)
            if j >= end { return end }
            if p[j] != quote { return p[j] == 13 && j + 1 < end && p[j + 1] == 10 ? j + 2 : j + 1 }
            // A quote opens a quoted field only as its first byte.
            guard j == start || p[j - 1] == delimiter else {
                i = j + 1
                continue
            }
            var k = j + 1
            while true {
                while k < end && p[k] != quote { k += 1 }
                if k >= end { return nil }
                if k + 1 < end && p[k + 1] == quote { k += 2; continue }
                break
            }
            k += 1
            if k < end && p[k] != delimiter && p[k] != 10 && p[k] != 13 { return nil }
            i = k
        }
    }
}
