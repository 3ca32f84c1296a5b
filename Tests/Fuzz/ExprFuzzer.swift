// libFuzzer target: the expression parser, checker and compiler, and a differential check
// of the compiled code against the reference interpreter. Built by scripts/fuzz.sh, not by
// SwiftPM.
import KamExpr
import KamSource

private let declarations: Declarations = {
    var d = Declarations()
    d.declare("x", .number)
    d.declare("y", .number)
    d.declare("s", .string)
    d.declare("b", .bool)
    d.declare("l", .list)
    d.declare("d", .dyn)
    d.declare("missing", .number)
    return d
}()

private let activation: Activation = {
    let a = Activation(declarations)
    a.setNumber(0, 3.5)
    a.setNumber(1, 0)
    a.setValue(2, .string("Ромашка Ltd"))
    a.setBool(3, true)
    a.setValue(4, .list([.number(1), .string("a"), .null]))
    a.setValue(5, .string("dyn"))
    return a
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzExpression(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let (compiled, diagnostics) = Expression.compile(text, declarations)
    for diagnostic in diagnostics { _ = DiagnosticRenderer.render(diagnostic) }
    guard let compiled else { return 0 }
    let fast = Result { () throws(EvalError) in try compiled.evaluate(activation) }
    let slow = Result { () throws(EvalError) in try compiled.interpreter.evaluate(activation) }
    switch (fast, slow) {
    case (.success(let a), .success(let b)):
        if !a.celEquals(b) && a.json != b.json { fatalError("compiled \(a.json) but interpreted \(b.json) for \(text)") }
        _ = a.json
    case (.failure(let a), .failure(let b)):
        if a.message != b.message || a.span != b.span {
            fatalError("errors differ: \(a.message) at \(String(describing: a.span)) vs \(b.message) at \(String(describing: b.span)) for \(text)")
        }
        _ = a.diagnostic()
    default:
        fatalError("compiled and interpreted disagree for \(text): \(fast) vs \(slow)")
    }
    return 0
}
