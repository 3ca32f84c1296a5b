import KamExpr
import KamSource
import KamTestSupport
import Testing

/// Property: every well-typed expression compiles and evaluates without trapping — division
/// by zero, overflow to infinity, a missing value, a bad conversion are errors, never a crash —
/// and the compiled code agrees with the reference interpreter on the value or the error.
/// The fuzzer feeds random text; this feeds random expressions that pass the checker, so
/// evaluation itself is exercised at depth.
struct RandomExpressionTests {
    enum Kind: CaseIterable { case number, bool, string }

    struct Generator {
        var rng: SplitMix64

        mutating func pick<T>(_ options: [T]) -> T { options[Int(rng.next() % UInt64(options.count))] }

        mutating func expression(_ kind: Kind, depth: Int) -> String {
            if depth == 0 || rng.next() % 4 == 0 { return leaf(kind) }
            let d = depth - 1
            switch kind {
            case .number:
                switch rng.next() % 12 {
                case 0: return "(\(expression(.number, depth: d)) \(pick(["+", "-", "*", "/", "%"])) \(expression(.number, depth: d)))"
                case 1: return "-\(expression(.number, depth: d))"
                case 2: return "\(pick(["min", "max"]))(\(expression(.number, depth: d)), \(expression(.number, depth: d)))"
                case 3: return "\(pick(["abs", "floor", "ceil", "round", "int", "double"]))(\(expression(.number, depth: d)))"
                case 4: return "size(\(expression(.string, depth: d)))"
                case 5: return "double(\(expression(.string, depth: d)))"
                case 6: return "(\(expression(.bool, depth: d)) ? \(expression(.number, depth: d)) : \(expression(.number, depth: d)))"
                case 7: return "size([\(expression(.number, depth: d)), \(expression(.string, depth: d))])"
                default: return "(\(expression(.number, depth: d)) \(pick(["+", "*", "/"])) \(leaf(.number)))"
                }
            case .bool:
                switch rng.next() % 9 {
                case 0: return "(\(expression(.number, depth: d)) \(pick(["<", "<=", ">", ">=", "==", "!="])) \(expression(.number, depth: d)))"
                case 1: return "(\(expression(.string, depth: d)) \(pick(["<", "==", "!="])) \(expression(.string, depth: d)))"
                case 2: return "!\(expression(.bool, depth: d))"
                case 3: return "(\(expression(.bool, depth: d)) \(pick(["&&", "||"])) \(expression(.bool, depth: d)))"
                case 4: return "\(expression(.string, depth: d)).\(pick(["startsWith", "endsWith", "contains"]))(\(expression(.string, depth: d)))"
                case 5: return "\(expression(.string, depth: d)).matches(\(pick(["'^[A-Я]'", "'a+'", "'.'", "''", "'(x|y)*z'"])))"
                case 6: return "(\(expression(.number, depth: d)) in [1, 2.5, \(expression(.number, depth: d))])"
                case 7: return "(\(expression(.string, depth: d)) in ['a', 'Ромашка'])"
                default: return "(\(expression(.bool, depth: d)) ? \(expression(.bool, depth: d)) : \(expression(.bool, depth: d)))"
                }
            case .string:
                switch rng.next() % 5 {
                case 0: return "(\(expression(.string, depth: d)) + \(expression(.string, depth: d)))"
                case 1: return "string(\(expression(.number, depth: d)))"
                case 2: return "string(\(expression(.bool, depth: d)))"
                case 3: return "(\(expression(.bool, depth: d)) ? \(expression(.string, depth: d)) : \(expression(.string, depth: d)))"
                default: return leaf(.string)
                }
            }
        }

        mutating func leaf(_ kind: Kind) -> String {
            switch kind {
            case .number: pick(["x", "y", "big", "tiny", "missing", "0", "1", "-2.5", "1e308", "0.1", "7"])
            case .bool: pick(["flag", "true", "false", "(x > 1)", "unknown_flag"])
            case .string: pick(["s", "''", "'Жук'", "'12.5'", "'a'", "'😀'", "missing_text"])
            }
        }
    }

    static let declarations: Declarations = {
        var d = Declarations()
        for (name, type) in [("x", ExprType.number), ("y", .number), ("big", .number), ("tiny", .number), ("missing", .number),
                             ("flag", .bool), ("unknown_flag", .bool), ("s", .string), ("missing_text", .string)] {
            d.declare(name, type)
        }
        return d
    }()

    static func activation() -> Activation {
        let a = Activation(declarations)
        a.setNumber(declarations.variable(named: "x")!.slot, 3.5)
        a.setNumber(declarations.variable(named: "y")!.slot, 0)
        a.setNumber(declarations.variable(named: "big")!.slot, 1.7e308)
        a.setNumber(declarations.variable(named: "tiny")!.slot, -5e-324)
        a.setBool(declarations.variable(named: "flag")!.slot, true)
        a.setValue(declarations.variable(named: "s")!.slot, .string("Ромашка Ltd"))
        // `missing`, `unknown_flag` and `missing_text` stay missing.
        return a
    }

    @Test(arguments: [1, 2, 3, 4])
    func wellTypedExpressionsNeverTrapAndBothPathsAgree(_ seed: UInt64) throws {
        var generator = Generator(rng: SplitMix64(seed: seed))
        let activation = Self.activation()
        var compiled = 0, failed = 0
        for n in 0..<1_500 {
            let kind = Kind.allCases[n % 3]
            let text = generator.expression(kind, depth: 1 + n % 6)
            let (expression, diagnostics) = Expression.compile(text, Self.declarations)
            guard let expression else {
                Issue.record("a well-typed expression did not compile: \(text)\n\(DiagnosticRenderer.render(diagnostics))")
                continue
            }
            compiled += 1
            let fast = Result { () throws(EvalError) in try expression.evaluate(activation) }
            let slow = Result { () throws(EvalError) in try expression.interpreter.evaluate(activation) }
            switch (fast, slow) {
            case (.success(let a), .success(let b)):
                #expect(a.celEquals(b) || a.json == b.json, "\(text): compiled \(a.json), interpreted \(b.json)")
                if case .number(let x) = a { #expect(!x.isNaN, "\(text) gave NaN") }
            case (.failure(let a), .failure(let b)):
                failed += 1
                #expect(a.message == b.message, "\(text): \(a.message) vs \(b.message)")
            default:
                Issue.record("\(text): compiled \(fast), interpreted \(slow)")
            }
        }
        #expect(compiled == 1_500)
        // The generator reaches errors as well as values.
        #expect(failed > 50 && failed < 1_450)
    }
}
