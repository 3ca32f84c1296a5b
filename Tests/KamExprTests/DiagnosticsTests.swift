import KamExpr
import KamSource
import Testing

struct DiagnosticsTests {
    var declarations: Declarations {
        var d = Declarations(noun: "input")
        d.declare("annual_revenue", .number)
        d.declare("industry", .string)
        return d
    }

    @Test func aTypoSuggestsTheNearestName() {
        #expect(compileError("anual_revenue > 5", declarations) == """
            <expression>:1:1: error: unknown input `anual_revenue`
             1 | anual_revenue > 5
               | ^~~~~~~~~~~~~
               = help: did you mean `annual_revenue`?

            """)
    }

    @Test(arguments: [
        ("1 +", "the expression ends too early; expected a value"),
        ("(1 + 2", "expected `)` to close the `(` at column 1, found the end of the expression"),
        ("a = 1", "unexpected `=`; to compare, write `==`"),
        ("'abc", "unterminated string; expected a closing `'`"),
        ("industry < 3", "cannot order a string against a number"),
        ("-industry", "`-` needs a number, found a string"),
        ("!annual_revenue", "`!` needs a bool, found a number"),
        ("industry ? 1 : 2", "the condition of `?:` must be a bool, found a string"),
        ("'a' && 'b'", "`&&` needs bools, found a string and a string"),
        ("industry.size(1)", "`size` takes 1 argument (`size(text or list)`), found 2"),
        ("contains('a', 'b')", "`contains` is called on a value: write `text.contains(part)`"),
        ("lenght(industry)", "unknown function `lenght`"),
        ("industry.matches('(')", "invalid pattern for `matches`"),
        ("1 in 'abc'", "`in` looks for a value in a list, but the right side is a string"),
        ("x.y", "field selection (`.y`) is not supported; only calls such as `.contains(…)` follow a `.`"),
        ("1e999", "the number `1e999` is too large (numbers go up to about 1.8e308)"),
        ("r'raw'", "raw strings (`r'…'`) are not supported"),
        ("", "the expression is empty"),
        ("1 2", "unexpected a number after a complete expression"),
    ])
    func errorsSayWhatWasExpected(_ text: String, _ message: String) {
        let (compiled, diagnostics) = Expression.compile(text, declarations)
        #expect(compiled == nil)
        #expect(diagnostics.errors.first?.message.hasPrefix(message) == true, "\(diagnostics.map(\.message))")
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        for text in [
            String(repeating: "(", count: 100_000) + "1" + String(repeating: ")", count: 100_000),
            String(repeating: "!", count: 100_000) + "true",
            String(repeating: "-", count: 100_000) + "1",
            String(repeating: "[", count: 50_000) + String(repeating: "]", count: 50_000),
            (0..<20_000).map { _ in "1" }.joined(separator: " + "),
            (0..<20_000).map { _ in "true" }.joined(separator: " ? 1 : "),
        ] {
            let (compiled, diagnostics) = Expression.compile(text, declarations)
            #expect(compiled == nil)
            #expect(diagnostics.first?.message.contains("nested more than 100 levels") == true, "\(diagnostics.map(\.message))")
        }
        // A long flat chain of `||` is balanced, so it is fine.
        let alternatives = (0..<5_000).map { "industry == 'x\($0)'" }.joined(separator: " || ")
        #expect(Expression.compile(alternatives, declarations).0 != nil)
    }

    @Test func errorsInAnEmbeddedExpressionPointIntoTheFile() throws {
        let file = SourceFile(path: "rules/pack.json5", text: "{\n  when: \"annual_revenue > \\\"x\\\" && anual_revenue\",\n}\n")
        // The string's text starts at byte 11 (line 2, column 10); its escapes make text and file offsets differ.
        let literalStart = 11
        let text = "annual_revenue > \"x\" && anual_revenue"
        var table: [Int] = []
        var offset = literalStart
        for byte in text.utf8 {
            if byte == UInt8(ascii: "\"") { offset += 1 }  // the backslash before it
            table.append(offset)
            offset += 1
        }
        table.append(offset)
        let source = SourceText(text: text, file: file, offsetTable: table)
        let (_, diagnostics) = Expression.compile(source, declarations)
        let locations = diagnostics.errors.map { "\($0.location!)" }
        #expect(locations == ["2:10", "2:36"], "\(diagnostics.map(\.message))")
    }

    @Test func suspiciousButValidCodeGetsAWarning() throws {
        let (compiled, diagnostics) = Expression.compile("industry == 3 || true", declarations)
        #expect(compiled != nil)
        #expect(diagnostics.warnings.map(\.message) == ["comparing a string with a number with `==` is always false"])
    }
}
