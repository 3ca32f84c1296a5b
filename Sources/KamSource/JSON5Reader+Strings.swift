/// JSON5 strings: either quote, the full escape set, line continuations, and the errors
/// that name the escape at fault.
extension JSON5Reader {
    mutating func readString() throws(Diagnostic) -> String {
        let start = position
        let quote = bytes[position]
        var index = position + 1
        while true {
            guard index < bytes.count else {
                throw error("unterminated string; expected a closing \(quote == 0x22 ? "`\"`" : "`'`")", at: start)
            }
            let byte = bytes[index]
            if byte == quote { break }
            if byte == 0x0A || byte == 0x0D {
                throw error(
                    "line break inside a string; expected a closing \(quote == 0x22 ? "`\"`" : "`'`")", at: index,
                    help: "write the line break as `\\n`, or end the line with `\\` to continue the string"
                )
            }
            if byte == UInt8(ascii: "\\") {
                index = try checkEscape(at: index)
            } else {
                index += 1
            }
        }
        position = index + 1
        var unused: [Int] = []
        return JSON5Reader.decodeString(bytes, literal: SourceSpan(start: start, end: position), offsets: &unused, recordOffsets: false)
    }

    /// Validates the escape starting at the backslash at `index`; returns the index after it.
    func checkEscape(at index: Int) throws(Diagnostic) -> Int {
        guard index + 1 < bytes.count else {
            throw error("unterminated string; the file ends inside an escape", at: index)
        }
        let next = bytes[index + 1]
        switch next {
        case UInt8(ascii: "x"):
            for offset in 2..<4 {
                guard index + offset < bytes.count, JSON5Reader.hexValue(bytes[index + offset]) != nil else {
                    throw error("`\\x` must be followed by two hexadecimal digits", at: index, length: 2)
                }
            }
            return index + 4
        case UInt8(ascii: "u"):
            for offset in 2..<6 {
                guard index + offset < bytes.count, JSON5Reader.hexValue(bytes[index + offset]) != nil else {
                    throw error("`\\u` must be followed by four hexadecimal digits", at: index, length: 2)
                }
            }
            return index + 6
        case UInt8(ascii: "1")...UInt8(ascii: "9"):
            throw error(
                "invalid escape `\\\(Character(Unicode.Scalar(next)))`; JSON5 has no octal escapes", at: index, length: 2,
                help: "use `\\u00XX` for a character by its code"
            )
        case UInt8(ascii: "0"):
            if index + 2 < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index + 2]) {
                throw error("`\\0` may not be followed by a digit", at: index, length: 3)
            }
            return index + 2
        case 0x0D:
            if index + 2 < bytes.count, bytes[index + 2] == 0x0A { return index + 3 }
            return index + 2
        default:
            // Any other character escapes to itself; take the whole scalar.
            let (_, length) = decodeScalar(at: index + 1)
            return index + 1 + length
        }
    }

    /// Decodes a string literal that is known to be well formed (quotes included in
    /// `literal`). When `recordOffsets` is set, `offsets[i]` receives the file offset of the
    /// value's UTF-8 byte `i`, plus one final entry for the closing quote.
    static func decodeString(
        _ bytes: [UInt8], literal: SourceSpan, offsets: inout [Int], recordOffsets: Bool = true
    ) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(literal.count)
        var index = literal.start + 1
        let end = literal.end - 1
        var pendingHighSurrogate: (value: UInt32, at: Int)?

        func emit(_ scalar: Unicode.Scalar, from origin: Int) {
            let before = out.count
            out.append(contentsOf: Array(String(scalar).utf8))
            if recordOffsets {
                for _ in before..<out.count { offsets.append(origin) }
            }
        }
        func flushSurrogate() {
            if let pending = pendingHighSurrogate {
                emit("\u{FFFD}", from: pending.at)
                pendingHighSurrogate = nil
            }
        }

        while index < end {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "\\") else {
                flushSurrogate()
                out.append(byte)
                if recordOffsets { offsets.append(index) }
                index += 1
                continue
            }
            let origin = index
            let next = bytes[index + 1]
            var scalar: Unicode.Scalar?
            switch next {
            case UInt8(ascii: "b"): scalar = "\u{08}"; index += 2
            case UInt8(ascii: "f"): scalar = "\u{0C}"; index += 2
            case UInt8(ascii: "n"): scalar = "\n"; index += 2
            case UInt8(ascii: "r"): scalar = "\r"; index += 2
            case UInt8(ascii: "t"): scalar = "\t"; index += 2
            case UInt8(ascii: "v"): scalar = "\u{0B}"; index += 2
            case UInt8(ascii: "0"): scalar = "\u{00}"; index += 2
            case UInt8(ascii: "x"):
                let value = hexValue(bytes[index + 2])! << 4 | hexValue(bytes[index + 3])!
                scalar = Unicode.Scalar(value)
                index += 4
            case UInt8(ascii: "u"):
                var value: UInt32 = 0
                for k in 2..<6 { value = value << 4 | UInt32(hexValue(bytes[index + k])!) }
                index += 6
                if (0xD800...0xDBFF).contains(value) {
                    flushSurrogate()
                    pendingHighSurrogate = (value, origin)
                    continue
                }
                if (0xDC00...0xDFFF).contains(value) {
                    if let high = pendingHighSurrogate {
                        pendingHighSurrogate = nil
                        let combined = 0x10000 + ((high.value - 0xD800) << 10) + (value - 0xDC00)
                        emit(Unicode.Scalar(combined)!, from: high.at)
                        continue
                    }
                    // A lone surrogate is legal JSON5 but cannot be held in a String.
                    scalar = "\u{FFFD}"
                } else {
                    scalar = Unicode.Scalar(value)
                }
            case 0x0A:
                index += 2  // line continuation
            case 0x0D:
                index += (index + 2 < end && bytes[index + 2] == 0x0A) ? 3 : 2
            default:
                // Line continuation with U+2028 / U+2029, or a character escaping itself.
                let length = utf8Length(bytes[index + 1])
                let decoded = String(decoding: bytes[(index + 1)..<(index + 1 + length)], as: UTF8.self)
                let only = decoded.unicodeScalars.first!
                index += 1 + length
                if only.value == 0x2028 || only.value == 0x2029 { break }
                scalar = only
            }
            flushSurrogate()
            if let scalar { emit(scalar, from: origin) }
        }
        flushSurrogate()
        if recordOffsets { offsets.append(end) }
        return String(decoding: out, as: UTF8.self)
    }
}
