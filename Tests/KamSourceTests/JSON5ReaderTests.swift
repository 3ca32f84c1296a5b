import Testing

@testable import KamSource

/// A compact, unambiguous rendering of a tree, for table-driven expectations.
func dump(_ node: JSONNode) -> String {
    switch node.value {
    case .null: return "null"
    case .bool(let b): return String(b)
    case .number(let n):
        if n.isNaN { return "NaN" }
        if n == n.rounded(), abs(n) < 1e15 { return String(Int64(n)) }
        return String(n)
    case .string(let s): return "\"" + s.unicodeScalars.map { $0.isASCII && $0.value >= 0x20 ? String($0) : "\\u{\(String($0.value, radix: 16))}" }.joined() + "\""
    case .array(let a): return "[" + a.map(dump).joined(separator: ",") + "]"
    case .object(let m): return "{" + m.map { "\($0.key):\(dump($0.value))" }.joined(separator: ",") + "}"
    }
}

func read(_ text: String) -> Result<JSONNode, Diagnostic> {
    JSON5Reader.read(SourceFile(path: "t.json5", text: text))
}

@Suite struct JSON5ReaderTests {
    @Test(arguments: [
        // Plain JSON.
        ("{\"a\": 1, \"b\": [true, false, null], \"c\": \"x\"}", "{a:1,b:[true,false,null],c:\"x\"}"),
        ("[]", "[]"), ("{}", "{}"), ("  42  ", "42"), ("-0.5e2", "-50"),
        // Comments, trailing commas, unquoted and quoted keys.
        ("// lead\n{a: 1, /* mid */ 'b': 2, \"c\": 3,} // tail", "{a:1,b:2,c:3}"),
        ("[1, 2, 3,]", "[1,2,3]"),
        ("{$id: 1, _x9: 2, null: 3, true: 4}", "{$id:1,_x9:2,null:3,true:4}"),
        ("{ключ: 'значение'}", "{ключ:\"\\u{437}\\u{43d}\\u{430}\\u{447}\\u{435}\\u{43d}\\u{438}\\u{435}\"}"),
        ("{\\u0061b: 1}", "{ab:1}"),
        // Numbers.
        ("0x1F", "31"), ("-0XaB", "-171"), ("+7", "7"), (".5", "0.5"), ("5.", "5"), ("1e3", "1000"),
        ("Infinity", "inf"), ("-Infinity", "-inf"), ("NaN", "NaN"), ("+NaN", "NaN"),
        // Strings and escapes.
        ("'it\\'s \"ok\"'", "\"it's \"ok\"\""),
        ("\"a\\\nb\"", "\"ab\""), ("'a\\\r\nb'", "\"ab\""),
        ("'\\x41\\u00e9\\b\\f\\n\\r\\t\\v\\0'", "\"A\\u{e9}\\u{8}\\u{c}\\u{a}\\u{d}\\u{9}\\u{b}\\u{0}\""),
        ("'\\q\\ \\d'", "\"q d\""),
        ("'\\uD83D\\uDE00'", "\"\\u{1f600}\""),
        ("'\\uD83D'", "\"\\u{fffd}\""),
        ("'a\u{2028}b'", "\"a\\u{2028}b\""),
        // Whitespace: BOM, no-break space, line and paragraph separators, other Zs.
        ("\u{FEFF}\u{00A0}[\u{2028}1\u{2029},\u{3000}2]", "[1,2]"),
    ])
    func readsValidJSON5(input: String, expected: String) throws {
        let node = try read(input).get()
        #expect(dump(node) == expected)
    }

    @Test func infinityIsRead() throws {
        #expect(try read("Infinity").get().number == .infinity)
        #expect(try read("-Infinity").get().number == -.infinity)
    }

    @Test(arguments: [
        ("", "1:1", "the file is empty; expected a JSON5 value"),
        ("{a: 1 b: 2}", "1:7", "expected `,` or `}` after the value of `a`, found `b`"),
        ("{a 1}", "1:4", "expected `:` after the key `a`, found `1`"),
        ("[1 2]", "1:4", "expected `,` or `]` after an array element, found `2`"),
        ("{a: 1}}", "1:7", "unexpected `}` after the end of the value"),
        ("{a: 'x}", "1:5", "unterminated string; expected a closing `'`"),
        ("'a\nb'", "1:3", "line break inside a string; expected a closing `'`"),
        ("01", "1:1", "a number may not start with a leading zero"),
        ("1a", "1:2", "unexpected `a` right after a number"),
        ("0x", "1:1", "expected hexadecimal digits after `0x`"),
        ("1e", "1:2", "expected digits in the exponent"),
        ("'\\1'", "1:2", "invalid escape `\\1`; JSON5 has no octal escapes"),
        ("'\\01'", "1:2", "`\\0` may not be followed by a digit"),
        ("'\\x4'", "1:2", "`\\x` must be followed by two hexadecimal digits"),
        ("'\\u12'", "1:2", "`\\u` must be followed by four hexadecimal digits"),
        ("/* open", "1:1", "unterminated comment; expected `*/`"),
        ("{,}", "1:2", "expected a key (a name or a quoted string) or `}`, found `,`"),
        ("[,]", "1:2", "unexpected `,`; expected a value (an object, array, string, number, true, false or null)"),
        ("yes", "1:1", "unexpected word `yes`; expected a value (an object, array, string, number, true, false or null)"),
        ("{\n  a: [1,\n", "2:6", "unexpected end of file inside the array opened here; expected `]`"),
        ("{1: 2}", "1:2", "expected a key (a name or a quoted string) or `}`, found `1`"),
        ("{a-b: 1}", "1:3", "expected `:` after the key `a`, found `-`"),
    ])
    func rejectsInvalidJSON5(input: String, location: String, message: String) {
        guard case .failure(let diagnostic) = read(input) else {
            Issue.record("accepted invalid input \(input.debugDescription)")
            return
        }
        #expect(diagnostic.message == message)
        #expect(diagnostic.location?.description == location)
    }

    @Test func rejectsInvalidUTF8WithItsOffset() {
        let file = SourceFile(path: "t.json5", bytes: Array("{a: '".utf8) + [0xCF, 0xF0, 0xE8] + Array("'}".utf8))
        guard case .failure(let diagnostic) = JSON5Reader.read(file) else {
            Issue.record("accepted invalid UTF-8")
            return
        }
        #expect(diagnostic.message == "the file is not valid UTF-8 (byte 0xCF at offset 5)")
    }

    @Test func refusesDeepNestingWithoutCrashing() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        guard case .failure(let diagnostic) = read(deep) else {
            Issue.record("accepted 100,000 levels")
            return
        }
        #expect(diagnostic.message == "values are nested more than 256 levels deep (set KAM_MAX_JSON_DEPTH to raise it)")
        let ok = String(repeating: "[", count: 256) + String(repeating: "]", count: 256)
        #expect((try? read(ok).get()) != nil)
    }

    @Test func spansCoverValuesAndKeys() throws {
        let text = "{\n  when: 'a < b',\n  n: [1, 2],\n}"
        let node = try read(text).get()
        let file = SourceFile(path: "t", text: text)
        let member = try #require(node.members?.first)
        #expect(file.text(member.keySpan) == "when")
        #expect(file.text(member.value.span) == "'a < b'")
        #expect(file.text(try #require(node["n"]).span) == "[1, 2]")
        #expect(file.text(node.span) == text)
    }

    @Test func keepsDuplicateKeysInOrder() throws {
        let node = try read("{a: 1, a: 2}").get()
        #expect(node.members?.map(\.key) == ["a", "a"])
    }

    @Test func sourceTextMapsEscapedStringsBackToTheFile() throws {
        // `é` written as an escape: offsets after it must still land on the right column.
        let text = "{when: \"caf\\u00e9 + \\\"x\\\" + zz\"}"
        let file = SourceFile(path: "t", text: text)
        let node = try JSON5Reader.read(file).get()
        let embedded = try #require(node["when"]?.sourceText(in: file))
        #expect(embedded.text == "café + \"x\" + zz")
        let zz = embedded.text.utf8.count - 2
        let mapped = embedded.fileSpan(SourceSpan(start: zz, end: zz + 2))
        #expect(file.text(mapped) == "zz")
        // Unescaped strings map by a plain shift.
        let plain = try #require(try JSON5Reader.read(SourceFile(path: "t", text: "  'abc'")).get().sourceText(in: SourceFile(path: "t", text: "  'abc'")))
        #expect(plain.fileOffset(1) == 4)
    }
}
