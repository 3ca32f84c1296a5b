import Foundation
import KamExpr
import KamSource
import KamTestSupport
import Testing

/// The public CEL conformance subset (`../shared/conformance/expressions/cel-subset.json`),
/// read in place and run through both the compiled code and the reference interpreter.
struct ConformanceTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let expression: String
        let variables: [(String, Value)]
        let expected: Value?  // nil: an error is expected

        var testDescription: String { "\(name): \(expression)" }
    }

    static let cases: [Case] = {
        let url = TestPaths.shared.appending(path: "conformance/expressions/cel-subset.json")
        guard let data = try? Data(contentsOf: url),
              case .success(let root) = JSON5Reader.read(SourceFile(path: url.path, bytes: Array(data))),
              let list = root.array
        else { return [] }
        return list.map { item in
            let vars = (item["vars"]?.members ?? []).map { ($0.key, value($0.value)) }
            let name = ["file", "section", "name"].map { item[$0]?.string ?? "?" }.joined(separator: "/")
            let expected: Value? = item["expect_error"]?.bool == true ? nil : value(item["expect"]!)
            return Case(name: name, expression: item["expr"]!.string!, variables: vars, expected: expected)
        }
    }()

    static func value(_ node: JSONNode) -> Value {
        switch node.value {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .number(let n): return .number(n)
        case .string(let s): return .string(s)
        case .array(let items): return .list(items.map(value))
        case .object: return .null
        }
    }

    @Test func theSuiteIsThere() {
        #expect(Self.cases.count == 328, "expected the 328 cases of cel-subset.json at \(TestPaths.shared.path)")
    }

    @Test(arguments: cases)
    func conformance(_ c: Case) throws {
        var declarations = Declarations()
        for (name, value) in c.variables {
            declarations.declare(name, value.type == .null ? .dyn : value.type)
        }
        let (compiled, diagnostics) = Expression.compile(c.expression, declarations)
        guard let compiled else {
            #expect(c.expected == nil, "unexpected compile error: \(diagnostics.map(\.message))")
            return
        }
        let activation = Activation(declarations)
        for (name, value) in c.variables {
            activation.setValue(declarations.variable(named: name)!.slot, value)
        }
        let fast = Result { () throws(EvalError) in try compiled.evaluate(activation) }
        let slow = Result { () throws(EvalError) in try compiled.interpreter.evaluate(activation) }
        switch (fast, slow) {
        case (.success(let x), .success(let y)):
            #expect(x.celEquals(y), "compiled \(x) but interpreted \(y)")
            if let expected = c.expected {
                #expect(x.celEquals(expected), "got \(x), expected \(expected)")
            } else {
                Issue.record("expected an error, got \(x)")
            }
        case (.failure(let x), .failure(let y)):
            #expect(x.message == y.message)
            #expect(c.expected == nil, "unexpected error: \(x.message)")
        default:
            Issue.record("the compiled code and the interpreter disagree: \(fast) vs \(slow)")
        }
    }
}
