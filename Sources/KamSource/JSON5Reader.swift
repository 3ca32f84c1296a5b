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

    let file: SourceFile
    let bytes: [UInt8]
    var position = 0
    var depth = 0

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

    mutating func readDocument() throws(Diagnostic) -> JSONNode {
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

    mutating func readValue() throws(Diagnostic) -> JSONNode {
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

    mutating func enter(_ at: Int) throws(Diagnostic) {
        depth += 1
        if depth > JSON5Reader.maximumDepth {
            throw error("values are nested more than \(JSON5Reader.maximumDepth) levels deep (\(JSON5Reader.depthLimit.howToRaise))", at: at)
        }
    }

    mutating func readObject() throws(Diagnostic) -> JSONNode {
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

    mutating func readArray() throws(Diagnostic) -> JSONNode {
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

    mutating func readKey() throws(Diagnostic) -> String {
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
    func peekIdentifierWord() -> String? {
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
}
