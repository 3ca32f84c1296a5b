import KamReport
import KamSource

/// The `kam` command line: finds the command, parses its options, runs it, and turns the
/// outcome into an exit code (0 success, 1 wrong inputs or rules, 64 wrong command line):
/// a command's failure is written here, once.
/// It holds no rule or domain logic; that lives in the libraries it calls.
public enum KamCLI {
    public static let version = "0.1.0"

    static let commands: [Command] = [
        AssessCommand.command, QuestionnaireCommand.command, ScoreCommand.command, ColumnsCommand.command, ReportCommand.command,
        DiffCommand.command, PortfolioCommand.command, PortfolioCommand.merge, SummaryCommand.merge,
        EvalCommand.command,
        RulesCommands.check, RulesCommands.test, RulesCommands.list,
        CompletionCommand.command,
    ]

    public static func run(_ arguments: [String], console: Console) -> Int32 {
        let code = dispatch(arguments, console: console)
        // A result that did not reach standard output (a full disk, a closed device) is a failure.
        if let failed = console.outFailure, code == 0 {
            return CommandFailure.failed("cannot write to standard output: \(OutputFile.describe(failed))").report(to: console, command: nil)
        }
        return code
    }

    private static func dispatch(_ arguments: [String], console: Console) -> Int32 {
        guard let first = arguments.first else {
            console.err(overview)
            return 64
        }
        switch first {
        case "--help", "-h", "help":
            console.out(overview)
            return 0
        case "--version":
            console.out("kam \(version)\n")
            return 0
        default:
            break
        }
        // The longest run of leading words that names a command.
        let match = commands
            .filter { arguments.starts(with: $0.words) }
            .max { $0.words.count < $1.words.count }
        guard let command = match else {
            return CommandFailure.usage("unknown command `\(commandWords(arguments))`", help: suggestion(arguments)).report(to: console, command: nil)
        }
        return run(command, Array(arguments.dropFirst(command.words.count)), console: console)
    }

    /// One command on the words after its name. Its failure, thrown from wherever it was
    /// found, is written here and nowhere else.
    static func run(_ command: Command, _ rest: [String], console: Console) -> Int32 {
        if rest.contains("--help") || rest.contains("-h") {
            console.out(command.help)
            return 0
        }
        do throws(CommandFailure) {
            let expressions = if case .text = command.operands { true } else { false }
            let parsed = try Arguments(rest, command.options, expressions: expressions)
            guard command.options.contains(where: { $0.name == Language.option.name }) else { return try command.run(parsed, console) }
            // The packs and the reports read the language from the run's messages.
            let toTerminal = console.outputIsTerminal && (parsed.value("--output") ?? "-") == "-"
            let messages = try Language.messages(parsed, toTerminal: toTerminal, console: console)
            var failure: CommandFailure?
            let code = Messages.$current.withValue(messages) { () -> Int32 in
                do throws(CommandFailure) { return try command.run(parsed, console) } catch { failure = error; return error.code }
            }
            if let failure { throw failure }
            return code
        } catch {
            return error.report(to: console, command: command.name)
        }
    }

    private static func commandWords(_ arguments: [String]) -> String {
        arguments.prefix { !$0.hasPrefix("-") }.prefix(2).joined(separator: " ")
    }

    private static func suggestion(_ arguments: [String]) -> String? {
        let group = commands.filter { $0.words.count > 1 && $0.words[0] == arguments[0] }
        if !group.isEmpty {
            let words = group.map { $0.words[1] }
            let given = arguments.count > 1 ? arguments[1] : ""
            return Suggestion.didYouMean(given, among: words)
                ?? "`kam \(arguments[0])` is followed by one of: \(words.joined(separator: ", "))"
        }
        return Suggestion.didYouMean(arguments[0], among: Set(commands.map { $0.words[0] }))
    }

    static var overview: String {
        var text = """
            kam \(version) — a key-account management advisor

            Decides from evidence and declarative rules whether key-account management suits a
            supplier, which customers should be key accounts, and who should run them.

            Usage: kam <command> [options]

            Commands:

            """
        let width = commands.map(\.name.count).max()! + 2
        for command in commands {
            text += "  " + command.name.padding(toLength: width) + command.summary + "\n"
        }
        text += """

            Every command has --help. `kam --version` prints the version.
            Results go to standard output; diagnostics go to standard error.
            Exit codes: 0 success, 1 the inputs or rules are wrong, 64 the command line is wrong.

            """
        return text
    }
}
