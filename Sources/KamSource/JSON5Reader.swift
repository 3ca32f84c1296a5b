/// Reads JSON5 (https://spec.json5.org, version 1.0.0) into a `JSONNode` tree that keeps the
/// span of every value.
///
/// It accepts exactly JSON5: comments, trailing commas, unquoted identifier keys (ECMAScript
/// IdentifierName, Unicode letters and `\u` escapes included), single-quoted strings, line
/// continuations and the full escape set, hexadecimal numbers, leading or trailing decimal
/// points, explicit `+`, `Infinity` and `NaN`, and the Unicode space separators as
/// whitespace. Plain JSON is valid JSON5. Duplicate keys are kept (the spec allows them);
/// callers that care report them.
///
/// A syntax error stops the read: after one, the rest of a JSON text rarely means anything.
/// The error names what was expected and, for the common slips (a missing comma, a stray
/// character after the value), suggests the fix.
public struct JSON5Reader {
    /// Deeper nesting is refused rather than risking the stack; rule files nest a handful of
    /// levels.
    public static let depthLimit = Limit("KAM_MAX_JSON_DEPTH", default: 256, ceiling: 2_000)
    public static var maximumDepth: Int { depthLimit.value }

    private let file: SourceFile
    private let bytes: [UInt8]
    private var position = 0
    private var depth = 0

    /// Reads the whole file as one JSON5 value.
    public static func read(_ file: SourceFile) -> Result<JSONNode, Diagnostic> {
        var reader = JSON5Reader(file: file)
        do {
            return .success(try reader.readDocument())
        } catch {
            return .failure(error)
        }
    }

    private init(file: SourceFile) {
        self.file = file
        self.bytes = file.bytes
    }

    // MARK: - Document and values

    private mutating func readDocument() throws(Diagnostic) -> JSONNode {
        try checkUTF8()
        // A byte order mark is whitespace in JSON5 (U+FEFF), so skipTrivia takes it.
        try skipTrivia()
        guard position < bytes.count else {
            throw error("the file is empty; expected a JSON5 value", at: position)
        }
        let node = try readValue()
        try skipTrivia()
        if position < bytes.count {
            throw error(
                "unexpected \(describeHere()) after the end of the value",
                at: position,
                help: node.members != nil || node.array != nil
                    ? "a JSON5 file holds one value; is there an extra closing bracket, or a missing comma earlier?"
                    : "a JSON5 file holds one value"
            )
        }
        return node
    }

    private mutating func readValue() throws(Diagnostic) -> JSONNode {
        guard position < bytes.count else {
            throw error("unexpected end of file; expected a value", at: position)
        }
        let start = position
        switch bytes[position] {
        case UInt8(ascii: "{"):
            return try readObject()
        case UInt8(ascii: "["):
            return try readArray()
        case UInt8(ascii: "\""), UInt8(ascii: "'"):
            let text = try readString()
            return JSONNode(.string(text), span: SourceSpan(start: start, end: position))
        case UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let number = try readNumber()
            return JSONNode(.number(number), span: SourceSpan(start: start, end: position))
        default:
            if let word = peekIdentifierWord() {
                switch word {
                case "true", "false", "null":
                    position += word.utf8.count
                    let span = SourceSpan(start: start, end: position)
                    return JSONNode(word == "null" ? .null : .bool(word == "true"), span: span)
                case "Infinity", "NaN":
                    let number = try readNumber()
                    return JSONNode(.number(number), span: SourceSpan(start: start, end: position))
                default:
                    throw error(
                        "unexpected word `\(word)`; expected a value (an object, array, string, number, true, false or null)",
                        at: start, length: word.utf8.count,
                        help: "if this is text, put it in quotes: \"\(word)\""
                    )
                }
            }
            throw error(
                "unexpected \(describeHere()); expected a value (an object, array, string, number, true, false or null)",
                at: start
            )
        }
    }

    private mutating func enter(_ at: Int) throws(Diagnostic) {
        depth += 1
        if depth > JSON5Reader.maximumDepth {
            throw error("values are nested more than \(JSON5Reader.maximumDepth) levels deep (\(JSON5Reader.depthLimit.howToRaise))", at: at)
        }
    }

    private mutating func readObject() throws(Diagnostic) -> JSONNode {
        let start = position
        try enter(start)
        position += 1  // {
        var members: [JSONNode.Member] = []
        while true {
            try skipTrivia()
            guard position < bytes.count else {
                throw error("unexpected end of file inside the object opened here; expected `}`", at: start)
            }
            if bytes[position] == UInt8(ascii: "}") {
                position += 1
                break
            }
            let keyStart = position
            let key = try readKey()
            let keySpan = SourceSpan(start: keyStart, end: position)
            try skipTrivia()
            guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else {
                throw error(
                    "expected `:` after the key `\(key)`, found \(describeHere())", at: position,
                    help: "an object member is written `key: value`"
                )
            }
            position += 1
            try skipTrivia()
            let value = try readValue()
            members.append(JSONNode.Member(key: key, keySpan: keySpan, value: value))
            try skipTrivia()
            guard position < bytes.count else {
                throw error("unexpected end of file inside the object opened here; expected `}`", at: start)
            }
            if bytes[position] == UInt8(ascii: ",") {
                position += 1
            } else if bytes[position] != UInt8(ascii: "}") {
                throw error(
                    "expected `,` or `}` after the value of `\(key)`, found \(describeHere())", at: position,
                    help: "separate object members with commas"
                )
            }
        }
        depth -= 1
        return JSONNode(.object(members), span: SourceSpan(start: start, end: position))
    }

    private mutating func readArray() throws(Diagnostic) -> JSONNode {
        let start = position
        try enter(start)
        position += 1  // [
        var elements: [JSONNode] = []
        while true {
            try skipTrivia()
            guard position < bytes.count else {
                throw error("unexpected end of file inside the array opened here; expected `]`", at: start)
            }
            if bytes[position] == UInt8(ascii: "]") {
                position += 1
                break
            }
            elements.append(try readValue())
            try skipTrivia()
            guard position < bytes.count else {
                throw error("unexpected end of file inside the array opened here; expected `]`", at: start)
            }
            if bytes[position] == UInt8(ascii: ",") {
                position += 1
            } else if bytes[position] != UInt8(ascii: "]") {
                throw error(
                    "expected `,` or `]` after an array element, found \(describeHere())", at: position,
                    help: "separate array elements with commas"
                )
            }
        }
        depth -= 1
        return JSONNode(.array(elements), span: SourceSpan(start: start, end: position))
    }

    // MARK: - Keys

    private mutating func readKey() throws(Diagnostic) -> String {
        let byte = bytes[position]
        if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
            return try readString()
        }
        let start = position
        var name = ""
        var first = true
        while position < bytes.count {
            if bytes[position] == UInt8(ascii: "\\") {
                let escapeStart = position
                guard position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "u") else {
                    throw error("only `\\u` escapes may appear in an unquoted key", at: escapeStart, length: 2)
                }
                position += 2
                let value = try readHex(count: 4, escapeStart: escapeStart)
                guard let scalar = Unicode.Scalar(value),
                    first ? JSON5Reader.isIdentifierStart(scalar) : JSON5Reader.isIdentifierPart(scalar)
                else {
                    throw error(
                        "the escape `\(file.text(SourceSpan(start: escapeStart, end: position)))` is not a letter allowed in an unquoted key",
                        at: escapeStart, length: position - escapeStart
                    )
                }
                name.unicodeScalars.append(scalar)
            } else {
                let (scalar, length) = decodeScalar(at: position)
                let allowed = first ? JSON5Reader.isIdentifierStart(scalar) : JSON5Reader.isIdentifierPart(scalar)
                if !allowed { break }
                name.unicodeScalars.append(scalar)
                position += length
            }
            first = false
        }
        if position == start {
            throw error(
                "expected a key (a name or a quoted string) or `}`, found \(describeHere())", at: position,
                help: bytes[position] == UInt8(ascii: ",") ? "remove the extra comma" : nil
            )
        }
        return name
    }

    /// An IdentifierName starting here, with no escapes (for `true`, `Infinity` and friends,
    /// and for naming a stray word in an error).
    private func peekIdentifierWord() -> String? {
        var index = position
        var word = ""
        while index < bytes.count {
            let (scalar, length) = decodeScalar(at: index)
            let allowed = word.isEmpty ? JSON5Reader.isIdentifierStart(scalar) : JSON5Reader.isIdentifierPart(scalar)
            if !allowed { break }
            word.unicodeScalars.append(scalar)
            index += length
        }
        return word.isEmpty ? nil : word
    }

    static func isIdentifierStart(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == "$" || scalar == "_" { return true }
        if scalar.isASCII {
            return ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
        }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter, .letterNumber:
            return true
        default:
            return false
        }
    }

    static func isIdentifierPart(_ scalar: Unicode.Scalar) -> Bool {
        if isIdentifierStart(scalar) { return true }
        if scalar.isASCII { return ("0"..."9").contains(scalar) }
        if scalar.value == 0x200C || scalar.value == 0x200D { return true }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .decimalNumber, .connectorPunctuation:
            return true
        default:
            return false
        }
    }

    // MARK: - Strings

    private mutating func readString() throws(Diagnostic) -> String {
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
    private func checkEscape(at index: Int) throws(Diagnostic) -> Int {
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

    // MARK: - Numbers

    private mutating func readNumber() throws(Diagnostic) -> Double {
        let start = position
        var negative = false
        if bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
            negative = bytes[position] == UInt8(ascii: "-")
            position += 1
        }
        var value: Double
        if let word = peekIdentifierWord(), word == "Infinity" || word == "NaN" {
            position += word.utf8.count
            value = word == "NaN" ? .nan : .infinity
        } else if position + 1 < bytes.count, bytes[position] == UInt8(ascii: "0"),
            bytes[position + 1] | 0x20 == UInt8(ascii: "x")
        {
            position += 2
            let digitsStart = position
            value = 0
            while position < bytes.count, let digit = JSON5Reader.hexValue(bytes[position]) {
                value = value * 16 + Double(digit)
                position += 1
            }
            if position == digitsStart {
                throw error("expected hexadecimal digits after `0x`", at: start, length: position - start)
            }
        } else {
            let digitsStart = position
            let integerDigits = skipDigits()
            if integerDigits > 1, bytes[digitsStart] == UInt8(ascii: "0") {
                throw error(
                    "a number may not start with a leading zero", at: digitsStart, length: integerDigits,
                    help: "write it without the leading zero, or in quotes if it is an identifier"
                )
            }
            var fractionDigits = 0
            if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
                position += 1
                fractionDigits = skipDigits()
            }
            if integerDigits == 0 && fractionDigits == 0 {
                throw error("expected a number, found \(describe(at: start))", at: start)
            }
            if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "e") {
                let exponentStart = position
                position += 1
                if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                    position += 1
                }
                if skipDigits() == 0 {
                    throw error("expected digits in the exponent", at: exponentStart, length: position - exponentStart)
                }
            }
            // The scanner above admits only JSON5's decimal forms, all of which Swift's
            // parser (strtod) reads, "5." and ".5" included.
            let text = String(decoding: bytes[digitsStart..<position], as: UTF8.self)
            guard let parsed = Double(text) else {
                throw error("`\(text)` is not a number", at: digitsStart, length: position - digitsStart)
            }
            value = parsed
        }
        if position < bytes.count {
            let (scalar, _) = decodeScalar(at: position)
            if JSON5Reader.isIdentifierStart(scalar) || ("0"..."9").contains(scalar) || scalar == "\\" {
                throw error(
                    "unexpected \(describeHere()) right after a number", at: position,
                    help: "separate values with a comma, or quote the text"
                )
            }
        }
        return negative ? -value : value
    }

    private mutating func skipDigits() -> Int {
        let start = position
        while position < bytes.count, bytes[position] >= UInt8(ascii: "0"), bytes[position] <= UInt8(ascii: "9") {
            position += 1
        }
        return position - start
    }

    private mutating func readHex(count: Int, escapeStart: Int) throws(Diagnostic) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<count {
            guard position < bytes.count, let digit = JSON5Reader.hexValue(bytes[position]) else {
                throw error("`\\u` must be followed by four hexadecimal digits", at: escapeStart, length: 2)
            }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }

    static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    // MARK: - Whitespace and comments

    private mutating func skipTrivia() throws(Diagnostic) {
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
    private func checkUTF8() throws(Diagnostic) {
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

    private func decodeScalar(at index: Int) -> (Unicode.Scalar, Int) {
        let byte = bytes[index]
        if byte < 0x80 { return (Unicode.Scalar(byte), 1) }
        let length = min(utf8Length(byte), bytes.count - index)
        let text = String(decoding: bytes[index..<(index + length)], as: UTF8.self)
        return (text.unicodeScalars.first ?? "\u{FFFD}", max(1, length))
    }

    /// A human description of the character at `index`, for error messages.
    private func describe(at index: Int) -> String {
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

    private func describeHere() -> String { describe(at: position) }

    private func error(_ message: String, at offset: Int, length: Int = 1, help: String? = nil) -> Diagnostic {
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
