import KamSource

/// Why an evaluation produced no value. It is returned to the caller as a value (typed
/// throws), never turned into NaN, a zero or a crash; the caller adds who was evaluating what
/// (the rule, the row) when it reports it.
public struct EvalError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case divisionByZero
        /// A variable with no value (an unanswered question, an empty cell).
        case missing(name: String)
        /// A result too large for a double.
        case notFinite
        case typeMismatch
        case invalidArgument
    }

    public let kind: Kind
    public let message: String
    /// Where in the file the failing sub-expression is written.
    public let file: SourceFile?
    public let span: SourceSpan?
    /// Context added on the way out, such as "while computing derived value `margin`".
    public var notes: [String] = []

    public init(_ kind: Kind, _ message: String, file: SourceFile?, span: SourceSpan?) {
        self.kind = kind
        self.message = message
        self.file = file
        self.span = span
    }

    public var isMissingValue: Bool {
        if case .missing = kind { return true }
        return false
    }

    public var description: String { message }

    /// The error as a diagnostic with file, line, column and caret.
    public func diagnostic(notes extra: [String] = []) -> Diagnostic {
        Diagnostic(.error, message, file: file, span: span, notes: notes + extra)
    }
}

/// Where a node is, for errors raised while it runs.
struct Site: Sendable {
    let file: SourceFile
    let span: SourceSpan

    init(_ tree: SyntaxTree, _ id: NodeID) {
        file = tree.source.file
        span = tree.fileSpan(id)
    }

    func error(_ kind: EvalError.Kind, _ message: String) -> EvalError {
        EvalError(kind, message, file: file, span: span)
    }
}
