/// What lies between JSON5 values, comments and Unicode spaces, and the byte-level help the
/// other parts share: UTF-8 checks, scalars, and errors that describe what was found.
extension JSON5Reader {
    mutating func skipTrivia() throws(Diagnostic) {
        while position < bytes.count {
            let byte = bytes[position]
            switch byte {
            case 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20:
                position += 1
            case UInt8(ascii: "/"):
                guard position + 1 < bytes.count else { return }
                if bytes[position + 1] == UInt8(ascii: "/") {
                    position += 2
                    while position < bytes.count {
                        let b = bytes[position]
                        if b == 0x0A || b == 0x0D { break }
                        if b == 0xE2, position + 2 < bytes.count, bytes[position + 1] == 0x80,
                            bytes[position + 2] == 0xA8 || bytes[position + 2] == 0xA9
                        {
                            break
                        }
                        position += 1
                    }
                } else if bytes[position + 1] == UInt8(ascii: "*") {
                    let start = position
                    position += 2
                    while true {
                        guard position + 1 < bytes.count else {
                            throw error("unterminated comment; expected `*/`", at: start, length: 2)
                        }
                        if bytes[position] == UInt8(ascii: "*"), bytes[position + 1] == UInt8(ascii: "/") {
                            position += 2
                            break
                        }
                        position += 1
                    }
                } else {
                    return
                }
            default:
                guard byte >= 0x80 else { return }
                let (scalar, length) = decodeScalar(at: position)
                let isSpace =
                    scalar.value == 0xFEFF || scalar.value == 0x2028 || scalar.value == 0x2029
                    || scalar.properties.generalCategory == .spaceSeparator
                guard isSpace else { return }
                position += length
            }
        }
    }

    // MARK: - Bytes and scalars

    /// Rejects invalid UTF-8 up front, with the place of the first bad byte; everything after
    /// this may decode scalars without checking.
    func checkUTF8() throws(Diagnostic) {
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte < 0x80 {
                index += 1
                continue
            }
            let length = utf8Length(byte)
            var valid = length > 1 && index + length <= bytes.count
            if valid {
                for k in 1..<length where bytes[index + k] & 0xC0 != 0x80 { valid = false }
            }
            if valid {
                valid = String(validating: bytes[index..<(index + length)], as: UTF8.self) != nil
            }
            if !valid {
                throw error(
                    "the file is not valid UTF-8 (byte 0x\(String(byte, radix: 16, uppercase: true)) at offset \(index))",
                    at: index, help: "save the file as UTF-8"
                )
            }
            index += length
        }
    }

    func decodeScalar(at index: Int) -> (Unicode.Scalar, Int) {
        let byte = bytes[index]
        if byte < 0x80 { return (Unicode.Scalar(byte), 1) }
        let length = min(utf8Length(byte), bytes.count - index)
        let text = String(decoding: bytes[index..<(index + length)], as: UTF8.self)
        return (text.unicodeScalars.first ?? "\u{FFFD}", max(1, length))
    }

    /// A human description of the character at `index`, for error messages.
    func describe(at index: Int) -> String {
        guard index < bytes.count else { return "the end of the file" }
        let (scalar, _) = decodeScalar(at: index)
        switch scalar {
        case "\n", "\r": return "a line break"
        case "\t": return "a tab"
        default:
            if scalar.value < 0x20 || scalar.value == 0x7F {
                return "the control character U+\(String(scalar.value, radix: 16, uppercase: true))"
            }
            return "`\(Character(scalar))`"
        }
    }

    func describeHere() -> String { describe(at: position) }

    func error(_ message: String, at offset: Int, length: Int = 1, help: String? = nil) -> Diagnostic {
        Diagnostic.error(message, file: file, span: SourceSpan(start: offset, end: offset + length), help: help)
    }
}

/// The length of the UTF-8 sequence a lead byte starts (1 for a stray continuation byte).
func utf8Length(_ lead: UInt8) -> Int {
    switch lead {
    case 0..<0xC0: 1
    case 0xC0..<0xE0: 2
    case 0xE0..<0xF0: 3
    default: 4
    }
}
