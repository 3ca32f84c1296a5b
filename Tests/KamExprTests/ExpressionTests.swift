import KamExpr
import KamSource
import Testing

/// Compiles `text` with the given declarations, failing the test on a compile error.
func compile(_ text: String, _ declarations: Declarations = Declarations()) throws -> CompiledExpression {
    let (compiled, diagnostics) = Expression.compile(text, declarations)
    guard let compiled else {
        throw CompileFailure(message: diagnostics.map { DiagnosticRenderer.render($0) }.joined())
    }
    return compiled
}

struct CompileFailure: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// The first error's rendered text, for expressions expected not to compile.
func compileError(_ text: String, _ declarations: Declarations = Declarations()) -> String? {
    let (compiled, diagnostics) = Expression.compile(text, declarations)
    if compiled != nil { return nil }
    return diagnostics.errors.first.map { DiagnosticRenderer.render($0) }
}

func evaluate(_ text: String) throws -> Value {
    try compile(text).evaluate(Activation(count: 0))
}

struct SemanticsTests {
    @Test(arguments: [
        ("7", "7"), ("7.0", "7"), ("-0.0", "0"), ("0.1 + 0.2", "0.30000000000000004"), ("1e21", "1e+21"),
        ("1e20", "100000000000000000000"), ("1e-7", "1e-7"), ("0.000001", "0.000001"), ("123.456", "123.456"),
        ("2.5E-2", "0.025"), (".5", "0.5"), ("0x1F", "31"), ("-1.5e300 * 1", "-1.5e+300"),
    ])
    func numbersPrintInTheirShortestForm(_ text: String, _ printed: String) throws {
        #expect(try evaluate(text).json == printed)
        #expect(try evaluate("string(\(text))").json == "\"\(printed)\"")
    }

    @Test func roundingIsHalfAwayFromZero() throws {
        #expect(try evaluate("[round(2.5), round(-2.5), round(0.49999999999999994), round(1.5)]").json == "[3,-3,0,2]")
        #expect(try evaluate("[int(2.9), int(-2.9), floor(-0.5), ceil(-0.5)]").json == "[2,-2,-1,0]")
    }

    @Test func stringsCompareByCodePoint() throws {
        // Precomposed é (U+00E9) and e + combining acute (U+0065 U+0301) are canonically
        // equivalent, so Swift's == says equal; CEL compares code points and says not.
        #expect(try evaluate("'\\u00e9' == 'e\\u0301'").json == "false")
        #expect(try evaluate("'\\u00e9' > 'e\\u0301'").json == "true")
        #expect(try evaluate("size('e\\u0301')").json == "2")
        #expect(try evaluate("size('🐱')").json == "1")
        #expect(try evaluate("'Z' < 'a'").json == "true")
    }

    @Test func andOrAbsorbErrorsTheCELWay() throws {
        var d = Declarations()
        d.declare("x", .number)
        let activation = Activation(d)  // x has no value
        for (text, result) in [("false && x > 1", "false"), ("x > 1 && false", "false"), ("true || x > 1", "true"),
                               ("x > 1 || true", "true"), ("x > 1 or 1 / 0 > 1 or true", "true")] {
            let e = try compile(text, d)
            #expect(try e.evaluate(activation).json == result, "\(text)")
            #expect(try e.interpreter.evaluate(activation).json == result, "\(text)")
        }
        // When nothing decides, the left operand's error wins.
        let e = try compile("x > 1 && 1 / 0 > 0", d)
        #expect(throws: EvalError.self) { try e.evaluate(activation) }
        do {
            _ = try e.evaluate(activation)
        } catch {
            #expect(error.kind == .missing(name: "x"))
        }
    }

    @Test func evaluationErrorsAreValuesThatPointAtTheCulprit() throws {
        var d = Declarations()
        d.declare("sales", .number)
        d.declare("visits", .number)
        let e = try compile("sales / visits > 3", d)
        let a = Activation(d)
        a.setNumber(0, 10)
        a.setNumber(1, 0)
        do {
            _ = try e.evaluateBool(a)
            Issue.record("expected division by zero")
        } catch {
            #expect(error.kind == .divisionByZero)
            #expect(error.span == SourceSpan(start: 0, end: 14))
        }
        a.setMissing(1)
        do {
            _ = try e.evaluateBool(a)
            Issue.record("expected a missing value")
        } catch {
            #expect(error.message == "`visits` has no value")
            #expect(error.span == SourceSpan(start: 8, end: 14))
        }
        #expect(throws: EvalError.self) { try evaluate("1e308 * 10") }
        #expect(throws: EvalError.self) { try evaluate("5 % 0") }
        #expect(throws: EvalError.self) { try evaluate("int('12x')") }
    }

    @Test func aFailedDerivedValueCarriesItsOwnError() throws {
        var d = Declarations()
        d.declare("margin", .number)
        let e = try compile("margin > 0.2", d)
        let a = Activation(d)
        let cause = EvalError(.divisionByZero, "division by zero", file: nil, span: SourceSpan(start: 3, end: 9))
        a.setFailed(0, cause)
        do {
            _ = try e.evaluateBool(a)
        } catch {
            #expect(error.kind == .divisionByZero)
            #expect(error.span == cause.span)
        }
    }

    @Test func functions() throws {
        #expect(try evaluate("'Acme Ltd'.startsWith('Acme') && 'Acme Ltd'.endsWith('Ltd') && 'x'.contains('')").json == "true")
        #expect(try evaluate("matches('ООО Ромашка', '^ООО')").json == "true")
        #expect(try evaluate("'abc'.matches('^b')").json == "false")
        #expect(try evaluate("[min(3, 1, 2), max(-1, -5), abs(-2.5), double('2.5'), int('-42')]").json == "[1,-1,2.5,2.5,-42]")
        #expect(try evaluate("'n=' + string(3) + string(true)").json == "\"n=3true\"")
        #expect(try evaluate("2 in [1, 2] && !('a' in [])").json == "true")
        #expect(try evaluate("size([1, 'a', [2]])").json == "3")
        #expect(try evaluate("true ? 'a' : 1").json == "\"a\"")
    }

    @Test func variablesOfEveryType() throws {
        var d = Declarations()
        let n = d.declare("n", .number), s = d.declare("s", .string), b = d.declare("b", .bool), l = d.declare("l", .list)
        let e = try compile("b && s.startsWith('A') && n >= 2 && n in l", d)
        let a = Activation(d)
        a.setNumber(n, 2)
        a.setValue(s, .string("Acme"))
        a.setBool(b, true)
        a.setValue(l, .list([.number(1), .number(2)]))
        #expect(try e.evaluateBool(a))
        a.setNumber(n, 3)
        #expect(try !e.evaluateBool(a))
        #expect(try e.interpreter.evaluate(a).json == "false")
    }

    @Test func constantsAreFolded() throws {
        #expect(try compile("1 + 2 * 3").constant?.json == "7")
        #expect(try compile("1 / 0 > 1").constant == nil)  // fails at run time, with its error
        var d = Declarations()
        d.declare("x", .number)
        #expect(try compile("x + 1", d).constant == nil)
    }
}

/// Inputs on which the fuzzer once found the compiled code and the interpreter disagreeing.
struct FuzzRegressionTests {
    @Test(arguments: [
        "d / y / y",
        "2 % 0 * 3 || true",
        "2 % 0 * 3 || false",
        "-(1 / 0 > 1) ",
        "!(2 % 0)",
    ])
    func compiledAndInterpretedAgree(_ text: String) throws {
        var d = Declarations()
        d.declare("d", .dyn)
        d.declare("y", .number)
        let a = Activation(d)
        a.setValue(0, .string("x"))
        a.setNumber(1, 2)
        let (compiled, _) = Expression.compile(text, d)
        guard let compiled else { return }
        let fast = Result { () throws(EvalError) in try compiled.evaluate(a) }
        let slow = Result { () throws(EvalError) in try compiled.interpreter.evaluate(a) }
        switch (fast, slow) {
        case (.success(let x), .success(let y)): #expect(x.celEquals(y))
        case (.failure(let x), .failure(let y)):
            #expect(x.message == y.message)
            #expect(x.span == y.span)
        default: Issue.record("\(fast) vs \(slow)")
        }
    }
}
