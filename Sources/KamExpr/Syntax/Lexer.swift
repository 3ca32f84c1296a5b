import KamSource

/// Turns an expression's UTF-8 bytes into tokens.
///
/// Literals follow CEL: decimal and hexadecimal numbers, fractions with or without leading
/// digits (`.5`), exponents (`1e3`, `2.5E-2`); strings in single or double quotes with CEL's
/// escapes (`\n \t \r \\ \" \' \` \? \a \b \f \v`, `\xHH`, `\uHHHH`, `\UHHHHHHHH`, octal
/// `\ooo`). CEL forms outside our subset (raw, triple-quoted and byte strings, unsigned
/// numbers) get an error that says so, not a confusing syntax error.
struct Lexer {
    private let source: SourceText
    private let bytes: [UInt8]
    private var position = 0

    init(source: SourceText) {
        self.source = source
        self.bytes = Array(source.text.utf8)
    }

    /// Words CEL reserves for future use; an identifier may not be one of them.
    static let reserved: Set<String> = [
        "as", "break", "const", "continue", "else", "for", "function", "if", "import", "let",
        "loop", "package", "namespace", "return", "var", "void", "while",
    ]

    mutating func next() throws(Diagnostic) -> Token {
        skipWhitespace()
        let start = position
        guard position < bytes.count else {
            return Token(kind: .end, span: SourceSpan(start: start, end: start))
        }
        let byte = bytes[position]
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            return try number()
        case UInt8(ascii: "."):
            if position + 1 < bytes.count, isDigit(bytes[position + 1]) { return try number() }
            position += 1
            return token(.punctuation(.dot), start)
        case UInt8(ascii: "\""), UInt8(ascii: "'"):
            return try string(quote: byte, start: start)
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "_"):
            return try word()
        default:
            return try punctuation()
        }
    }

    private func token(_ kind: Token.Kind, _ start: Int) -> Token {
        Token(kind: kind, span: SourceSpan(start: start, end: position))
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private func isWordByte(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z")) || byte == UInt8(ascii: "_")
    }

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D, 0x0C: position += 1
            default: return
            }
        }
    }

    // MARK: Words

    private mutating func word() throws(Diagnostic) -> Token {
        let start = position
        while position < bytes.count, isWordByte(bytes[position]) { position += 1 }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        // A string prefix such as r'..' or b"..": CEL forms we do not support.
        if position < bytes.count, bytes[position] == UInt8(ascii: "'") || bytes[position] == UInt8(ascii: "\"") {
            switch text.lowercased() {
            case "r":
                throw error("raw strings (`r'…'`) are not supported", start, position + 1, help: "write a normal string and double each backslash")
            case "b", "br", "rb":
                throw error("byte strings (`b'…'`) are not supported; expressions work on text", start, position + 1)
            default: break
            }
        }
        if let keyword = Keyword(rawValue: text) {
            return token(.keyword(keyword), start)
        }
        if Lexer.reserved.contains(text) {
            throw error("`\(text)` is a reserved word and cannot be used as a name", start, position)
        }
        return token(.identifier(text), start)
    }

    // MARK: Numbers

    private mutating func number() throws(Diagnostic) -> Token {
        let start = position
        var value: Double
        if bytes[position] == UInt8(ascii: "0"), position + 1 < bytes.count, bytes[position + 1] | 0x20 == UInt8(ascii: "x") {
            position += 2
            let digits = position
            value = 0
            while position < bytes.count, let digit = hexDigit(bytes[position]) {
                value = value * 16 + Double(digit)
                position += 1
            }
            if position == digits { throw error("expected hexadecimal digits after `0x`", start, position) }
        } else {
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
            if position + 1 < bytes.count, bytes[position] == UInt8(ascii: "."), isDigit(bytes[position + 1]) {
                position += 1
                while position < bytes.count, isDigit(bytes[position]) { position += 1 }
            }
            if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "e") {
                var look = position + 1
                if look < bytes.count, bytes[look] == UInt8(ascii: "+") || bytes[look] == UInt8(ascii: "-") { look += 1 }
                guard look < bytes.count, isDigit(bytes[look]) else {
                    throw error("expected digits in the exponent of this number", start, look)
                }
                position = look
                while position < bytes.count, isDigit(bytes[position]) { position += 1 }
            }
            let text = String(decoding: bytes[start..<position], as: UTF8.self)
            guard let parsed = Double(text.hasPrefix(".") ? "0" + text : text) else {
                throw error("`\(text)` is not a number", start, position)
            }
            value = parsed
        }
        if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "u"), !(position + 1 < bytes.count && isWordByte(bytes[position + 1])) {
            throw error(
                "unsigned numbers (`\(String(decoding: bytes[start...position], as: UTF8.self))`) are not supported; every number is a double",
                start, position + 1, help: "drop the `u`")
        }
        if position < bytes.count, isWordByte(bytes[position]) {
            throw error("unexpected `\(Character(Unicode.Scalar(bytes[position])))` right after a number", position, position + 1)
        }
        guard value.isFinite else {
            throw error("the number `\(String(decoding: bytes[start..<position], as: UTF8.self))` is too large (numbers go up to about 1.8e308)", start, position)
        }
        return token(.number(value), start)
    }

    private func hexDigit(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    // MARK: Strings

    private mutating func string(quote: UInt8, start: Int) throws(Diagnostic) -> Token {
        if position + 2 < bytes.count, bytes[position + 1] == quote, bytes[position + 2] == quote {
            throw error("triple-quoted strings are not supported", start, position + 3, help: "write `\\n` for a line break inside a normal string")
        }
        position += 1
        var out: [UInt8] = []
        while true {
            guard position < bytes.count else {
                throw error("unterminated string; expected a closing \(quote == 0x22 ? "`\"`" : "`'`")", start, start + 1)
            }
            let byte = bytes[position]
            if byte == quote {
                position += 1
                break
            }
            if byte == 0x0A || byte == 0x0D {
                throw error("line break inside a string", position, position + 1, help: "write it as `\\n`")
            }
            if byte != UInt8(ascii: "\\") {
                out.append(byte)
                position += 1
                continue
            }
            let escapeStart = position
            guard position + 1 < bytes.count else {
                throw error("unterminated string; expected a closing \(quote == 0x22 ? "`\"`" : "`'`")", start, start + 1)
            }
            let code = bytes[position + 1]
            position += 2
            var scalar: UInt32
            switch code {
            case UInt8(ascii: "n"): scalar = 0x0A
            case UInt8(ascii: "t"): scalar = 0x09
            case UInt8(ascii: "r"): scalar = 0x0D
            case UInt8(ascii: "a"): scalar = 0x07
            case UInt8(ascii: "b"): scalar = 0x08
            case UInt8(ascii: "f"): scalar = 0x0C
            case UInt8(ascii: "v"): scalar = 0x0B
            case UInt8(ascii: "\\"), UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "`"), UInt8(ascii: "?"):
                scalar = UInt32(code)
            case UInt8(ascii: "x"), UInt8(ascii: "X"): scalar = try hexEscape(digits: 2, escapeStart)
            case UInt8(ascii: "u"): scalar = try hexEscape(digits: 4, escapeStart)
            case UInt8(ascii: "U"): scalar = try hexEscape(digits: 8, escapeStart)
            case UInt8(ascii: "0")...UInt8(ascii: "3"):
                scalar = UInt32(code - UInt8(ascii: "0"))
                for _ in 0..<2 {
                    guard position < bytes.count, bytes[position] >= UInt8(ascii: "0"), bytes[position] <= UInt8(ascii: "7") else {
                        throw error("an octal escape takes exactly three digits (`\\000` to `\\377`)", escapeStart, position)
                    }
                    scalar = scalar * 8 + UInt32(bytes[position] - UInt8(ascii: "0"))
                    position += 1
                }
            default:
                let shown = String(decoding: bytes[escapeStart..<min(bytes.count, position)], as: UTF8.self)
                throw error(
                    "unknown escape `\(shown)`", escapeStart, position,
                    help: "the escapes are \\n \\t \\r \\\\ \\\" \\' \\uXXXX; write a backslash as `\\\\`")
            }
            guard let unicode = Unicode.Scalar(scalar) else {
                throw error("the escape does not name a Unicode character (surrogates are not allowed)", escapeStart, position)
            }
            out.append(contentsOf: Array(String(Character(unicode)).utf8))
        }
        return token(.string(String(decoding: out, as: UTF8.self)), start)
    }

    private mutating func hexEscape(digits: Int, _ escapeStart: Int) throws(Diagnostic) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<digits {
            guard position < bytes.count, let digit = hexDigit(bytes[position]) else {
                throw error("this escape takes \(digits) hexadecimal digits", escapeStart, position)
            }
            value = value << 4 | digit
            position += 1
        }
        return value
    }

    // MARK: Punctuation

    private mutating func punctuation() throws(Diagnostic) -> Token {
        let start = position
        let byte = bytes[position]
        let next: UInt8 = position + 1 < bytes.count ? bytes[position + 1] : 0
        let two: Punctuation? =
            switch (byte, next) {
            case (UInt8(ascii: "="), UInt8(ascii: "=")): .equal
            case (UInt8(ascii: "!"), UInt8(ascii: "=")): .notEqual
            case (UInt8(ascii: "<"), UInt8(ascii: "=")): .lessOrEqual
            case (UInt8(ascii: ">"), UInt8(ascii: "=")): .greaterOrEqual
            case (UInt8(ascii: "&"), UInt8(ascii: "&")): .and
            case (UInt8(ascii: "|"), UInt8(ascii: "|")): .or
            default: nil
            }
        if let two {
            position += 2
            return token(.punctuation(two), start)
        }
        if let one = Punctuation(rawValue: String(UnicodeScalar(byte))), byte < 0x80 {
            position += 1
            return token(.punctuation(one), start)
        }
        switch byte {
        case UInt8(ascii: "="):
            throw error("unexpected `=`; to compare, write `==`", start, start + 1)
        case UInt8(ascii: "&"):
            throw error("unexpected `&`; the logical and is `&&` (or `and`)", start, start + 1)
        case UInt8(ascii: "|"):
            throw error("unexpected `|`; the logical or is `||` (or `or`)", start, start + 1)
        default:
            let length = byte >= 0x80 ? max(1, utf8SequenceLength(byte)) : 1
            let text = String(decoding: bytes[start..<min(bytes.count, start + length)], as: UTF8.self)
            let scalar = text.unicodeScalars.first
            let shown = scalar.map { $0.value < 0x20 || $0.value == 0x7F ? "U+\(String($0.value, radix: 16, uppercase: true))" : "`\(text)`" } ?? "`?`"
            throw error(
                "unexpected character \(shown)", start, start + length,
                help: byte >= 0x80 ? "names use ASCII letters, digits and `_`; put other text in quotes" : nil)
        }
    }

    private func utf8SequenceLength(_ lead: UInt8) -> Int {
        switch lead {
        case 0xC0..<0xE0: 2
        case 0xE0..<0xF0: 3
        case 0xF0...: 4
        default: 1
        }
    }

    private func error(_ message: String, _ start: Int, _ end: Int, help: String? = nil) -> Diagnostic {
        Diagnostic.error(
            message, file: source.file, span: source.fileSpan(SourceSpan(start: start, end: end)), help: help)
    }
}
