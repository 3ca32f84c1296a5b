import Foundation
import KamExpr
import KamSource
import KamTestSupport
import Testing

/// The public CEL conformance subset (`fixtures/conformance/expressions/cel-subset.json`),
/// copied with its sources and run through both the compiled code and the reference interpreter.
struct ConformanceTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let expression: String
        let variables: [(String, Value)]
        let expected: Value?  // nil: an error is expected

        var testDescription: String { "\(name): \(expression)" }
    }

    static let url = TestPaths.conformance.appending(path: "expressions/cel-subset.json")

    /// The cases, or why they could not be read (reported by `theSuiteIsThere`).
    static let loaded: Result<[Case], TestDataError> = Result { () throws(TestDataError) in
        let data = try readTestData(url)
        guard case .success(let root) = JSON5Reader.read(SourceFile(path: url.path, bytes: Array(data))), let list = root.array else {
            throw TestDataError("\(url.path) is not a JSON array")
        }
        return try list.enumerated().map { (index, item) throws(TestDataError) in
            let vars = (item["vars"]?.members ?? []).map { ($0.key, value($0.value)) }
            let name = ["file", "section", "name"].map { item[$0]?.string ?? "?" }.joined(separator: "/")
            guard let expression = item["expr"]?.string else { throw TestDataError("\(url.path): case \(index) (\(name)) has no `expr`") }
            let expected: Value?
            if item["expect_error"]?.bool == true {
                expected = nil
            } else if let expect = item["expect"] {
                expected = value(expect)
            } else {
                throw TestDataError("\(url.path): case \(index) (\(name)) has neither `expect` nor `expect_error`")
            }
            return Case(name: name, expression: expression, variables: vars, expected: expected)
        }
    }

    static var cases: [Case] { (try? loaded.get()) ?? [] }

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

    @Test func theSuiteIsThere() throws {
        #expect(try Self.loaded.get().count == 328)
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
