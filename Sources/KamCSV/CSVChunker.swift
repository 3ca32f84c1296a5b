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
        precondition(targetSize > 0, "chunks must have a positive size")
        let n = bytes.count
        guard let p = bytes.baseAddress, n > 0 else { return [] }
        let LF: UInt8 = 10
        let CR: UInt8 = 13
        let delim = dialect.delimiter
        let quote = dialect.quote
        var start = n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF ? 3 : 0
        var chunks: [CSVChunk] = []
        var line = 1
        var chunkLine = 1
        var i = start
        var atFieldStart = true
        while i < n {
            var b = p[i]
            if b == quote && atFieldStart {
                // Inside quotes only a quote ends anything; line ends still count as lines.
                i += 1
                while true {
                    while i < n {
                        b = p[i]
                        if b == quote { break }
                        if b <= CR {
                            if b == CR || (b == LF && p[i - 1] != CR) { line += 1 }
                        }
                        i += 1
                    }
                    // A doubled quote stays inside; otherwise the field is closed and what
                    // follows reads as unquoted text up to the next delimiter or line end.
                    if i + 1 < n && p[i + 1] == quote { i += 2; continue }
                    break
                }
                i += 1
                atFieldStart = false
                continue
            }
            // Unquoted text: skip to the next delimiter or line end in a tight loop.
            while i < n {
                b = p[i]
                if b == delim || (b <= CR && (b == LF || b == CR)) { break }
                i += 1
                atFieldStart = false
            }
            if i == n { break }
            atFieldStart = true
            if b != delim {
                line += 1
                if b == CR && i + 1 < n && p[i + 1] == LF { i += 1 }
                if i + 1 - start >= targetSize && i + 1 < n {
                    chunks.append(CSVChunk(range: start..<(i + 1), firstLine: chunkLine))
                    start = i + 1
                    chunkLine = line
                }
            }
            i += 1
        }
        if start < n { chunks.append(CSVChunk(range: start..<n, firstLine: chunkLine)) }
        return chunks
    }
}

extension CSVChunker {
    /// Like `split`, for a buffer that may end inside a record (a block read from a stream):
    /// pieces are cut only after complete records, and `consumed` says where the complete
    /// records end, so the caller carries the rest over to the next block. A line end as the
    /// buffer's very last byte is a CR that may yet be followed by LF, so it is left over too.
    /// With `final`, the buffer is the end of the input and everything is consumed.
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
        var chunks: [CSVChunk] = []
        var start = 0, line = firstLine, chunkLine = firstLine
        var lastEnd = 0, lastEndLine = firstLine
        var i = 0
        var atFieldStart = true
        scan: while i < n {
            var b = p[i]
            if b == quote && atFieldStart {
                i += 1
                while true {
                    while i < n {
                        b = p[i]
                        if b == quote { break }
                        if b <= CR {
                            if b == CR || (b == LF && p[i - 1] != CR) { line += 1 }
                        }
                        i += 1
                    }
                    if i >= n { break scan }  // the quoted field runs past this buffer
                    if i + 1 < n && p[i + 1] == quote { i += 2; continue }
                    if i + 1 == n && !final { break scan }  // a doubled quote may follow
                    break
                }
                i += 1
                atFieldStart = false
                continue
            }
            while i < n {
                b = p[i]
                if b == delim || (b <= CR && (b == LF || b == CR)) { break }
                i += 1
                atFieldStart = false
            }
            if i == n { break }
            atFieldStart = true
            if b != delim {
                if b == CR && i + 1 == n && !final { break }  // CR, and maybe LF in the next block
                line += 1
                if b == CR && i + 1 < n && p[i + 1] == LF { i += 1 }
                lastEnd = i + 1
                lastEndLine = line
                if lastEnd - start >= targetSize {
                    chunks.append(CSVChunk(range: start..<lastEnd, firstLine: chunkLine))
                    start = lastEnd
                    chunkLine = line
                }
            }
            i += 1
        }
        if final {
            if start < n { chunks.append(CSVChunk(range: start..<n, firstLine: chunkLine)) }
            return (chunks, n, line)
        }
        if start < lastEnd { chunks.append(CSVChunk(range: start..<lastEnd, firstLine: chunkLine)) }
        return (chunks, lastEnd, lastEndLine)
    }
}
