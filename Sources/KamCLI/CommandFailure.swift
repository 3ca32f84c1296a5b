import KamSource

/// Why a command stopped short. Commands and the helpers they call throw it where the
/// problem is found, and the dispatch (`KamCLI.run`) alone writes it to standard error and
/// turns it into the exit code, so that every command's failures read alike and none is
/// written twice or ends a run without a word.
enum CommandFailure: Error {
    /// The command line does not fit the command: exit 64, with a pointer to its `--help`.
    case usage(String, help: String? = nil)
    /// An input, the rules or an output is wrong: exit 1. `at` is the place in a file
    /// (`list.csv:7`) when the problem is at one.
    case failed(String, at: String? = nil, help: String? = nil)
    /// Problems with their places in a file (a pack, a questionnaire, an expression), shown
    /// as a compiler shows them, the warnings among them too: exit 1.
    case diagnostics([Diagnostic])

    var code: Int32 {
        if case .usage = self { 64 } else { 1 }
    }

    /// Writes the failure to standard error; the exit code.
    func report(to console: Console, command: String?) -> Int32 {
        console.err(text(command: command))
        return code
    }

    /// What standard error gets; `command` names the command whose `--help` a usage error
    /// points to (nil for no command: `kam --help`).
    func text(command: String?) -> String {
        switch self {
        case .usage(let message, let help):
            "error: \(message)\n" + (help.map { "help: \($0)\n" } ?? "") + "see `kam \(command.map { $0 + " " } ?? "")--help`\n"
        case .failed(let message, let at, let help):
            (at.map { $0 + ": " } ?? "") + "error: \(message)\n" + (help.map { "help: \($0)\n" } ?? "")
        case .diagnostics(let diagnostics):
            DiagnosticRenderer.render(diagnostics)
        }
    }
}

/// Diagnostics that hold an error stop the command; warnings alone are written and it goes on.
func check(_ diagnostics: [Diagnostic], _ console: Console) throws(CommandFailure) {
    if diagnostics.hasErrors { throw .diagnostics(diagnostics) }
    if !diagnostics.isEmpty { console.err(DiagnosticRenderer.render(diagnostics)) }
}

/// What a loader made of a file, its warnings written; its diagnostics stop the command when
/// they hold an error or it made nothing.
func checked<Value>(_ result: (Value?, [Diagnostic]), _ console: Console) throws(CommandFailure) -> Value {
    guard let value = result.0 else { throw .diagnostics(result.1) }
    try check(result.1, console)
    return value
}
