import KamSource

/// A checked, compiled expression, ready to run against any number of activations from any
/// number of threads (each with its own `Activation`).
///
/// A class, so that the structures holding expressions (bands, gates) copy one reference on
/// the hot path instead of the whole tree and its tables.
public final class CompiledExpression: Sendable {
    public let checked: CheckedTree
    /// Set when the whole expression is a constant.
    public let constant: Value?
    private let number: NumberCode
    private let bool: BoolCode
    private let value: ValueCode

    init(_ checked: CheckedTree) {
        let compiler = Compiler(checked, patterns: PatternCache())
        let root = checked.tree.root
        self.checked = checked
        let code = compiler.compile(root)
        if case .constant(let v) = code { constant = v } else { constant = nil }
        number = compiler.numberCode(root, "this expression")
        bool = compiler.boolCode(root, "this expression")
        value = Compiler.valueCode(code)
    }

    public var type: ExprType { checked.type }
    public var tree: SyntaxTree { checked.tree }

    public func evaluate(_ activation: Activation) throws(EvalError) -> Value { try value(activation) }

    public func evaluateValue(_ activation: Activation) throws(EvalError) -> Value { try value(activation) }

    /// The result as a number; a result of another type is a type-mismatch error.
    public func evaluateNumber(_ activation: Activation) throws(EvalError) -> Double { try number(activation) }

    /// The result as a bool; a result of another type is a type-mismatch error.
    public func evaluateBool(_ activation: Activation) throws(EvalError) -> Bool { try bool(activation) }

    /// The slow path with the same meaning, for `--explain` and for testing this one.
    public var interpreter: TreeInterpreter { TreeInterpreter(checked) }

    /// The same expression compiled again: closures and pattern cache of its own, for a
    /// worker thread, so threads do not count references on shared closures row after row.
    public func recompiled() -> CompiledExpression { CompiledExpression(checked) }
}

/// The language's front door: parse, check, compile.
public enum Expression {
    /// Compiles `source` against `declarations`. Returns the expression if there is no error,
    /// and every diagnostic (errors and warnings) either way.
    public static func compile(_ source: SourceText, _ declarations: Declarations) -> (CompiledExpression?, [Diagnostic]) {
        switch Parser.parse(source) {
        case .failure(let diagnostic):
            return (nil, [diagnostic])
        case .success(let tree):
            let (checked, diagnostics) = Checker.check(tree, declarations)
            if diagnostics.hasErrors { return (nil, diagnostics) }
            return (CompiledExpression(checked), diagnostics)
        }
    }

    /// Compiles an expression that is a file of its own (given on the command line, say).
    public static func compile(_ text: String, path: String = "<expression>", _ declarations: Declarations) -> (CompiledExpression?, [Diagnostic]) {
        compile(SourceText(wholeFile: SourceFile(path: path, text: text)), declarations)
    }
}
