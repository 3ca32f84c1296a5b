/// The byte state machine under every reader: no I/O, no allocation. It is fed whatever
/// input the caller has and writes unescaped bytes into caller-owned buffers, stopping when
/// a record is complete or when it needs more input or more room. Keeping all its state in
/// this struct is what lets the reader refill its block buffer in the middle of a quoted
/// field without keeping old blocks around.
struct CSVParser: Sendable {
    enum Phase: UInt8, Sendable {
        /// Nothing of the next record consumed yet.
        case recordStart
        /// A record just ended at CR; a following LF belongs to that line break.
        case afterCR
        /// At the first byte of a field.
        case fieldStart
        case unquoted
        case quoted
        /// A quote was seen inside a quoted field: either an escaped quote or the end.
        case quoteInQuoted
    }

    enum Step: Sendable {
        case record
        case needInput
        case outputFull
        case endsFull
        case end
        case failed(CSVError)
    }

    let delimiter: UInt8
    let quote: UInt8
    let skipBlankLines: Bool
    let strictQuotes: Bool
    let maxFieldBytes: Int

    var phase: Phase = .recordStart
    /// Physical line of the next input byte.
    var line: Int
    /// Whether the byte before the current buffer's first byte was CR, so a CRLF split
    /// across two blocks counts as one line break.
    var lastWasCR = false
    var recordLine = 0
    var recordOffset = 0
    var quoteLine = 0
    var quoteOffset = 0

    init(dialect: CSVDialect, skipBlankLines: Bool, strictQuotes: Bool, limits: CSVLimits, firstLine: Int = 1) {
        delimiter = dialect.delimiter
        quote = dialect.quote
        self.skipBlankLines = skipBlankLines
        self.strictQuotes = strictQuotes
        maxFieldBytes = limits.maxFieldBytes
        line = firstLine
    }

    /// Consumes `input[pos...]` (`base` is the absolute offset of `input[0]`) into `out` and
    /// `ends`, resuming where the previous call stopped. `eof` says no input follows.
    mutating func step(
        input: UnsafeBufferPointer<UInt8>, pos: inout Int, base: Int, eof: Bool,
        out: UnsafeMutableBufferPointer<UInt8>, outLen: inout Int,
        ends: UnsafeMutableBufferPointer<Int>, endCount: inout Int
    ) -> Step {
        let LF: UInt8 = 10
        let CR: UInt8 = 13
        let delim = delimiter
        let quote = self.quote
        let n = input.count
        let outCap = out.count
        let endsCap = ends.count
        // An empty buffer has no base address; any valid pointer serves since n == 0.
        let p = input.baseAddress ?? UnsafePointer(out.baseAddress!)
        let q = out.baseAddress!
        let e0 = ends.baseAddress!
        var i = pos
        var o = outLen
        var e = endCount
        var line = self.line
        var phase = self.phase
        var result: Step

        // Ends the current field; false when `ends` is full (nothing consumed then).
        @inline(__always)
        func endField() -> Bool {
            if e == endsCap { return false }
            e0[e] = o
            e += 1
            return true
        }

        // The exact field-size check, once per field rather than once per byte; the reader
        // also bounds buffer growth, so an endless field fails before memory runs out.
        @inline(__always)
        func oversized(at offset: Int) -> CSVError? {
            let start = e == 0 ? 0 : e0[e - 1]
            if o - start <= maxFieldBytes { return nil }
            return CSVError(.fieldTooLarge(limit: maxFieldBytes), line: recordLine, column: e + 1, byteOffset: offset)
        }

        outer: while true {
            switch phase {
            case .recordStart:
                if i == n { result = eof ? .end : .needInput; break outer }
                let b = p[i]
                if b == LF || b == CR {
                    if skipBlankLines {
                        i += 1
                        line += 1
                        phase = b == CR ? .afterCR : .recordStart
                        continue
                    }
                    // A blank line is a record of one empty field (the RFC 4180 grammar).
                    recordLine = line
                    recordOffset = base + i
                    guard endField() else { result = .endsFull; break outer }
                    i += 1
                    line += 1
                    phase = b == CR ? .afterCR : .recordStart
                    result = .record
                    break outer
                }
                recordLine = line
                recordOffset = base + i
                phase = .fieldStart

            case .afterCR:
                if i == n { result = eof ? .end : .needInput; break outer }
                if p[i] == LF { i += 1 }
                phase = .recordStart

            case .fieldStart:
                if i == n {
                    if !eof { result = .needInput; break outer }
                    // "a," at the end of input: the record ends with an empty field.
                    guard endField() else { result = .endsFull; break outer }
                    phase = .recordStart
                    result = .record
                    break outer
                }
                let b = p[i]
                if b == quote {
                    quoteLine = line
                    quoteOffset = base + i
                    i += 1
                    phase = .quoted
                } else if b == delim {
                    guard endField() else { result = .endsFull; break outer }
                    i += 1
                } else if b == LF || b == CR {
                    guard endField() else { result = .endsFull; break outer }
                    i += 1
                    line += 1
                    phase = b == CR ? .afterCR : .recordStart
                    result = .record
                    break outer
                } else {
                    phase = .unquoted
                }

            case .unquoted:
                // Field after field while each starts with plain text, the usual case: what
                // `.fieldStart` would decide, without going round the switch for it.
                while true {
                    let stop = Swift.min(n, i + (outCap - o))
                    let strictStop = strictQuotes ? quote : delim
                    (i, o) = ByteSearch.copyUntil(p, from: i, to: stop, delim, strictStop, into: q, at: o)
                    if i == stop {
                        if i < n { result = .outputFull; break outer }
                        if !eof { result = .needInput; break outer }
                        if let error = oversized(at: base + i) { result = .failed(error); break outer }
                        guard endField() else { result = .endsFull; break outer }
                        phase = .recordStart
                        result = .record
                        break outer
                    }
                    let b = p[i]
                    if strictQuotes && b == quote {
                        result = .failed(CSVError(.quoteInUnquotedField, line: line, column: e + 1, byteOffset: base + i))
                        break outer
                    }
                    if let error = oversized(at: base + i) { result = .failed(error); break outer }
                    guard endField() else { result = .endsFull; break outer }
                    i += 1
                    if b == delim {
                        if i < n {
                            let c = p[i]
                            if c != quote && c != delim && c != LF && c != CR { continue }
                        }
                        phase = .fieldStart
                        continue outer
                    } else {
                        line += 1
                        phase = b == CR ? .afterCR : .recordStart
                        result = .record
                        break outer
                    }
                }

            case .quoted:
                let stop = Swift.min(n, i + (outCap - o))
                // Line ends are counted below, byte by byte: the fast copy stops at them too,
                // and the loop goes on from there to the closing quote.
                (i, o) = ByteSearch.copyUntil(p, from: i, to: stop, quote, quote, into: q, at: o)
                while i < stop {
                    let b = p[i]
                    if b == quote { break }
                    if b <= CR {
                        if b == CR {
                            line += 1
                        } else if b == LF {
                            let prevCR = i > 0 ? p[i - 1] == CR : lastWasCR
                            if !prevCR { line += 1 }
                        }
                    }
                    q[o] = b
                    o += 1
                    i += 1
                }
                if i == stop {
                    if i < n { result = .outputFull; break outer }
                    if !eof { result = .needInput; break outer }
                    result = .failed(CSVError(
                        .unterminatedQuote, line: quoteLine, column: e + 1, byteOffset: quoteOffset))
                    break outer
                }
                i += 1
                phase = .quoteInQuoted

            case .quoteInQuoted:
                if i == n {
                    if !eof { result = .needInput; break outer }
                    if let error = oversized(at: base + i) { result = .failed(error); break outer }
                    guard endField() else { result = .endsFull; break outer }
                    phase = .recordStart
                    result = .record
                    break outer
                }
                let b = p[i]
                if b == quote {
                    if o == outCap { result = .outputFull; break outer }
                    q[o] = quote
                    o += 1
                    i += 1
                    phase = .quoted
                } else if b == delim || b == LF || b == CR {
                    if let error = oversized(at: base + i) { result = .failed(error); break outer }
                    guard endField() else { result = .endsFull; break outer }
                    i += 1
                    if b == delim {
                        phase = .fieldStart
                    } else {
                        line += 1
                        phase = b == CR ? .afterCR : .recordStart
                        result = .record
                        break outer
                    }
                } else if strictQuotes {
                    result = .failed(CSVError(
                        .quoteInUnquotedField, line: line, column: e + 1, byteOffset: base + i,
                        detail: "text follows the closing quote"))
                    break outer
                } else {
                    // Lenient, like most spreadsheets: `"a"b` reads as `ab`.
                    phase = .unquoted
                }
            }
        }

        pos = i
        outLen = o
        endCount = e
        self.line = line
        self.phase = phase
        return result
    }
}
