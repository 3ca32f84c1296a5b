import KamReport

/// The language a command writes for people in: `--lang`, else `KAM_LANG`, else — only when
/// the output goes to a terminal — the locale (`LC_ALL`, `LC_MESSAGES`, `LANG`), else
/// English. Files and pipes never change with the locale, so a pipeline's bytes stay the
/// same on every machine; ids, column names and JSON keys are the same in every language.
enum Language {
    static let option = OptionSpec(
        name: "--lang", value: "LANG",
        help: "The language of the texts: \(Messages.languages.joined(separator: " or ")) (default: KAM_LANG, else the terminal's locale, else en).",
        choices: Messages.languages)

    /// The run's messages; `toTerminal` says whether what the command writes goes to a person's screen.
    static func messages(_ arguments: Arguments, toTerminal: Bool, console: Console) throws(CommandFailure) -> Messages {
        if let given = arguments.value("--lang") { return try bundled(given, from: "--lang") }
        if let given = console.environment["KAM_LANG"], !given.isEmpty { return try bundled(given, from: "KAM_LANG") }
        if toTerminal {
            let env = console.environment
            // The first of these that is set decides, as in POSIX: ru_RU.UTF-8 → ru.
            if let locale = [env["LC_ALL"], env["LC_MESSAGES"], env["LANG"]].compactMap({ $0 }).first(where: { !$0.isEmpty }) {
                let code = String(locale.prefix { $0.isLetter }).lowercased()
                if let messages = Messages.bundled(code) { return messages }
            }
        }
        return Messages.bundled("en")!
    }

    private static func bundled(_ code: String, from source: String) throws(CommandFailure) -> Messages {
        guard let messages = Messages.bundled(code) else {
            throw .usage("\(source) asks for `\(code)`, a language kam does not speak",
                             help: "kam speaks \(Messages.languages.joined(separator: ", "))")
        }
        return messages
    }
}
