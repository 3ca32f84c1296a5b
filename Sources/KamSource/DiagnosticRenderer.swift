/// Renders diagnostics the way compilers do, so editors and people both understand them:
///
///     rules/suitability.json5:12:18: error: unknown name `anual_revenue`
///      12 |       when: "anual_revenue >= 100",
///         |              ^~~~~~~~~~~~~
///         = help: did you mean `annual_revenue`?
public enum DiagnosticRenderer {
    public static func render(_ diagnostic: Diagnostic) -> String {
        var out = ""
        if let file = diagnostic.file {
            out += file.path
            if let span = diagnostic.span {
                out += ":\(file.location(of: span.start))"
            }
            out += ": "
        }
        out += "\(diagnostic.severity.rawValue): \(diagnostic.message)\n"
        var gutter = "   "
        if let file = diagnostic.file, let span = diagnostic.span {
            let start = file.location(of: span.start)
            let number = String(start.line)
            gutter = String(repeating: " ", count: number.count + 1)
            let (line, column) = window(file.lineText(start.line), column: start.column)
            let width = min(caretWidth(file, span, start), max(1, line.unicodeScalars.count - column + 1))
            out += " \(number) | \(line)\n"
            out += "\(gutter) | \(caretLine(line: line, column: column, width: width))\n"
        }
        for note in diagnostic.notes {
            out += "\(gutter) = note: \(note)\n"
        }
        if let help = diagnostic.help {
            out += "\(gutter) = help: \(help)\n"
        }
        return out
    }

    /// All of them, separated by nothing: each rendering ends with a newline.
    public static func render(_ diagnostics: [Diagnostic]) -> String {
        diagnostics.map(render).joined()
    }

    /// A long line (a minified file, a generated one) cut to the part around the column, with
    /// `…` where text was left out, and the column within what is shown.
    static func window(_ line: String, column: Int, around: Int = 60) -> (String, Int) {
        let scalars = Array(line.unicodeScalars)
        guard scalars.count > 2 * around + 40 else { return (line, column) }
        let from = max(0, column - 1 - around), to = min(scalars.count, column - 1 + around)
        var shown = String(String.UnicodeScalarView(scalars[from..<to]))
        var shift = from
        if from > 0 {
            shown = "…" + shown
            shift -= 1
        }
        if to < scalars.count { shown += "…" }
        return (shown, column - shift)
    }

    /// How many scalars of the span lie on its first line (at least one, so a caret shows).
    private static func caretWidth(_ file: SourceFile, _ span: SourceSpan, _ start: SourceLocation) -> Int {
        let end = file.location(of: span.end)
        if end.line != start.line {
            let line = file.lineText(start.line)
            return max(1, line.unicodeScalars.count - start.column + 1)
        }
        return max(1, end.column - start.column)
    }

    /// `^~~~` under the span, copying tabs from the line so the caret lines up in a terminal.
    private static func caretLine(line: String, column: Int, width: Int) -> String {
        var out = ""
        for (index, scalar) in line.unicodeScalars.enumerated() where index < column - 1 {
            out += scalar == "\t" ? "\t" : " "
        }
        let padding = max(0, column - 1 - line.unicodeScalars.count)
        out += String(repeating: " ", count: padding)
        return out + "^" + String(repeating: "~", count: width - 1)
    }
}
