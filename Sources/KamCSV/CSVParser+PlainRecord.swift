/// The usual record of a machine-written export, read in one go: unquoted fields on one line,
/// in the input at hand. The state machine takes each field through several phases and
/// checks, about 135 instructions a field; here eight bytes at a time are searched for every
/// delimiter, quote and line end at once, and each field is copied a word at a time.
///
/// At a field that opens with a quote the state machine takes over, with the fields before it
/// read: it goes on from `.fieldStart` as if it had read them itself. (Reading simple quoted
/// fields here too cost every field more than it saved on the fifth of the benchmark's rows
/// that have one.) Anything else is left to the machine whole, with nothing consumed: a blank
/// line, a quote inside an unquoted field, a record the input cuts, a field or record over the
/// limits, buffers short of room. So the answer is always the state machine's.
extension CSVParser {
    enum Plain {
        /// Nothing consumed: the state machine reads the record.
        case none
        /// A whole record; `ascii` when every byte of it is ASCII and none is NUL, so it is
        /// valid UTF-8 with no further look.
        case record(ascii: Bool)
        /// The fields before a quoted one are read; the state machine goes on from its quote.
        case started
    }

    /// Reads one plain record, or its fields up to a quoted one it leaves to `step`, from
    /// `input[pos...]`, as `step` would.
    mutating func plainRecord(
        input: UnsafeBufferPointer<UInt8>, pos: inout Int, base: Int,
        out: UnsafeMutableBufferPointer<UInt8>, outLen: inout Int,
        ends: UnsafeMutableBufferPointer<Int>, endCount: inout Int
    ) -> Plain {
        let n = input.count
        guard phase == .recordStart, pos < n, let p = input.baseAddress, let q = out.baseAddress, let e0 = ends.baseAddress else {
            return .none
        }
        let start = pos
        guard p[start] != 10 && p[start] != 13 else { return .none }
        let delim = delimiter, quote = self.quote
        let endsCap = ends.count, maxField = maxFieldBytes
        // The output never runs ahead of the input (it drops the delimiters), so a field
        // ending here or before has room for the two words its copy writes at least.
        let roomEnd = start + out.count - 16
        let wordsEnd = n - 16
        var o = 0, e = 0
        var fieldStart = start

        // Copies `p[fieldStart..<stop]` after the fields before it and ends the field there.
        @inline(__always)
        func endField(at stop: Int) -> Bool {
            let length = stop - fieldStart
            guard stop <= roomEnd, length <= maxField, e < endsCap else { return false }
            if stop <= wordsEnd {
                // Whole words, two at least, so that most fields take no branch: the bytes
                // past the field are overwritten by the next one.
                ByteSearch.copySixteen(p + fieldStart, to: q + o)
                var k = 16
                while k < length {
                    UnsafeMutableRawPointer(q + o + k).storeBytes(of: UnsafeRawPointer(p + fieldStart + k).loadUnaligned(as: UInt64.self), as: UInt64.self)
                    k += 8
                }
            } else {
                for k in 0..<length { q[o + k] = p[fieldStart + k] }
            }
            o += length
            e0[e] = o
            e += 1
            fieldStart = stop + 1
            return true
        }

        // Every word's bytes or'ed (past the record's end too, which can only say no), and
        // whether a control byte other than the line end was met (NUL is one).
        var bits: UInt64 = 0
        var control = false
        var i = start
        while i < n {
            var marks: UInt64
            let width: Int
            if i + 8 <= n {
                let w = UInt64(littleEndian: UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self))
                bits |= w
                marks = Self.marks(w, delim, quote)
                width = 8
            } else {
                // The input's last few bytes: the same marks, a byte at a time.
                marks = 0
                width = n - i
                for k in 0..<width {
                    let b = p[i + k]
                    bits |= UInt64(b)
                    if b == delim || b == quote || b < 14 { marks |= 0x80 << (8 * UInt64(k)) }
                }
            }
            while marks != 0 {
                let k = i + marks.trailingZeroBitCount >> 3
                marks &= marks &- 1
                let b = p[k]
                if b == delim {
                    guard endField(at: k) else { return .none }
                } else if b == 10 || b == 13 {
                    guard endField(at: k) else { return .none }
                    // A record ends at its CR, as the state machine ends it, so the reader
                    // stands where the machine would (an error quotes what follows); the LF
                    // of a CRLF is passed over before the next record (`passLF`).
                    if b == 13 { phase = .afterCR }
                    recordLine = line
                    recordOffset = base + start
                    line += 1
                    pos = k + 1
                    outLen = o
                    endCount = e
                    return .record(ascii: bits & 0x8080_8080_8080_8080 == 0 && !control)
                } else if b == quote {
                    // A quote opens a field only as its first byte; elsewhere the state
                    // machine decides what it means (text, or an error when strict).
                    guard k == fieldStart else { return .none }
                    phase = .fieldStart
                    recordLine = line
                    recordOffset = base + start
                    pos = k
                    outLen = o
                    endCount = e
                    return .started
                } else {
                    // Any other byte below 14 is text.
                    control = true
                }
            }
            i += width
        }
        // The input ends inside the record.
        return .none
    }

    /// After a record that ended at CR, the LF that may follow it: passed over, as the state
    /// machine passes it, so that the next record can be a plain one.
    mutating func passLF(_ input: UnsafeBufferPointer<UInt8>, pos: inout Int) {
        guard phase == .afterCR, pos < input.count else { return }
        if input[pos] == 10 { pos += 1 }
        phase = .recordStart
    }

    /// The high bit of each byte of `w` that is the delimiter, the quote, or below 14 (LF, CR
    /// and the other control bytes, which the caller tells apart). Exact for every byte: the
    /// sums stay within each byte, so no borrow marks a neighbour.
    @inline(__always)
    static func marks(_ w: UInt64, _ delimiter: UInt8, _ quote: UInt8) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let low7 = ones &* 0x7F, high = ones &* 0x80
        // High bit set where a byte is not zero.
        @inline(__always) func nonZero(_ x: UInt64) -> UInt64 { ((x & low7) &+ low7) | x }
        // High bit set where a byte is 14 or more.
        let notControl = ((w & low7) &+ ones &* (0x80 - 14)) | w
        return ~(notControl & nonZero(w ^ (ones &* UInt64(delimiter))) & nonZero(w ^ (ones &* UInt64(quote)))) & high
    }
}
