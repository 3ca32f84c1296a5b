/// One piece of a buffer that ends on a record boundary, with the line it starts on so
/// errors and record positions from a worker match a sequential read.
public struct CSVChunk: Sendable, Equatable {
    public var range: Range<Int>
    public var firstLine: Int

    public init(range: Range<Int>, firstLine: Int) {
        self.range = range
        self.firstLine = firstLine
    }
}

/// Cuts an in-memory UTF-8 buffer into pieces at record boundaries so that workers can
/// parse them in parallel. Finding a boundary means knowing whether a line end is inside
/// quotes, and that depends on everything before it, so this is one sequential pass; it
/// only classifies bytes (no copying, no field bookkeeping), which keeps it several times
/// faster than parsing. Quotes follow the reader's rules exactly (one only opens a field
/// when it is the field's first byte), so the pieces read back identically.
public enum CSVChunker {
    /// Pieces of about `targetSize` bytes (each runs on to the next record boundary). A
    /// leading UTF-8 byte-order mark is left out of the first piece.
    public static func split(_ bytes: [UInt8], dialect: CSVDialect, targetSize: Int) -> [CSVChunk] {
        bytes.withUnsafeBufferPointer { split($0, dialect: dialect, targetSize: targetSize) }
    }

    public static func split(_ bytes: UnsafeBufferPointer<UInt8>, dialect: CSVDialect, targetSize: Int) -> [CSVChunk] {
        let bom = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0
        let (chunks, _, _) = splitComplete(
            UnsafeBufferPointer(rebasing: bytes[bom...]), dialect: dialect, targetSize: targetSize, firstLine: 1, final: true)
        return chunks.map { CSVChunk(range: ($0.range.lowerBound + bom)..<($0.range.upperBound + bom), firstLine: $0.firstLine) }
    }
}

extension CSVChunker {
    /// Like `split`, for a buffer that may end inside a record (a block read from a stream):
    /// pieces are cut only after complete records, and `consumed` says where the complete
    /// records end, so the caller carries the rest over to the next block. A line end as the
    /// buffer's very last byte is a CR that may yet be followed by LF, so it is left over too.
    /// With `final`, the buffer is the end of the input and everything is consumed.
    ///
    /// Only quotes and line ends matter here, so it jumps from one to the next, sixteen bytes
    /// at a time. A quote opens a quoted field when it is a field's first byte, which is when
    /// the byte before it is a delimiter or a line end (or it starts the buffer, which starts a
    /// record): the reader's own rule, without tracking every delimiter.
    public static func splitComplete(
        _ bytes: UnsafeBufferPointer<UInt8>, dialect: CSVDialect, targetSize: Int, firstLine: Int, final: Bool
    ) -> (chunks: [CSVChunk], consumed: Int, nextLine: Int) {
        precondition(targetSize > 0, "chunks must have a positive size")
        let n = bytes.count
        guard let p = bytes.baseAddress, n > 0 else { return ([], 0, firstLine) }
        let LF: UInt8 = 10
        let CR: UInt8 = 13
        let delim = dialect.delimiter
        let quote = dialect.quote
        @inline(__always) func nextSpecial(_ start: Int) -> Int { ByteSearch.quoteOrLineEnd(p, from: start, to: n, quote: quote) }

        var chunks: [CSVChunk] = []
        var start = 0, line = firstLine, chunkLine = firstLine
        var lastEnd = 0, lastEndLine = firstLine
        var i = 0
        scan: while i < n {
            let j = nextSpecial(i)
            if j == n { break }
            let b = p[j]
            if b == quote {
                let opens = j == 0 || p[j - 1] == delim || p[j - 1] == LF || p[j - 1] == CR
                guard opens else {
                    i = j + 1  // a quote inside unquoted text is just a character
                    continue
                }
                // Inside quotes only a quote ends anything; line ends still count as lines.
                var k = j + 1
                while true {
                    k = nextSpecial(k)
                    if k >= n { break scan }  // the quoted field runs past this buffer
                    let c = p[k]
                    if c == quote {
                        if k + 1 < n && p[k + 1] == quote { k += 2; continue }
                        if k + 1 == n && !final { break scan }  // a doubled quote may follow
                        break
                    }
                    if c == CR || p[k - 1] != CR { line += 1 }
                    k += 1
                }
                i = k + 1
                continue
            }
            // A line end outside quotes ends a record.
            if b == CR && j + 1 == n && !final { break }  // CR, and maybe LF in the next block
            line += 1
            var end = j
            if b == CR && j + 1 < n && p[j + 1] == LF { end += 1 }
            lastEnd = end + 1
            lastEndLine = line
            if lastEnd - start >= targetSize {
                chunks.append(CSVChunk(range: start..<lastEnd, firstLine: chunkLine))
                start = lastEnd
                chunkLine = line
            }
            i = end + 1
        }
        if final {
            if start < n { chunks.append(CSVChunk(range: start..<n, firstLine: chunkLine)) }
            return (chunks, n, line)
        }
        if start < lastEnd { chunks.append(CSVChunk(range: start..<lastEnd, firstLine: chunkLine)) }
        return (chunks, lastEnd, lastEndLine)
    }
}
