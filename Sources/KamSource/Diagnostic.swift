/// One problem found in an input, with where it is and what would fix it.
///
/// Libraries return diagnostics as values; only the CLI decides where they are printed and
/// what exit code they lead to.
public struct Diagnostic: Error, Sendable {
    public enum Severity: String, Sendable, Comparable {
        case error, warning, note

        private var rank: Int {
            switch self {
            case .error: 0
            case .warning: 1
            case .note: 2
            }
        }

        public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
    }

    public var severity: Severity
    /// What is wrong and, where it helps, what was expected. No trailing full stop.
    public var message: String
    /// The file the problem is in; nil for problems with no file (a bad option, say).
    public var file: SourceFile?
    public var span: SourceSpan?
    /// A concrete suggestion, such as "did you mean `annual_revenue`?".
    public var help: String?
    /// Further context lines, such as "in factor `concentration`, band 2".
    public var notes: [String]

    public init(
        _ severity: Severity, _ message: String, file: SourceFile? = nil, span: SourceSpan? = nil,
        help: String? = nil, notes: [String] = []
    ) {
        self.severity = severity
        self.message = message
        self.file = file
        self.span = span
        self.help = help
        self.notes = notes
    }

    public static func error(
        _ message: String, file: SourceFile? = nil, span: SourceSpan? = nil, help: String? = nil
    ) -> Diagnostic {
        Diagnostic(.error, message, file: file, span: span, help: help)
    }

    public static func warning(
        _ message: String, file: SourceFile? = nil, span: SourceSpan? = nil, help: String? = nil
    ) -> Diagnostic {
        Diagnostic(.warning, message, file: file, span: span, help: help)
    }

    /// The line and column where the problem starts, if it has a place in a file.
    public var location: SourceLocation? {
        guard let file, let span else { return nil }
        return file.location(of: span.start)
    }
}

extension Array where Element == Diagnostic {
    public var hasErrors: Bool { contains { $0.severity == .error } }
    public var errors: [Diagnostic] { filter { $0.severity == .error } }
    public var warnings: [Diagnostic] { filter { $0.severity == .warning } }

    /// Sorted by file, then position, then severity, keeping the original order for ties, so
    /// output does not depend on the order checks happened to run in.
    public func sortedByPosition() -> [Diagnostic] {
        enumerated().sorted { a, b in
            let (x, y) = (a.element, b.element)
            let xp = x.file?.path ?? "", yp = y.file?.path ?? ""
            if xp != yp { return xp < yp }
            let xs = x.span?.start ?? -1, ys = y.span?.start ?? -1
            if xs != ys { return xs < ys }
            if x.severity != y.severity { return x.severity < y.severity }
            return a.offset < b.offset
        }.map(\.element)
    }
}
